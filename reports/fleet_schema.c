/* The fleet store's schema, its migrations and the stations' keys (<lanecert/fleet.h>). */
#include "reports/fleet_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc_version.h"

/* Schema 5: the database itself refuses a report whose minisign signature does not hold for a registered,
 * unrevoked key of the row's station, whatever client inserts it (lanecert sync verifies too, but a station
 * role with a modified client could otherwise store anything signed or not). PostgreSQL has no Ed25519, so
 * the check is a PL/Python trigger on Debian's packages (postgresql-plpython3-15, python3-nacl: libsodium's
 * binding; hashlib has BLAKE2b-512). Not SECURITY DEFINER: the stations may read the registered keys, and a
 * definer function would run on every insert with the rights of its owner, a superuser. The same checks as
 * lc_report_verify_mem(): the signature ("ED", prehashed with BLAKE2b-512, or minisign's legacy "Ed"), the
 * global signature over the signature and the trusted comment, the key's station and revocation, and the
 * signed JSON's own station, key id, serial and verdict against the row and the trusted comment. A run may
 * only be stored with its report (foreign key) and must say what its signed report says (runs_match_report).
 * SQLSTATE LC001: lc_fleet_fail() reads it as LC_ERR_VERIFY. */
#define LC_PY(line) line "\n"
static const char migration_5[] =
	"CREATE EXTENSION IF NOT EXISTS plpython3u;"
	"CREATE FUNCTION lanecert.verifier_ready() RETURNS text LANGUAGE plpython3u AS $py$\n"
	LC_PY("try:")
	LC_PY("    import hashlib, nacl, nacl.signing")
	LC_PY("    hashlib.blake2b")
	LC_PY("except (ImportError, AttributeError) as e:")
	LC_PY("    plpy.error('PL/Python on this server cannot verify signatures (%s): install python3-nacl (Debian)"
	      " on the database host' % e)")
	LC_PY("return 'PyNaCl ' + nacl.__version__")
	"$py$;"
	"SELECT lanecert.verifier_ready();"
	"CREATE FUNCTION lanecert.verify_report() RETURNS trigger LANGUAGE plpython3u"
	" SET search_path = pg_catalog AS $py$\n"
	LC_PY("import base64, binascii, hashlib, json")
	LC_PY("import nacl.signing, nacl.exceptions")
	LC_PY("new = TD['new']")
	LC_PY("def refuse(why):")
	LC_PY("    plpy.error('the server refused report %s of station %s: %s' % (new['sha256'], new['station'], why),"
	      " sqlstate='LC001')")
	LC_PY("def b64(text, n, what):")
	LC_PY("    try:")
	LC_PY("        raw = base64.b64decode(text, validate=True)")
	LC_PY("    except (binascii.Error, ValueError):")
	LC_PY("        raw = b''")
	LC_PY("    if len(raw) != n:")
	LC_PY("        refuse('the signature is malformed: its %s is not %d bytes of base64' % (what, n))")
	LC_PY("    return raw")
	LC_PY("report, sig = new['report'], new['signature']")
	LC_PY("lines = sig.split('\\n')")
	LC_PY("if '\\r' in sig or len(lines) != 5 or lines[4] != '' or not lines[0].startswith('untrusted comment: ')"
	      " or not lines[2].startswith('trusted comment: '):")
	LC_PY("    refuse('the signature is not a minisign signature (four lines, LF only)')")
	LC_PY("raw = b64(lines[1], 74, 'signature')")
	LC_PY("glob = b64(lines[3], 64, 'global signature')")
	LC_PY("alg, kid = raw[:2], '%016X' % int.from_bytes(raw[2:10], 'little')")
	LC_PY("if alg not in (b'ED', b'Ed'):")
	LC_PY("    refuse('the signature algorithm is neither ED nor Ed')")
	LC_PY("if kid != new['key_id']:")
	LC_PY("    refuse('it is signed with key %s, not with key %s that the row names' % (kid, new['key_id']))")
	LC_PY("if 'key' not in SD:")
	LC_PY("    SD['key'] = plpy.prepare('SELECT station, pubkey, revoked_at IS NOT NULL AS revoked'")
	LC_PY("                             ' FROM lanecert.station_keys WHERE key_id = $1', ['text'])")
	LC_PY("rows = plpy.execute(SD['key'], [kid])")
	LC_PY("if not rows:")
	LC_PY("    refuse('it is signed with key %s, which no station registered' % kid)")
	LC_PY("key = rows[0]")
	LC_PY("if key['station'] != new['station']:")
	LC_PY("    refuse('it is signed with key %s of station %s' % (kid, key['station']))")
	LC_PY("if key['revoked']:")
	LC_PY("    refuse('it is signed with key %s of station %s, which is revoked' % (kid, key['station']))")
	LC_PY("pklines = key['pubkey'].split('\\n')")
	LC_PY("try:")
	LC_PY("    pk = base64.b64decode(pklines[1], validate=True)")
	LC_PY("except (binascii.Error, ValueError, IndexError):")
	LC_PY("    pk = b''")
	LC_PY("if len(pk) != 42 or pk[:2] != b'Ed' or pk[2:10] != raw[2:10]:")
	LC_PY("    refuse('the registered key %s is unreadable' % kid)")
	LC_PY("vk = nacl.signing.VerifyKey(pk[10:])")
	LC_PY("tc = lines[2][len('trusted comment: '):]")
	LC_PY("try:")
	LC_PY("    vk.verify(hashlib.blake2b(report).digest() if alg == b'ED' else report, raw[10:])")
	LC_PY("except nacl.exceptions.BadSignatureError:")
	LC_PY("    refuse('the signature does not verify against key %s of station %s: the report was changed after it"
	      " was signed, or signed by another key' % (kid, key['station']))")
	LC_PY("try:")
	LC_PY("    vk.verify(raw[10:] + tc.encode(), glob)")
	LC_PY("except nacl.exceptions.BadSignatureError:")
	LC_PY("    refuse('the trusted comment signature does not verify against key %s' % kid)")
	LC_PY("try:")
	LC_PY("    doc = json.loads(report)")
	LC_PY("    st, dut = doc.get('station') or {}, doc.get('dut') or {}")
	LC_PY("    named = st.get('id') if st.get('id') is not None else st.get('name')")
	LC_PY("    serial = ''.join('?' if ord(c) < 32 or ord(c) == 127 else c for c in (dut.get('serial') or 'unknown'))")
	LC_PY("    verdict, signer = doc.get('verdict'), doc.get('key_id')")
	LC_PY("except (ValueError, AttributeError, TypeError):")
	LC_PY("    refuse('the signed report is not a lanecert report (JSON object)')")
	LC_PY("if named != new['station']:")
	LC_PY("    refuse('the signed report is of station %s' % named)")
	LC_PY("if signer != kid:")
	LC_PY("    refuse('the signed report names signing key %s but was signed with key %s' % (signer, kid))")
	LC_PY("if not tc.startswith('lanecert-report\\tserial:%s\\tverdict:%s\\t' % (serial, verdict)):")
	LC_PY("    refuse('the signed trusted comment does not describe this report')")
	LC_PY("return None")
	"$py$;"
	"CREATE TRIGGER verify_report BEFORE INSERT ON lanecert.reports"
	" FOR EACH ROW EXECUTE FUNCTION lanecert.verify_report();"
	/* A run says what its signed report says: its station, serial and verdict (the rest of its columns are
	 * the client's reading of the same report; these are the ones a forged row would change). */
	"CREATE FUNCTION lanecert.runs_match_report() RETURNS trigger LANGUAGE plpgsql"
	" SET search_path = pg_catalog AS $pl$\n"
	"DECLARE doc jsonb; st text;\n"
	"BEGIN\n"
	"  SELECT convert_from(r.report, 'UTF8')::jsonb, r.station INTO doc, st FROM lanecert.reports r"
	"   WHERE r.sha256 = NEW.report_sha256;\n"
	"  IF NOT FOUND THEN\n"
	"    RAISE EXCEPTION 'the server refused run % of station %: its report % is not stored', NEW.serial, NEW.station,"
	"     NEW.report_sha256 USING ERRCODE = 'LC001';\n"
	"  END IF;\n"
	"  IF st IS DISTINCT FROM NEW.station OR doc->'dut'->>'serial' IS DISTINCT FROM NEW.serial"
	"     OR doc->>'verdict' IS DISTINCT FROM NEW.verdict THEN\n"
	"    RAISE EXCEPTION 'the server refused run % of station %: its signed report % says serial %, station %, verdict %,"
	" not verdict %', NEW.serial, NEW.station, NEW.report_sha256, doc->'dut'->>'serial', st, doc->>'verdict',"
	" NEW.verdict USING ERRCODE = 'LC001';\n"
	"  END IF;\n"
	"  RETURN NEW;\n"
	"END $pl$;"
	"CREATE TRIGGER runs_match_report BEFORE INSERT ON lanecert.runs"
	" FOR EACH ROW EXECUTE FUNCTION lanecert.runs_match_report();";

/* Migration N brings the schema from version N-1 to N. Append, never edit one that shipped: a database
 * records which ones it ran. Roles are cluster-wide; migrate() creates the two group roles before these run. */
static const char *const migrations[] = {
	/* 1: stations and keys, reports with their exact signed bytes, runs, measurements, row-level security. */
	"CREATE TABLE lanecert.stations ("
	" station text PRIMARY KEY CHECK (station <> ''),"
	" role_name text NOT NULL UNIQUE,"
	" registered_at timestamptz NOT NULL DEFAULT now());"
	"CREATE TABLE lanecert.station_keys ("
	" key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9A-F]{16}$'),"
	" station text NOT NULL REFERENCES lanecert.stations,"
	" pubkey text NOT NULL,"
	" registered_at timestamptz NOT NULL DEFAULT now(),"
	" revoked_at timestamptz);"
	/* The report as the station signed it (bytea: one changed byte and the signature no longer holds), and a
	 * digest the server checks itself. */
	"CREATE TABLE lanecert.reports ("
	" sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
	" station text NOT NULL REFERENCES lanecert.stations,"
	" key_id text NOT NULL REFERENCES lanecert.station_keys,"
	" report bytea NOT NULL,"
	" signature text NOT NULL,"
	" received_at timestamptz NOT NULL DEFAULT now(),"
	" CONSTRAINT report_digest CHECK (sha256 = encode(sha256(report), 'hex')));"
	"CREATE TABLE lanecert.runs ("
	" id bigserial PRIMARY KEY,"
	" report_sha256 text NOT NULL UNIQUE REFERENCES lanecert.reports,"
	" station text NOT NULL REFERENCES lanecert.stations,"
	" journal_id bigint NOT NULL,"
	" serial text NOT NULL, attempt integer, cable_type text NOT NULL, slot integer NOT NULL,"
	" operator text, procedure text, start_ms bigint, end_ms bigint,"
	" verdict text NOT NULL CHECK (verdict IN ('none','pass','inconclusive','fail','aborted','error')),"
	" reason text);"
	/* One index per filter, each ending in start_ms for the order and for days (cable type + day, station +
	 * day are ranges of start_ms under the first column). */
	"CREATE INDEX runs_serial ON lanecert.runs (serial, start_ms);"
	"CREATE INDEX runs_station_day ON lanecert.runs (station, start_ms);"
	"CREATE INDEX runs_cable_day ON lanecert.runs (cable_type, start_ms);"
	"CREATE INDEX runs_operator ON lanecert.runs (operator, start_ms);"
	"CREATE INDEX runs_procedure ON lanecert.runs (procedure, start_ms);"
	"CREATE INDEX runs_verdict ON lanecert.runs (verdict, start_ms);"
	"CREATE INDEX runs_start ON lanecert.runs (start_ms);"
	"CREATE TABLE lanecert.measurements ("
	" run_id bigint NOT NULL REFERENCES lanecert.runs,"
	" idx integer NOT NULL,"
	" station text NOT NULL,"
	" step text, name text NOT NULL, lane integer, value double precision, unit text,"
	" wavelength_nm double precision, comparison text, low double precision, high double precision,"
	" margin double precision,"
	" verdict text NOT NULL,"
	" PRIMARY KEY (run_id, idx));"
	"CREATE INDEX measurements_name ON lanecert.measurements (name, verdict);"
	/* Which station the connected role is (NULL for any other role). SQL, not PL/pgSQL. */
	"CREATE FUNCTION lanecert.my_station() RETURNS text LANGUAGE sql STABLE"
	" AS $$ SELECT station FROM lanecert.stations WHERE role_name = current_user $$;"
	"ALTER TABLE lanecert.reports ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE lanecert.runs ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE lanecert.measurements ENABLE ROW LEVEL SECURITY;"
	/* A station inserts its own rows, signed with one of its own unrevoked keys, and reads its own rows (the
	 * ingest's ON CONFLICT and RETURNING need that); no policy and no grant lets it update or delete. */
	"CREATE POLICY station_insert ON lanecert.reports FOR INSERT TO lanecert_station"
	" WITH CHECK (station = lanecert.my_station() AND EXISTS (SELECT 1 FROM lanecert.station_keys k"
	" WHERE k.key_id = reports.key_id AND k.station = reports.station AND k.revoked_at IS NULL));"
	"CREATE POLICY station_read ON lanecert.reports FOR SELECT TO lanecert_station"
	" USING (station = lanecert.my_station());"
	"CREATE POLICY station_insert ON lanecert.runs FOR INSERT TO lanecert_station"
	" WITH CHECK (station = lanecert.my_station() AND EXISTS (SELECT 1 FROM lanecert.reports r"
	" WHERE r.sha256 = runs.report_sha256 AND r.station = runs.station));"
	"CREATE POLICY station_read ON lanecert.runs FOR SELECT TO lanecert_station"
	" USING (station = lanecert.my_station());"
	"CREATE POLICY station_insert ON lanecert.measurements FOR INSERT TO lanecert_station"
	" WITH CHECK (station = lanecert.my_station() AND EXISTS (SELECT 1 FROM lanecert.runs r"
	" WHERE r.id = measurements.run_id AND r.station = measurements.station));"
	"CREATE POLICY station_read ON lanecert.measurements FOR SELECT TO lanecert_station"
	" USING (station = lanecert.my_station());"
	"CREATE POLICY reader_read ON lanecert.reports FOR SELECT TO lanecert_reader USING (true);"
	"CREATE POLICY reader_read ON lanecert.runs FOR SELECT TO lanecert_reader USING (true);"
	"CREATE POLICY reader_read ON lanecert.measurements FOR SELECT TO lanecert_reader USING (true);"
	"REVOKE ALL ON ALL TABLES IN SCHEMA lanecert FROM PUBLIC;"
	"GRANT USAGE ON SCHEMA lanecert TO lanecert_station, lanecert_reader;"
	"GRANT SELECT ON lanecert.stations, lanecert.station_keys, lanecert.schema_migrations"
	" TO lanecert_station, lanecert_reader;"
	"GRANT SELECT, INSERT ON lanecert.reports, lanecert.runs, lanecert.measurements TO lanecert_station;"
	"GRANT USAGE ON SEQUENCE lanecert.runs_id_seq TO lanecert_station;"
	"GRANT SELECT ON lanecert.reports, lanecert.runs, lanecert.measurements TO lanecert_reader;",
	/* 2: search by the start of a serial (the dashboard's history, results --serial-prefix) as a range of an
	 * index in byte order, whatever the database's collation. */
	"CREATE INDEX runs_serial_c ON lanecert.runs ((serial COLLATE \"C\"), start_ms);",
	/* 3: the files beside a report, uploaded with `lanecert sync --with-files`: its HTML and PDF renderings
	 * and its raw files (whose SHA-256 the signed report records; the sync sends only matching ones). The
	 * server checks each file's digest against its bytes. */
	"CREATE TABLE lanecert.report_files ("
	" report_sha256 text NOT NULL REFERENCES lanecert.reports,"
	" name text NOT NULL CHECK (name <> '' AND strpos(name, '/') = 0 AND left(name, 1) <> '.'),"
	" kind text NOT NULL CHECK (kind IN ('html', 'pdf', 'raw')),"
	" station text NOT NULL,"
	" sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
	" bytes bytea NOT NULL,"
	" PRIMARY KEY (report_sha256, name),"
	" CONSTRAINT file_digest CHECK (sha256 = encode(sha256(bytes), 'hex')));"
	"ALTER TABLE lanecert.report_files ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY station_insert ON lanecert.report_files FOR INSERT TO lanecert_station"
	" WITH CHECK (station = lanecert.my_station() AND EXISTS (SELECT 1 FROM lanecert.reports r"
	" WHERE r.sha256 = report_files.report_sha256 AND r.station = report_files.station));"
	"CREATE POLICY station_read ON lanecert.report_files FOR SELECT TO lanecert_station"
	" USING (station = lanecert.my_station());"
	"CREATE POLICY reader_read ON lanecert.report_files FOR SELECT TO lanecert_reader USING (true);"
	"REVOKE ALL ON lanecert.report_files FROM PUBLIC;"
	"GRANT SELECT, INSERT ON lanecert.report_files TO lanecert_station;"
	"GRANT SELECT ON lanecert.report_files TO lanecert_reader;",
	/* 4: who a run certified for, from its signed report (report.json's job, customer and site), and the
	 * index of "every cable of job J". Runs stored before have none (NULL). */
	("ALTER TABLE lanecert.runs ADD COLUMN job text, ADD COLUMN customer text, ADD COLUMN site text;"
	 "CREATE INDEX runs_job ON lanecert.runs (job, start_ms);"),
	/* 5: the server verifies every report's signature itself (migration_5 below). */
	migration_5,
};
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))
_Static_assert(N_MIGRATIONS == LC_FLEET_SCHEMA_VERSION, "one migration per schema version");

static int version_in_tx(lc_fleet *f, lc_diag *diag)
{
	int rc;
	PGresult *res = lc_fleet_exec(f,
				      "SELECT COALESCE(MAX(version), 0) FROM lanecert.schema_migrations", 0, NULL,
				      "schema version", &rc, diag);
	if (!res)
		return rc;
	int v = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

int lc_fleet_schema_version(lc_fleet *f, lc_diag *diag)
{
	if (!f)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection");
	int rc;
	PGresult *res = lc_fleet_exec(f, "SELECT to_regclass('lanecert.schema_migrations') IS NOT NULL", 0, NULL,
				      "schema version", &rc, diag);
	if (!res)
		return rc;
	bool there = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return there ? version_in_tx(f, diag) : 0;
}

/* CREATE ROLE (sql) unless role exists. Roles are cluster-wide while advisory locks are per database, so a
 * migration or registration on another database of the same cluster can create the same role at the same
 * moment: its CREATE ROLE then fails here, after waiting for the other's commit, with 23505 (pg_authid's
 * unique index) or 42710 (already exists). Under a savepoint that failure is taken back and the role, now
 * committed by the other, is used. */
static int create_role_once(lc_fleet *f, const char *role, const char *create_sql, const char *grant_sql,
			    lc_diag *diag)
{
	const char *v[] = {role};
	int rc;
	PGresult *res = lc_fleet_exec(f, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, v, "roles", &rc, diag);
	if (!res)
		return rc;
	int have = PQntuples(res);
	PQclear(res);
	if (have)
		return grant_sql ? lc_fleet_run(f, grant_sql, 0, NULL, "role", diag) : 0;
	if ((rc = lc_fleet_run(f, "SAVEPOINT lc_role", 0, NULL, "create role", diag)) < 0)
		return rc;
	res = PQexec(f->conn, create_sql);
	if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		return lc_fleet_run(f, "RELEASE SAVEPOINT lc_role", 0, NULL, "create role", diag);
	}
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	bool raced = state && (strcmp(state, "23505") == 0 || strcmp(state, "42710") == 0);
	if (!raced) {
		rc = lc_fleet_fail(f, res, "create role", diag);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	if ((rc = lc_fleet_run(f, "ROLLBACK TO SAVEPOINT lc_role", 0, NULL, "create role", diag)) < 0)
		return rc;
	return grant_sql ? lc_fleet_run(f, grant_sql, 0, NULL, "role", diag) : 0;
}

/* The group roles the policies name; cluster-wide, so maybe already made for another database. */
static int ensure_group_role(lc_fleet *f, const char *name, lc_diag *diag)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "CREATE ROLE %s NOLOGIN", name); /* name: one of ours, a plain identifier */
	return create_role_once(f, name, sql, NULL, diag);
}

/* Migration 5 creates PL/Python functions: say plainly what the database host lacks rather than pass on the
 * server's "could not open extension control file". PL/Python is an untrusted language: only a superuser may
 * create the extension and functions in it (docs/fleet.md: what the IT person runs). */
static int plpython_usable(lc_fleet *f, lc_diag *diag)
{
	int rc;
	PGresult *res = lc_fleet_exec(f,
				      "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'plpython3u'),"
				      " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user), current_user,"
				      " current_setting('server_version_num')::int / 10000",
				      0, NULL, "migration 5", &rc, diag);
	if (!res)
		return rc;
	bool available = PQgetvalue(res, 0, 0)[0] == 't', super = PQgetvalue(res, 0, 1)[0] == 't';
	char who[128], major[16];
	snprintf(who, sizeof(who), "%s", PQgetvalue(res, 0, 2));
	snprintf(major, sizeof(major), "%s", PQgetvalue(res, 0, 3));
	PQclear(res);
	if (!available)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED,
				   "fleet: schema 5 verifies signatures in the server with PL/Python, which this server does not "
				   "have: install postgresql-plpython3-%s and python3-nacl on the database host, then migrate again",
				   major);
	if (!super)
		return lc_diag_set(diag, LC_ERR_PERMISSION,
				   "fleet: schema 5 creates PL/Python functions, which only a superuser may do, and %s is not one: "
				   "run this migration as a superuser (docs/fleet.md, \"Setting up the server\")",
				   who);
	return 0;
}

static int apply_one(lc_fleet *f, int target, lc_diag *diag)
{
	int rc;
	/* One migrator at a time: a second one waits here, then finds the work done. */
	if ((rc = lc_fleet_run(f, "BEGIN", 0, NULL, "migrate", diag)) < 0)
		return rc;
	if ((rc = lc_fleet_run(f, "SELECT pg_advisory_xact_lock(7419, 1)", 0, NULL, "migrate lock", diag)) < 0 ||
	    (rc = lc_fleet_run(f, "CREATE SCHEMA IF NOT EXISTS lanecert", 0, NULL, "migrate", diag)) < 0 ||
	    (rc = lc_fleet_run(f,
			       "CREATE TABLE IF NOT EXISTS lanecert.schema_migrations (version integer PRIMARY KEY,"
			       " applied_at timestamptz NOT NULL DEFAULT now(), lanecert_version text NOT NULL)",
			       0, NULL, "migrate", diag)) < 0 ||
	    (rc = ensure_group_role(f, "lanecert_station", diag)) < 0 ||
	    (rc = ensure_group_role(f, "lanecert_reader", diag)) < 0)
		goto fail;
	int v = version_in_tx(f, diag);
	if (v < 0) {
		rc = v;
		goto fail;
	}
	if (v > N_MIGRATIONS) {
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "fleet: the database has schema %d, newer than this lanecert's %d",
				 v, N_MIGRATIONS);
		goto fail;
	}
	if (v >= target) {
		rc = lc_fleet_run(f, "COMMIT", 0, NULL, "migrate", diag);
		return rc < 0 ? rc : 0;
	}
	if (target == 5 && (rc = plpython_usable(f, diag)) < 0)
		goto fail;
	/* Multi-statement text goes through the simple protocol (PQexec); it has no parameters. */
	PGresult *res = PQexec(f->conn, migrations[target - 1]);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		char what[32];
		snprintf(what, sizeof(what), "migration %d", target);
		rc = lc_fleet_fail(f, res, what, diag);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	char ver[16];
	snprintf(ver, sizeof(ver), "%d", target);
	const char *vals[] = {ver, LC_VERSION_STRING};
	if ((rc = lc_fleet_run(f, "INSERT INTO lanecert.schema_migrations (version, lanecert_version) VALUES ($1, $2)",
			       2, vals, "migrate", diag)) < 0 ||
	    (rc = lc_fleet_run(f, "COMMIT", 0, NULL, "migrate", diag)) < 0)
		goto fail;
	return 1;
fail:
	PQclear(PQexec(f->conn, "ROLLBACK"));
	return rc;
}

int lc_fleet_migrate(lc_fleet *f, lc_diag *diag)
{
	if (!f)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection");
	int applied = 0;
	for (int target = 1; target <= N_MIGRATIONS; target++) {
		int rc = apply_one(f, target, diag);
		if (rc < 0)
			return rc;
		applied += rc;
	}
	if (N_MIGRATIONS == 0 || applied == 0) {
		/* Nothing to do, but a newer database must still be refused. */
		int v = lc_fleet_schema_version(f, diag);
		if (v < 0)
			return v;
		if (v > N_MIGRATIONS)
			return lc_diag_set(diag, LC_ERR_FORMAT,
					   "fleet: the database has schema %d, newer than this lanecert's %d", v, N_MIGRATIONS);
	}
	return applied;
}

static void default_role(const char *station, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "lanecert_station_");
	for (const char *p = station; *p && n + 1 < cap && n < 63; p++)
		buf[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	buf[n] = 0;
}

static int ensure_station_role(lc_fleet *f, const char *role, lc_diag *diag)
{
	char *id = PQescapeIdentifier(f->conn, role, strlen(role));
	if (!id)
		return lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
	char create[256], grant[256];
	snprintf(create, sizeof(create), "CREATE ROLE %s LOGIN IN ROLE lanecert_station", id);
	snprintf(grant, sizeof(grant), "GRANT lanecert_station TO %s", id);
	PQfreemem(id);
	return create_role_once(f, role, create, grant, diag);
}

static int register_in_tx(lc_fleet *f, const char *station, const lc_pubkey *pub, const char *role, lc_diag *diag)
{
	char defrole[80], kid[LC_KEY_ID_HEX_LEN + 1];
	int rc;
	const char *sv[] = {station};
	PGresult *res = lc_fleet_exec(f, "SELECT role_name FROM lanecert.stations WHERE station = $1", 1, sv, "station",
				      &rc, diag);
	if (!res)
		return rc;
	if (PQntuples(res) == 1) {
		bool other = role && strcmp(role, PQgetvalue(res, 0, 0)) != 0;
		char have[80];
		snprintf(have, sizeof(have), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		if (other)
			return lc_diag_set(diag, LC_ERR_STATE, "fleet: station %s is registered with role %s, not %s",
					   station, have, role);
	} else {
		PQclear(res);
		if (!role) {
			default_role(station, defrole, sizeof(defrole));
			role = defrole;
		}
		const char *v[] = {station, role};
		if ((rc = ensure_station_role(f, role, diag)) < 0 ||
		    (rc = lc_fleet_run(f, "INSERT INTO lanecert.stations (station, role_name) VALUES ($1, $2)", 2, v,
				       "register station", diag)) < 0)
			return rc;
	}
	lc_pubkey_id(pub, kid);
	const char *kv[] = {kid};
	if (!(res = lc_fleet_exec(f, "SELECT station, revoked_at IS NOT NULL FROM lanecert.station_keys WHERE key_id = $1",
				  1, kv, "station key", &rc, diag)))
		return rc;
	if (PQntuples(res) == 1) {
		bool same = strcmp(PQgetvalue(res, 0, 0), station) == 0, revoked = PQgetvalue(res, 0, 1)[0] == 't';
		char owner[256];
		snprintf(owner, sizeof(owner), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		if (!same)
			return lc_diag_set(diag, LC_ERR_STATE, "fleet: key %s is registered for station %s", kid, owner);
		if (revoked)
			return lc_diag_set(diag, LC_ERR_STATE, "fleet: key %s of station %s is revoked: generate a new key",
					   kid, station);
		return 0;
	}
	PQclear(res);
	char *text = NULL;
	if ((rc = lc_pubkey_format(pub, &text, diag)) < 0)
		return rc;
	const char *v[] = {kid, station, text};
	rc = lc_fleet_run(f, "INSERT INTO lanecert.station_keys (key_id, station, pubkey) VALUES ($1, $2, $3)", 3, v,
			  "register key", diag);
	free(text);
	return rc;
}

int lc_fleet_register_station(lc_fleet *f, const char *station, const lc_pubkey *pub, const char *role,
			      lc_diag *diag)
{
	if (!f || !station || !*station || !pub)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no station or key");
	if (role && (!*role || strlen(role) > 63))
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: a role name has 1 to 63 bytes");
	int rc = lc_fleet_run(f, "BEGIN", 0, NULL, "register", diag);
	if (rc < 0)
		return rc;
	if ((rc = register_in_tx(f, station, pub, role, diag)) == 0 &&
	    (rc = lc_fleet_run(f, "COMMIT", 0, NULL, "register", diag)) == 0)
		return 0;
	PQclear(PQexec(f->conn, "ROLLBACK"));
	return rc;
}

int lc_fleet_revoke_station(lc_fleet *f, const char *station, const char *key_id, lc_diag *diag)
{
	if (!f || !station)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no station");
	int rc;
	const char *v[] = {station, key_id};
	PGresult *res = lc_fleet_exec(f,
				      "UPDATE lanecert.station_keys SET revoked_at = now() WHERE station = $1"
				      " AND ($2::text IS NULL OR key_id = upper($2)) AND revoked_at IS NULL RETURNING key_id",
				      2, v, "revoke", &rc, diag);
	if (!res)
		return rc;
	int n = PQntuples(res);
	PQclear(res);
	if (n > 0)
		return n;
	if (!(res = lc_fleet_exec(f,
				  "SELECT (SELECT count(*) FROM lanecert.stations WHERE station = $1),"
				  " (SELECT count(*) FROM lanecert.station_keys WHERE station = $1"
				  " AND ($2::text IS NULL OR key_id = upper($2)))",
				  2, v, "revoke", &rc, diag)))
		return rc;
	bool station_known = atoi(PQgetvalue(res, 0, 0)) > 0, key_known = atoi(PQgetvalue(res, 0, 1)) > 0;
	PQclear(res);
	if (!station_known)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "fleet: no station %s", station);
	if (!key_known)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "fleet: station %s has no key %s", station, key_id);
	return 0; /* already revoked */
}
