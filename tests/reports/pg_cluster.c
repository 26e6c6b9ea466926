#include "tests/reports/pg_cluster.h"

#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/port_range.h"
#include "tests/reports/helpers.h"

static int find_bin(tpg *c)
{
	glob_t g;
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		fprintf(stderr, "pg_cluster: no /usr/lib/postgresql/*/bin/initdb: ./bootstrap.sh installs postgresql-15\n");
		return -1;
	}
	snprintf(c->bin, sizeof(c->bin), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	*strrchr(c->bin, '/') = 0;
	return 0;
}

/* A server command, as postgres when we are root. */
static int as_server(const char *cmd)
{
	char full[4096];
	if (geteuid() == 0)
		snprintf(full, sizeof(full), "runuser -u postgres -- %s", cmd);
	else
		snprintf(full, sizeof(full), "%s", cmd);
	int rc = th_run(full);
	if (rc != 0)
		fprintf(stderr, "pg_cluster: '%s' exited %d\n", full, rc);
	return rc == 0 ? 0 : -1;
}

static int new_dir(tpg *c, const char *tag);

int tpg_create(tpg *c, const char *tag)
{
	memset(c, 0, sizeof(*c));
	if (find_bin(c) < 0)
		return -1;
	/* Short path: a unix socket path has at most 107 bytes. */
	if (new_dir(c, tag) < 0)
		return -1;
	/* Only the socket file's name: the server listens on no TCP port. */
	c->port = tp_port_base(1, 0);
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "%s/initdb -D %s/data -A trust -U lanecert_admin -N -E UTF8 --locale=C >%s/initdb.log 2>&1",
		 c->bin, c->dir, c->dir);
	return as_server(cmd);
}

static int new_dir(tpg *c, const char *tag)
{
	snprintf(c->dir, sizeof(c->dir), "/tmp/lc-%s-XXXXXX", tag);
	if (!mkdtemp(c->dir))
		return -1;
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (!pw || chown(c->dir, pw->pw_uid, pw->pw_gid) != 0) {
			fprintf(stderr, "pg_cluster: no postgres user to run the server as (postgresql-15 creates it)\n");
			return -1;
		}
	}
	return 0;
}

int tpg_clone(const tpg *src, tpg *c, const char *tag)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->bin, sizeof(c->bin), "%s", src->bin);
	if (new_dir(c, tag) < 0)
		return -1;
	c->port = src->port + 1;
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cp -a %s/data %s/data", src->dir, c->dir);
	return as_server(cmd);
}

int tpg_start(tpg *c)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "%s/pg_ctl -D %s/data -l %s/server.log -w -t 30 -o \"-c listen_addresses='' -c unix_socket_directories=%s"
		 " -p %d -c fsync=off -c full_page_writes=off -c max_connections=60\" start >/dev/null",
		 c->bin, c->dir, c->dir, c->dir, c->port);
	return as_server(cmd);
}

int tpg_start_tls(tpg *c, const char *cert, const char *key)
{
	char cmd[4096];
	int n = snprintf(cmd, sizeof(cmd), "cp %s %s/server.crt && cp %s %s/server.key && chmod 600 %s/server.key", cert,
			 c->dir, key, c->dir, c->dir);
	if (geteuid() == 0) /* the server runs as postgres (as_server) */
		snprintf(cmd + n, sizeof(cmd) - (size_t)n, " && chown postgres %s/server.crt %s/server.key", c->dir, c->dir);
	if (th_run(cmd) != 0)
		return -1;
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS; attempt++) {
		c->port = tp_port_base(1, attempt);
		snprintf(cmd, sizeof(cmd),
			 "%s/pg_ctl -D %s/data -l %s/server.log -w -t 30 -o \"-c listen_addresses=127.0.0.1"
			 " -c unix_socket_directories=%s -p %d -c fsync=off -c full_page_writes=off -c max_connections=20"
			 " -c ssl=on -c ssl_cert_file=%s/server.crt -c ssl_key_file=%s/server.key\" start >/dev/null 2>&1",
			 c->bin, c->dir, c->dir, c->dir, c->port, c->dir, c->dir);
		if (as_server(cmd) == 0)
			return 0;
	}
	return -1;
}

int tpg_stop(tpg *c, bool immediate)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s/pg_ctl -D %s/data -w -t 30 -m %s stop >/dev/null", c->bin, c->dir,
		 immediate ? "immediate" : "fast");
	return as_server(cmd);
}

void tpg_destroy(tpg *c)
{
	if (!c->dir[0])
		return;
	tpg_stop(c, true);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", c->dir);
	th_run(cmd);
	c->dir[0] = 0;
}

const char *tpg_url(const tpg *c, const char *db, const char *user)
{
	static char url[1024];
	snprintf(url, sizeof(url), "postgresql:///%s?host=%s&port=%d&user=%s", db, c->dir, c->port, user);
	return url;
}

int tpg_sql(const tpg *c, const char *db, const char *sql)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "%s/psql -X -q -v ON_ERROR_STOP=1 '%s' -c \"%s\" >/dev/null 2>&1", c->bin,
		 tpg_url(c, db, "lanecert_admin"), sql);
	return th_run(cmd) == 0 ? 0 : -1;
}

int tpg_from_env(tpg *c, const char *prefix)
{
	memset(c, 0, sizeof(*c));
	char n[64];
	snprintf(n, sizeof(n), "%s_DIR", prefix);
	const char *d = getenv(n);
	snprintf(n, sizeof(n), "%s_PORT", prefix);
	const char *p = getenv(n);
	if (!d || !p || find_bin(c) < 0)
		return -1;
	snprintf(c->dir, sizeof(c->dir), "%s", d);
	c->port = atoi(p);
	return 0;
}

void tpg_to_env(const tpg *c, const char *prefix)
{
	char n[64], v[16];
	snprintf(n, sizeof(n), "%s_DIR", prefix);
	setenv(n, c->dir, 1);
	snprintf(n, sizeof(n), "%s_PORT", prefix);
	snprintf(v, sizeof(v), "%d", c->port);
	setenv(n, v, 1);
}
