/* The fleet store's connection to PostgreSQL (reports/fleet_priv.h). */
#include "reports/fleet_priv.h"

#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpq's messages end in a newline; our details are one line. */
static void one_line(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = 0;
}

/* The server's notices and warnings ("terminating connection due to immediate shutdown") go to the log
 * callback: libpq's default would print them on stderr, and the library never prints. */
static void notice(void *user, const char *message)
{
	(void)user;
	char msg[600];
	snprintf(msg, sizeof(msg), "%s", message);
	one_line(msg);
	lc_log(LC_LOG_INFO, "fleet", "server: %s", msg);
}

int lc_fleet_connect(const char *url, lc_fleet **out, lc_diag *diag)
{
	if (!url || !*url || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no server URL");
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &err);
	if (!opts) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s", err ? err : "out of memory");
		one_line(msg);
		PQfreemem(err);
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: bad server URL: %s", msg);
	}
	PQconninfoFree(opts);
	lc_fleet *f = calloc(1, sizeof(*f));
	if (!f)
		return lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
	f->conn = PQconnectdb(url);
	if (f->conn)
		PQsetNoticeProcessor(f->conn, notice, NULL);
	if (!f->conn || PQstatus(f->conn) != CONNECTION_OK) {
		char msg[400];
		snprintf(msg, sizeof(msg), "%s", f->conn ? PQerrorMessage(f->conn) : "out of memory");
		one_line(msg);
		/* libpq gives no SQLSTATE for a refused login; its message does say so. */
		int code = strstr(msg, "authentication failed") || strstr(msg, "permission denied") ||
				   strstr(msg, "no pg_hba.conf entry")
			   ? LC_ERR_PERMISSION
			   : LC_ERR_IO;
		lc_fleet_close(f);
		return lc_diag_set(diag, code, "fleet: cannot connect: %s", msg);
	}
	/* Quiet the server's NOTICEs (IF NOT EXISTS ...): the library never prints. */
	PQclear(PQexec(f->conn, "SET client_min_messages = warning"));
	*out = f;
	return 0;
}

void lc_fleet_close(lc_fleet *f)
{
	if (!f)
		return;
	PQfinish(f->conn);
	free(f);
}

int lc_fleet_fail(lc_fleet *f, const PGresult *res, const char *what, lc_diag *diag)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char msg[600];
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (state && primary && strcmp(state, LC_FLEET_REFUSED_STATE) == 0)
		snprintf(msg, sizeof(msg), "%s", primary); /* the reason alone, not PL/Python's traceback */
	else
		snprintf(msg, sizeof(msg), "%s", res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
										    : PQerrorMessage(f->conn));
	one_line(msg);
	int code = LC_ERR_STATE; /* the server refused the statement */
	if (PQstatus(f->conn) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strncmp(state, "53", 2) == 0)
		code = LC_ERR_IO; /* lost, shut down, out of resources: worth retrying later */
	else if (strcmp(state, "42501") == 0 || strncmp(state, "28", 2) == 0)
		code = LC_ERR_PERMISSION;
	else if (strcmp(state, LC_FLEET_REFUSED_STATE) == 0)
		code = LC_ERR_VERIFY; /* the schema's signature check refused a report (migration 5) */
	return lc_diag_set(diag, code, "fleet: %s: %s%s%s%s", what, msg, state ? " (SQLSTATE " : "", state ? state : "",
			   state ? ")" : "");
}

PGresult *lc_fleet_exec(lc_fleet *f, const char *sql, int n, const char *const *vals, const char *what, int *rc,
			lc_diag *diag)
{
	return lc_fleet_exec_binary(f, sql, n, vals, NULL, NULL, false, what, rc, diag);
}

PGresult *lc_fleet_exec_binary(lc_fleet *f, const char *sql, int n, const char *const *vals, const int *lens,
			       const int *fmts, bool binary_result, const char *what, int *rc, lc_diag *diag)
{
	PGresult *res = PQexecParams(f->conn, sql, n, NULL, vals, lens, fmts, binary_result ? 1 : 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		*rc = 0;
		return res;
	}
	*rc = lc_fleet_fail(f, res, what, diag);
	PQclear(res);
	return NULL;
}

int lc_fleet_run(lc_fleet *f, const char *sql, int n, const char *const *vals, const char *what, lc_diag *diag)
{
	int rc;
	PGresult *res = lc_fleet_exec(f, sql, n, vals, what, &rc, diag);
	PQclear(res);
	return rc;
}

int lc_fleet_pipe_enter(lc_fleet *f, lc_diag *diag)
{
	if (PQenterPipelineMode(f->conn) == 1)
		return 0;
	return lc_fleet_fail(f, NULL, "pipeline", diag);
}

int lc_fleet_pipe_send(lc_fleet *f, const char *sql, int n, const char *const *vals, const int *lens,
		       const int *fmts, lc_diag *diag)
{
	if (PQsendQueryParams(f->conn, sql, n, NULL, vals, lens, fmts, 0) == 1)
		return 0;
	return lc_fleet_fail(f, NULL, "send", diag);
}

int lc_fleet_pipe_finish(lc_fleet *f, int nq, PGresult **out, int *failed, const char *what, lc_diag *diag)
{
	int rc = 0;
	*failed = -1;
	for (int k = 0; k < nq; k++)
		out[k] = NULL;
	bool synced = PQpipelineSync(f->conn) == 1;
	if (!synced)
		rc = lc_fleet_fail(f, NULL, what, diag);
	for (int k = 0; k < nq && rc == 0; k++) {
		PGresult *res = PQgetResult(f->conn);
		if (!res) {
			rc = lc_fleet_fail(f, NULL, what, diag);
			break;
		}
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			out[k] = res;
		} else {
			rc = lc_fleet_fail(f, res, what, diag);
			*failed = k;
			PQclear(res);
		}
		while ((res = PQgetResult(f->conn)) != NULL) /* each statement's answer ends with a NULL */
			PQclear(res);
	}
	/* After a failure the server skips to the sync: the remaining statements answer PIPELINE_ABORTED, each
	 * followed by a NULL (so at most nq of those before the sync's answer). */
	for (int nulls = 0; synced;) {
		PGresult *res = PQgetResult(f->conn);
		if (!res) {
			if (PQstatus(f->conn) != CONNECTION_OK || ++nulls > nq + 1)
				break;
			continue;
		}
		ExecStatusType st = PQresultStatus(res);
		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (PQexitPipelineMode(f->conn) != 1 && rc == 0)
		rc = lc_fleet_fail(f, NULL, what, diag);
	if (rc < 0)
		for (int k = 0; k < nq; k++) {
			PQclear(out[k]);
			out[k] = NULL;
		}
	return rc;
}
