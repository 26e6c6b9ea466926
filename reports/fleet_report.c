/* One run's stored report from the fleet store, verified again here (<lanecert/fleet.h>). */
#include "reports/fleet_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_verify_priv.h"

void lc_fleet_report_clear(lc_fleet_report *r)
{
	if (!r)
		return;
	free(r->json);
	free(r->signature);
	memset(r, 0, sizeof(*r));
}

int lc_fleet_report_get(lc_fleet *f, int64_t run_id, lc_fleet_report *out, lc_diag *diag)
{
	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no report to fill");
	memset(out, 0, sizeof(*out));
	if (!f || run_id <= 0)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection or run id");
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)run_id);
	const char *v[] = {id};
	/* Binary results: the report's bytes as stored (bytea), with no text conversion on the way. */
	int rc;
	PGresult *res = lc_fleet_exec_binary(f,
					     "SELECT r.report, r.signature, r.station, r.key_id, k.pubkey, k.revoked_at IS NOT NULL,"
					     " EXISTS (SELECT 1 FROM lanecert.report_files x WHERE x.report_sha256 = r.sha256"
					     " AND x.name = 'report.html'), EXISTS (SELECT 1 FROM lanecert.report_files x"
					     " WHERE x.report_sha256 = r.sha256 AND x.name = 'report.pdf')"
					     " FROM lanecert.runs u JOIN lanecert.reports r ON r.sha256 = u.report_sha256"
					     " JOIN lanecert.station_keys k ON k.key_id = r.key_id WHERE u.id = $1::bigint",
					     1, v, NULL, NULL, true, "report", &rc, diag);
	if (!res)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "fleet: no run %lld", (long long)run_id);
	}
	size_t jl = (size_t)PQgetlength(res, 0, 0), sl = (size_t)PQgetlength(res, 0, 1);
	out->json = malloc(jl + 1);
	out->signature = malloc(sl + 1);
	if (!out->json || !out->signature) {
		PQclear(res);
		lc_fleet_report_clear(out);
		return lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
	}
	memcpy(out->json, PQgetvalue(res, 0, 0), jl);
	out->json[jl] = 0;
	out->json_len = jl;
	memcpy(out->signature, PQgetvalue(res, 0, 1), sl);
	out->signature[sl] = 0;
	out->signature_len = sl;
	snprintf(out->station, sizeof(out->station), "%.*s", PQgetlength(res, 0, 2), PQgetvalue(res, 0, 2));
	snprintf(out->key_id, sizeof(out->key_id), "%.*s", PQgetlength(res, 0, 3), PQgetvalue(res, 0, 3));
	out->key_revoked = PQgetvalue(res, 0, 5)[0] != 0; /* binary bool: one byte, 1 for true */
	out->has_html = PQgetvalue(res, 0, 6)[0] != 0;
	out->has_pdf = PQgetvalue(res, 0, 7)[0] != 0;
	lc_pubkey pub;
	lc_report_verify_info info;
	memset(&info, 0, sizeof(info));
	lc_diag d;
	out->verify = lc_pubkey_parse(PQgetvalue(res, 0, 4), (size_t)PQgetlength(res, 0, 4), &pub, &d);
	PQclear(res);
	if (out->verify == 0)
		out->verify = lc_report_verify_mem(out->json, out->json_len, out->signature, out->signature_len, &pub, &info,
						   NULL, &d);
	if (out->verify < 0)
		snprintf(out->verify_error, sizeof(out->verify_error), "%s", lc_diag_message(&d));
	return 0;
}

int lc_fleet_report_file(lc_fleet *f, int64_t run_id, const char *name, char **data, size_t *len, lc_diag *diag)
{
	if (data)
		*data = NULL;
	if (!f || !name || !data || !len || run_id <= 0)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection, run id or file name");
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)run_id);
	const char *v[] = {id, name};
	int rc;
	PGresult *res = lc_fleet_exec_binary(f,
					     "SELECT x.bytes FROM lanecert.runs u JOIN lanecert.report_files x"
					     " ON x.report_sha256 = u.report_sha256 WHERE u.id = $1::bigint AND x.name = $2",
					     2, v, NULL, NULL, true, "report file", &rc, diag);
	if (!res)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "fleet: run %lld has no file %s", (long long)run_id, name);
	}
	size_t n = (size_t)PQgetlength(res, 0, 0);
	*data = malloc(n + 1);
	if (!*data) {
		PQclear(res);
		return lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
	}
	memcpy(*data, PQgetvalue(res, 0, 0), n);
	(*data)[n] = 0;
	*len = n;
	PQclear(res);
	return 0;
}
