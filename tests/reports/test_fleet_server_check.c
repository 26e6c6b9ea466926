/*
 * The server's own signature check (schema 5, reports/fleet_schema.c): a station's role inserting straight
 * through libpq, without lanecert's client and its checks, stores a report only when its minisign signature
 * holds for a registered, unrevoked key of its station, and a run only as its signed report says. Runs in the
 * reports_fleet binary, on the cluster and stations test_fleet.c's PRE_ALL made.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fleet_priv.h"
#include "reports/report.h"
#include "reports/sign_priv.h"
#include "tests/reports/fleet_fixture.h"
#include "tests/reports/helpers.h"

static tpg pg;
static const char *fx;

static void setup(void)
{
	fx = ff_suite_setup(&pg);
}

TestSuite(fleet_server, .init = setup);

struct report {
	char *json, *sig;
	size_t json_len, sig_len;
	char sha[LC_SHA256_HEX_LEN + 1], kid[LC_KEY_ID_HEX_LEN + 1];
};

/* Run i of station id's fixture journal, as it lies on the station. */
static void load(const char *id, int i, struct report *r)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s/run%04d/report.json", fx, id, i);
	r->json = th_slurp(path, &r->json_len);
	strcat(path, ".minisig");
	r->sig = th_slurp(path, &r->sig_len);
	cr_assert(r->json && r->sig, "%s", path);
	lc_result_sha256_hex(r->json, r->json_len, r->sha);
	lc_signature s;
	cr_assert_eq(lc_signature_parse(r->sig, r->sig_len, &s, NULL), 0);
	lc_pubkey p;
	memcpy(p.keynum, s.keynum, sizeof(p.keynum));
	lc_pubkey_id(&p, r->kid);
}

static void unload(struct report *r)
{
	free(r->json), free(r->sig);
}

/* INSERT the report as the connection's role; the SQLSTATE (NULL: stored) and, refused, the message. */
static char state[8], message[1024];
static const char *insert(PGconn *c, const struct report *r, const char *station)
{
	const char *v[] = {r->sha, station, r->kid, r->json, r->sig};
	int lens[] = {0, 0, 0, (int)r->json_len, 0}, fmts[] = {0, 0, 0, 1, 0};
	PGresult *res = PQexecParams(c,
				     "INSERT INTO lanecert.reports (sha256, station, key_id, report, signature)"
				     " VALUES ($1, $2, $3, $4, $5)",
				     5, NULL, v, lens, fmts, 0);
	const char *s = PQresultStatus(res) == PGRES_COMMAND_OK ? NULL : PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(state, sizeof(state), "%s", s ? s : "");
	snprintf(message, sizeof(message), "%s", PQresultErrorMessage(res));
	PQclear(res);
	return s ? state : NULL;
}

static void assert_refused(PGconn *c, const struct report *r, const char *station, const char *why)
{
	cr_assert_not_null(insert(c, r, station), "stored: %s", why);
	cr_assert_str_eq(state, LC_FLEET_REFUSED_STATE, "%s", message);
	cr_assert(strstr(message, why), "wanted \"%s\" in: %s", why, message);
	char q[200];
	snprintf(q, sizeof(q), "SELECT count(*) FROM lanecert.reports WHERE sha256 = '%s'", r->sha);
	cr_assert_eq(ff_count(&pg, "servercheck", q), 0);
}

/* A new signature of r's bytes by key: "ED" as lanecert signs, or minisign's legacy "Ed" (the bytes signed
 * whole), with keynum written in its place when not NULL (a signature that claims another key). */
static void resign(struct report *r, const lc_sign_key *key, bool legacy, const unsigned char *keynum)
{
	char tc[LC_TRUSTED_COMMENT_MAX + 1];
	lc_signature s;
	cr_assert_eq(lc_signature_parse(r->sig, r->sig_len, &s, NULL), 0);
	snprintf(tc, sizeof(tc), "%s", s.trusted_comment);
	unsigned char raw[74], st[64 + LC_TRUSTED_COMMENT_MAX], global[64];
	memcpy(raw, legacy ? "Ed" : "ED", 2);
	memcpy(raw + 2, keynum ? keynum : key->keynum, 8);
	if (legacy) {
		crypto_sign_detached(raw + 10, NULL, (const unsigned char *)r->json, r->json_len, key->sk);
	} else {
		unsigned char h[crypto_generichash_BYTES_MAX];
		crypto_generichash(h, sizeof(h), (const unsigned char *)r->json, r->json_len, NULL, 0);
		crypto_sign_detached(raw + 10, NULL, h, sizeof(h), key->sk);
	}
	memcpy(st, raw + 10, 64);
	memcpy(st + 64, tc, strlen(tc));
	crypto_sign_detached(global, NULL, st, 64 + strlen(tc), key->sk);
	char *t = malloc(1024);
	size_t n = (size_t)snprintf(t, 1024, "untrusted comment: signature from minisign secret key\n");
	n += lc_sign_b64_put(t + n, raw, sizeof(raw));
	n += (size_t)snprintf(t + n, 1024 - n, "trusted comment: %s\n", tc);
	n += lc_sign_b64_put(t + n, global, sizeof(global));
	free(r->sig);
	r->sig = t;
	r->sig_len = n;
}

static lc_sign_key *station_key(const char *dir, const char *id)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s/station.key", dir, id);
	lc_sign_key *k = NULL;
	lc_diag d;
	cr_assert_eq(lc_sign_key_load(path, NULL, &k, &d), 0, "%s", d.text);
	return k;
}

static PGconn *as(const char *role)
{
	PGconn *c = PQconnectdb(tpg_url(&pg, "servercheck", role));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	return c;
}

static int exec_state(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(state, sizeof(state), "%s", s ? s : "");
	snprintf(message, sizeof(message), "%s", PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

Test(fleet_server, a_station_role_bypassing_the_client_stores_only_verified_reports)
{
	cr_assert_eq(ff_new_db(&pg, "servercheck"), 0);
	cr_assert_eq(ff_register(&pg, "servercheck", fx, "st-a"), 0);
	cr_assert_eq(ff_register(&pg, "servercheck", fx, "st-b"), 0);
	char *tmp = ff_scratch("fleet-server");
	cr_assert_eq(ff_make_station(tmp, "st-r", 1), 0);
	cr_assert_eq(ff_register(&pg, "servercheck", tmp, "st-r"), 0);
	cr_assert_eq(ff_make_station(tmp, "st-u", 1), 0); /* never registered */
	PGconn *a = as("lanecert_station_st_a");
	struct report r;

	/* Good: stored. */
	load("st-a", 0, &r);
	cr_assert_null(insert(a, &r, "st-a"), "%s", message);
	unload(&r);

	/* Tampered: one byte of the signed JSON changed (the row's digest is of the changed bytes). */
	load("st-a", 1, &r);
	char *at = strstr(r.json, "\"value\": 0.4");
	cr_assert(at);
	at[10] = '9';
	lc_result_sha256_hex(r.json, r.json_len, r.sha);
	assert_refused(a, &r, "st-a", "the report was changed after it was signed");
	unload(&r);

	/* Signed by another key: station b's key, and its own key id... */
	lc_sign_key *kb = station_key(fx, "st-b"), *ka = station_key(fx, "st-a");
	load("st-a", 2, &r);
	resign(&r, kb, false, NULL);
	assert_refused(a, &r, "st-a", "not with key");
	/* ... the row naming b's key: a key of another station ... */
	lc_signature s;
	cr_assert_eq(lc_signature_parse(r.sig, r.sig_len, &s, NULL), 0);
	lc_pubkey p;
	memcpy(p.keynum, s.keynum, 8);
	lc_pubkey_id(&p, r.kid);
	assert_refused(a, &r, "st-a", "of station st-b");
	/* ... and station a's key id over b's signature: only the Ed25519 check can tell. */
	unload(&r);
	load("st-a", 2, &r);
	resign(&r, kb, false, ka->keynum);
	assert_refused(a, &r, "st-a", "the signature does not verify against key");
	unload(&r);

	/* A key no station registered. */
	lc_diag d;
	struct report u;
	char path[4400];
	snprintf(path, sizeof(path), "%s/st-u/run0000/report.json", tmp);
	u.json = th_slurp(path, &u.json_len);
	strcat(path, ".minisig");
	u.sig = th_slurp(path, &u.sig_len);
	lc_result_sha256_hex(u.json, u.json_len, u.sha);
	cr_assert_eq(lc_signature_parse(u.sig, u.sig_len, &s, NULL), 0);
	memcpy(p.keynum, s.keynum, 8);
	lc_pubkey_id(&p, u.kid);
	assert_refused(a, &u, "st-a", "which no station registered");
	unload(&u);

	/* A revoked key, through its own station's role. */
	lc_fleet *f;
	cr_assert_eq(lc_fleet_connect(tpg_url(&pg, "servercheck", "lanecert_admin"), &f, &d), 0, "%s", d.text);
	cr_assert_eq(lc_fleet_revoke_station(f, "st-r", NULL, &d), 1, "%s", d.text);
	lc_fleet_close(f);
	snprintf(path, sizeof(path), "%s/st-r/run0000/report.json", tmp);
	u.json = th_slurp(path, &u.json_len);
	strcat(path, ".minisig");
	u.sig = th_slurp(path, &u.sig_len);
	lc_result_sha256_hex(u.json, u.json_len, u.sha);
	cr_assert_eq(lc_signature_parse(u.sig, u.sig_len, &s, NULL), 0);
	memcpy(p.keynum, s.keynum, 8);
	lc_pubkey_id(&p, u.kid);
	PGconn *rc_ = as("lanecert_station_st_r");
	assert_refused(rc_, &u, "st-r", "which is revoked");
	PQfinish(rc_);
	unload(&u);

	/* Minisign's legacy "Ed" signature (the bytes signed whole) verifies as lanecert does. */
	load("st-a", 3, &r);
	resign(&r, ka, true, NULL);
	cr_assert_null(insert(a, &r, "st-a"), "%s", message);
	lc_pubkey pa;
	lc_sign_key_public(ka, &pa);
	cr_assert_eq(lc_verify_buffer(&pa, r.json, r.json_len, r.sig, r.sig_len, NULL, &d), 0, "%s", d.text);
	unload(&r);

	/* A signature valid for another station's report still cannot be stored as this station's row: the
	 * key's station is b (the trigger), and row-level security keeps b's rows from a's role. */
	load("st-b", 0, &r);
	assert_refused(a, &r, "st-a", "of station st-b");
	cr_assert_not_null(insert(a, &r, "st-b"));
	cr_assert_str_eq(state, "42501", "%s", message);
	unload(&r);

	/* Runs: only with a stored report, and as it says. Run 0 of st-a passed. */
	load("st-a", 0, &r);
	char sql[1024];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO lanecert.runs (report_sha256, station, journal_id, serial, cable_type, slot, verdict)"
		 " VALUES ('%s', 'st-a', 1, 'st-a-0000', 'x', 0, 'fail')",
		 r.sha);
	cr_assert_eq(exec_state(a, sql), -1);
	cr_assert_str_eq(state, LC_FLEET_REFUSED_STATE, "%s", message);
	cr_assert(strstr(message, "verdict pass, not verdict fail"), "%s", message);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO lanecert.runs (report_sha256, station, journal_id, serial, cable_type, slot, verdict)"
		 " VALUES ('%s', 'st-a', 1, 'st-a-0000', 'x', 0, 'pass')",
		 r.sha);
	cr_assert_eq(exec_state(a, sql), 0, "%s", message);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO lanecert.runs (report_sha256, station, journal_id, serial, cable_type, slot, verdict)"
		 " VALUES ('%064d', 'st-a', 2, 'st-a-0001', 'x', 0, 'pass')",
		 0);
	cr_assert_eq(exec_state(a, sql), -1);
	cr_assert(strstr(message, "is not stored"), "%s", message);
	unload(&r);
	PQfinish(a);

	/* Even the database owner (a superuser here) cannot store a report that does not verify. */
	load("st-a", 4, &r);
	r.json[r.json_len - 2] ^= 1;
	lc_result_sha256_hex(r.json, r.json_len, r.sha);
	PGconn *adm = as("lanecert_admin");
	assert_refused(adm, &r, "st-a", "does not verify");
	PQfinish(adm);
	unload(&r);

	/* What is stored: the two good reports and the one matching run. */
	cr_assert_eq(ff_count(&pg, "servercheck", "SELECT count(*) FROM lanecert.reports"), 2);
	cr_assert_eq(ff_count(&pg, "servercheck", "SELECT count(*) FROM lanecert.runs"), 1);
	lc_sign_key_free(ka), lc_sign_key_free(kb);
	ff_remove(tmp), free(tmp);
}

/* A report the station's own checks pass but the server refuses (as when its key is revoked between the
 * sync's key lookup and the insert): that run alone is refused with the server's reason, the rest of its
 * batch is stored. The refusal is injected by one more trigger raising the schema's SQLSTATE for one report. */
Test(fleet_server, a_report_the_server_refuses_is_refused_alone)
{
	cr_assert_eq(ff_new_db(&pg, "serverrefuses"), 0);
	char *tmp = ff_scratch("fleet-refuses");
	cr_assert_eq(ff_make_station(tmp, "st-s", 3), 0);
	cr_assert_eq(ff_register(&pg, "serverrefuses", tmp, "st-s"), 0);
	char path[4400], sql[1024];
	snprintf(path, sizeof(path), "%s/st-s/run0001/report.json", tmp);
	size_t len;
	char *json = th_slurp(path, &len), sha[LC_SHA256_HEX_LEN + 1];
	lc_result_sha256_hex(json, len, sha);
	free(json);
	snprintf(sql, sizeof(sql),
		 "CREATE FUNCTION lanecert.injected() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
		 " IF NEW.sha256 = '%s' THEN RAISE EXCEPTION 'injected refusal' USING ERRCODE = '%s'; END IF;"
		 " RETURN NEW; END $$; CREATE TRIGGER injected BEFORE INSERT ON lanecert.reports FOR EACH ROW"
		 " EXECUTE FUNCTION lanecert.injected()",
		 sha, LC_FLEET_REFUSED_STATE);
	PGconn *adm = PQconnectdb(tpg_url(&pg, "serverrefuses", "lanecert_admin")); /* $$: not through a shell */
	cr_assert_eq(exec_state(adm, sql), 0, "%s", message);
	PQfinish(adm);
	snprintf(path, sizeof(path), "%s/st-s/results.db", tmp);
	lc_fleet *f;
	lc_diag d;
	cr_assert_eq(lc_fleet_connect(tpg_url(&pg, "serverrefuses", "lanecert_station_st_s"), &f, &d), 0, "%s", d.text);
	lc_sync_stats s;
	cr_assert_eq(lc_sync_pass(path, f, 10, &s, NULL, NULL, &d), LC_ERR_VERIFY);
	lc_fleet_close(f);
	cr_assert_eq(s.sent, 2);
	cr_assert_eq(s.rejected, 1);
	cr_assert(strstr(d.text, "injected refusal"), "%s", d.text);
	cr_assert_eq(ff_count(&pg, "serverrefuses", "SELECT count(*) FROM lanecert.runs"), 2);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM lanecert.reports WHERE sha256 = '%s'", sha);
	cr_assert_eq(ff_count(&pg, "serverrefuses", sql), 0);
	ff_remove(tmp), free(tmp);
}
