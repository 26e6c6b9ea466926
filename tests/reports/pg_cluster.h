/*
 * A throwaway PostgreSQL cluster for the fleet tests: initdb in a scratch folder, the server on a unix socket
 * in that folder (no TCP port: nothing to collide with), fsync off (the tests crash the server, never the
 * machine). PostgreSQL refuses to run as root, so under root (CI) the server's commands run as the
 * unprivileged "postgres" user (the postgresql-15 package creates it) in a folder it owns.
 *
 * Thread safety: one cluster per process; functions are not reentrant.
 */
#ifndef LC_TESTS_REPORTS_PG_CLUSTER_H
#define LC_TESTS_REPORTS_PG_CLUSTER_H

#include <stdbool.h>

typedef struct tpg {
	char dir[512];  /* the cluster's folder: data/, the socket, the log */
	char bin[256];  /* PostgreSQL's server programs */
	int port;       /* names the socket file .s.PGSQL.<port> */
} tpg;

/* initdb (not started); the admin role is "lanecert_admin" (trust on the socket). 0 or -1 (message on stderr). */
int tpg_create(tpg *c, const char *tag);
/* A second cluster, a copy of src's data taken while src is stopped (cheaper than another initdb). */
int tpg_clone(const tpg *src, tpg *c, const char *tag);
/* pg_ctl start / stop (immediate: the server dies like a crash, SIGQUIT). 0 or -1. */
int tpg_start(tpg *c);
/* Start with TLS on TCP 127.0.0.1 as well as the socket: cert and key (PEM files) are copied into the cluster's
 * folder (the server wants its key private to it); the port (c->port, both the TCP port and the socket's
 * name) is tried from tests/port_range.h until one is free. 0 or -1. */
int tpg_start_tls(tpg *c, const char *cert, const char *key);
int tpg_stop(tpg *c, bool immediate);
/* Stop and remove the folder. */
void tpg_destroy(tpg *c);
/* A libpq URI for db as user (static buffer, overwritten by the next call). */
const char *tpg_url(const tpg *c, const char *db, const char *user);
/* Run one SQL statement as the admin on db with psql; 0 when it succeeded. */
int tpg_sql(const tpg *c, const char *db, const char *sql);

/* A cluster PRE_ALL started, from its folder and port exported in <prefix>_DIR and <prefix>_PORT (the forked
 * test processes read them back here). */
int tpg_from_env(tpg *c, const char *prefix);
void tpg_to_env(const tpg *c, const char *prefix);

#endif
