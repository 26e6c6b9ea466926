/* lanecert run: the inputs checked before anything is opened (cli/run_inputs.h). */
#include "cli/run_inputs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include <lanecert/channel.h>
#include <lanecert/base.h>
#include <lanecert/run.h>
#include <lanecert/results.h>

/* A procedure that does not compile or does not describe a procedure is malformed input: 65, nothing opened. */
static int check_procedure_file(const char *procedures_dir, const char *path)
{
	lc_diag d;
	int rc = lc_procedure_check_file(procedures_dir, path, &d);
	return rc < 0 ? lc_cli_fail("run", rc, &d, "procedure") : LC_EXIT_OK;
}

int lc_run_check_procedure(const char *name, const char *file, const char *procedures_dir)
{
	lc_diag d;
	char path[1024];
	if (name && file) {
		lc_cli_error("run", "give a procedure name or --procedure-file PATH, not both");
		return LC_EXIT_USAGE;
	}
	if (file) {
		struct stat st;
		if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
			lc_cli_error("run", "--procedure-file %s: no such file", file);
			return LC_EXIT_NOINPUT;
		}
		return check_procedure_file(procedures_dir, file);
	}
	if (!name) {
		lc_cli_error("run", "no procedure: give its name (lanecert run --help)");
		return LC_EXIT_USAGE;
	}
	if (lc_procedure_path(procedures_dir, name, path, sizeof(path), &d) == 0)
		return check_procedure_file(procedures_dir, path);
	char *list = NULL;
	int n = lc_procedure_list(procedures_dir, &list, NULL);
	if (lc_procedure_name_valid(name))
		lc_cli_error("run", "unknown procedure '%s'", name);
	else
		lc_cli_error("run", "'%.80s' is not a procedure name: a procedure is named, never given as a path", name);
	fprintf(stderr, "installed procedures (%s): %s\n", lc_procedures_dir(procedures_dir),
		n > 0 ? list : "(none)");
	free(list);
	fprintf(stderr, "a procedure file of your own: --procedure-file PATH (recorded as custom in the report)\n");
	return LC_EXIT_NOINPUT;
}

int lc_run_check_serials(const char *const *serials, size_t n, const lc_station *st)
{
	lc_diag d;
	char rule[LC_TEXT_MAX + 160];
	for (size_t i = 0; i < n; i++) {
		int rc = lc_serial_check(serials[i], st->serial_pattern, &d);
		if (rc == 0)
			continue;
		lc_cli_error("run", "%s", lc_diag_message(&d));
		if (rc == LC_ERR_ARG) {
			lc_serial_rule_text(st->serial_pattern, rule, sizeof(rule));
			fprintf(stderr, "%s\n", rule);
		}
		return LC_EXIT_USAGE;
	}
	return LC_EXIT_OK;
}

static bool operator_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= LC_NAME_MAX || !lc_utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int lc_run_resolve_job_field(const char *what, const char *given, const char *station_default, const char **out)
{
	const char *v = given ? given : station_default[0] ? station_default : NULL;
	*out = v;
	if (!v)
		return LC_EXIT_OK;
	size_t n = strlen(v);
	bool ok = n > 0 && n <= 200 && lc_utf8_valid(v, n);
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)v[i] >= 0x20 && v[i] != 0x7f;
	if (!ok) {
		lc_cli_error("run", "%s%s is not a %s: 1-200 bytes of UTF-8 text without control characters",
			     given ? "--" : "the station's default_", what, what);
		return LC_EXIT_USAGE;
	}
	return LC_EXIT_OK;
}

int lc_run_resolve_operator(const char *given, const lc_station *st, bool interactive, char *buf, size_t cap)
{
	const char *from = "--operator";
	buf[0] = '\0';
	if (given) {
		snprintf(buf, cap, "%s", given);
	} else if (st->default_operator[0]) {
		snprintf(buf, cap, "%s", st->default_operator);
		from = "the station's default_operator";
	} else if (interactive) {
		fprintf(stderr, "operator (your name, recorded in the report): ");
		if (!fgets(buf, (int)cap, stdin))
			buf[0] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		from = "the operator's answer";
	}
	if (!buf[0]) {
		lc_cli_error("run", "a certification needs an operator: --operator NAME, or \"default_operator\" in "
				    "the station file%s",
			     interactive ? "" : " (no terminal to ask on)");
		return LC_EXIT_USAGE;
	}
	if (!operator_ok(buf)) {
		lc_cli_error("run", "%s is not an operator name: 1-%d bytes of UTF-8 text without control characters",
			     from, LC_NAME_MAX - 1);
		return LC_EXIT_USAGE;
	}
	return LC_EXIT_OK;
}

int lc_run_open_out(const char *out, int *fd)
{
	lc_diag d;
	int rc = lc_mkdir_p(out, 0755, &d);
	if (rc < 0)
		return lc_cli_fail("run", rc, &d, "--out");
	/* --out itself is the operator's choice (it may be a symlink); below it nothing is followed. */
	*fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0) {
		lc_cli_error("run", "--out %s: %s", out, strerror(errno));
		return errno == EACCES ? LC_EXIT_NOPERM : LC_EXIT_IOERR;
	}
	if ((rc = lc_report_clean_stale(*fd, &d)) < 0)
		lc_cli_error("run", "--out %s: %s", out, lc_diag_message(&d));
	return LC_EXIT_OK;
}

void lc_run_report_name(const char *serial, unsigned slot, char *buf, size_t cap)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, cap, "%s-%s-slot%u", serial, stamp, slot);
}

int lc_run_state_dir(const char *given, const lc_station *st, const char *db, bool no_db, char *buf,
			  size_t cap)
{
	lc_diag d;
	char store[1024];
	buf[0] = '\0';
	if (!st->reference_keep_s && !st->golden.serial[0])
		return LC_EXIT_OK;
	if (given || st->state_dir[0]) {
		snprintf(buf, cap, "%s", given ? given : st->state_dir);
	} else if (!no_db && (db || lc_store_default_path(store, sizeof(store), &d) == 0)) {
		snprintf(store, sizeof(store), "%s", db ? db : store);
		char *slash = strrchr(store, '/');
		if (slash)
			*slash = '\0';
		snprintf(buf, cap, "%s/station-state", slash ? store : ".");
	} else {
		lc_cli_error("run", "station '%s' keeps state between runs (reference_keep_s) but there is no folder for "
				    "it: --state DIR, or \"state_dir\" in the station file",
			     st->name);
		return LC_EXIT_USAGE;
	}
	int rc = lc_mkdir_p(buf, 0755, &d);
	if (rc < 0) {
		lc_cli_error("run", "station state folder %s: %s", buf, lc_diag_message(&d));
		return rc == LC_ERR_PERMISSION ? LC_EXIT_NOPERM : LC_EXIT_IOERR;
	}
	return LC_EXIT_OK;
}

int lc_run_golden_mode(bool golden, const lc_station *st, const char *const *serials, size_t n)
{
	if (!golden)
		return LC_EXIT_OK;
	if (!st->golden.serial[0]) {
		lc_cli_error("run", "--golden: station '%s' declares no golden cable (\"golden\" in the station file)", st->name);
		return LC_EXIT_USAGE;
	}
	if (n != 1 || strcmp(serials[0], st->golden.serial) != 0) {
		lc_cli_error("run", "--golden: the golden cable of station '%s' is %s: certify it alone, with --serial %s",
			     st->name, st->golden.serial, st->golden.serial);
		return LC_EXIT_USAGE;
	}
	return LC_EXIT_OK;
}
