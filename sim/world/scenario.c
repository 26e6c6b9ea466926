/* Loading scenario files: station, DUT, instrument kinds and their faults, each error naming file and key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/dut.h"
#include "fixtures/paths.h"
#include "sim/world/scenario.h"

const char *lc_sim_transport_name(enum lc_sim_transport t)
{
	return t == LC_SIM_TR_SOCKET ? "socket" : t == LC_SIM_TR_VXI11 ? "vxi11" : t == LC_SIM_TR_PTY ? "pty"
	       : t == LC_SIM_TR_HISLIP ? "hislip" : "default";
}

static int keys_ok(const char *origin, const char *where, const json_t *obj, const char *const *allowed,
		   lc_diag *diag)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		if (k[0] == '_')
			continue;
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(*a, k);
		if (!ok)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s%s%s: unknown key", origin, where,
					   *where ? "." : "", k);
	}
	return 0;
}

static int get_str(const char *origin, const char *where, const json_t *obj, const char *key, bool required,
		   char *out, size_t cap, lc_diag *diag)
{
	const json_t *v = json_object_get(obj, key);
	if (!v)
		return required ? lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s%s%s: missing", origin, where,
					      *where ? "." : "", key)
				: 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= cap || !json_string_value(v)[0])
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s%s%s: a non-empty string shorter than %zu is expected",
				   origin, where, *where ? "." : "", key, cap);
	snprintf(out, cap, "%s", json_string_value(v));
	return 0;
}

static int get_uint(const char *origin, const char *where, const json_t *obj, const char *key, long long max,
		    long long *out, lc_diag *diag)
{
	const json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s%s%s: an integer 0..%lld is expected", origin, where,
				   *where ? "." : "", key, max);
	*out = json_integer_value(v);
	return 0;
}

static int parse_faults(const char *origin, const char *where, const json_t *f, lc_sim_faults *out, lc_diag *diag)
{
	static const char *const keys[] = {"stop_answering_after", "drop_after", "garbage_at", "garbage",
					   "truncate_block_at", "truncate_block_keep", "truncate_at", "truncate_keep",
					   "push_errors",
					   "push_errors_at", "opc_delay_ms", "idn", "latency_ms", "without", NULL};
	if (!json_is_object(f))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s: an object is expected", origin, where);
	int rc = keys_ok(origin, where, f, keys, diag);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	struct {
		const char *key;
		long long max;
		long long v;
	} n[] = {{"stop_answering_after", 1000000000, 0}, {"drop_after", 1000000000, 0}, {"garbage_at", 1000000000, 0},
		 {"truncate_block_at", 1000000000, 0},    {"truncate_block_keep", 1 << 30, 0},
		 {"push_errors_at", 1000000000, 0}, {"opc_delay_ms", 600000, 0}, {"latency_ms", 600000, 0},
		 {"truncate_at", 1000000000, 0},    {"truncate_keep", 1 << 30, 0}};
	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		if ((rc = get_uint(origin, where, f, n[i].key, n[i].max, &n[i].v, diag)))
			return rc;
	out->stop_answering_after = (unsigned)n[0].v;
	out->drop_after = (unsigned)n[1].v;
	out->garbage_at = (unsigned)n[2].v;
	out->truncate_block_at = (unsigned)n[3].v;
	out->truncate_block_keep = (size_t)n[4].v;
	out->push_errors_at = (unsigned)n[5].v;
	out->opc_delay_ms = (int)n[6].v;
	out->latency_ms = (int)n[7].v;
	out->truncate_at = (unsigned)n[8].v;
	out->truncate_keep = (size_t)n[9].v;
	if (json_object_get(f, "garbage") &&
	    (rc = get_str(origin, where, f, "garbage", false, out->garbage, sizeof(out->garbage), diag)))
		return rc;
	if (json_object_get(f, "idn") && (rc = get_str(origin, where, f, "idn", false, out->idn, sizeof(out->idn), diag)))
		return rc;
	const json_t *wo = json_object_get(f, "without");
	if (wo) {
		if (!json_is_array(wo) || json_array_size(wo) > LC_SIM_FAULT_WITHOUT_MAX)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s.without: an array of at most %d command headers",
					   origin, where, LC_SIM_FAULT_WITHOUT_MAX);
		for (size_t i = 0; i < json_array_size(wo); i++) {
			const char *h = json_string_value(json_array_get(wo, i));
			if (!h || !h[0] || strlen(h) >= sizeof(out->without[0]))
				return lc_diag_set(diag, LC_ERR_FORMAT,
						   "%s: %s.without[%zu]: a command header of 1..%zu characters is expected",
						   origin, where, i, sizeof(out->without[0]) - 1);
			snprintf(out->without[out->n_without++], sizeof(out->without[0]), "%s", h);
		}
	}
	const json_t *pe = json_object_get(f, "push_errors");
	if (pe) {
		if (!json_is_array(pe) || json_array_size(pe) > LC_SIM_FAULT_ERRORS_MAX)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s.push_errors: an array of at most %d error codes",
					   origin, where, LC_SIM_FAULT_ERRORS_MAX);
		for (size_t i = 0; i < json_array_size(pe); i++) {
			const json_t *e = json_array_get(pe, i);
			if (!json_is_integer(e) || json_integer_value(e) == 0 || json_integer_value(e) < -999 ||
			    json_integer_value(e) > 999)
				return lc_diag_set(diag, LC_ERR_FORMAT,
						   "%s: %s.push_errors[%zu]: a non-zero SCPI error code is expected", origin,
						   where, i);
			out->push_errors[out->n_push_errors++] = (int)json_integer_value(e);
		}
	}
	return 0;
}

static int parse_inst(lc_sim_scenario *sc, const char *role, const json_t *o, lc_sim_scenario_inst *in,
		      lc_diag *diag)
{
	static const char *const keys[] = {"kind", "transport", "address", "port", "serial", "options", "faults", NULL};
	char where[LC_NAME_MAX + 16];
	snprintf(where, sizeof(where), "instruments.%s", role);
	if (!json_is_object(o))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s: an object is expected", sc->origin, where);
	int rc = keys_ok(sc->origin, where, o, keys, diag);
	if (!rc)
		rc = get_str(sc->origin, where, o, "kind", true, in->kind, sizeof(in->kind), diag);
	if (rc)
		return rc;
	snprintf(in->role, sizeof(in->role), "%s", role);
	in->port = -1;
	if (!strcmp(in->kind, "none"))
		return 0; /* the station has it, this scenario does not serve it */
	char tr[16] = "";
	if ((rc = get_str(sc->origin, where, o, "transport", false, tr, sizeof(tr), diag)))
		return rc;
	if (tr[0]) {
		in->transport = !strcmp(tr, "socket") ? LC_SIM_TR_SOCKET
				: !strcmp(tr, "vxi11") ? LC_SIM_TR_VXI11
				: !strcmp(tr, "pty")   ? LC_SIM_TR_PTY
				: !strcmp(tr, "hislip") ? LC_SIM_TR_HISLIP
						       : 0;
		if (!in->transport)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s.transport: '%s' is not socket, vxi11, hislip or pty",
					   sc->origin, where, tr);
	}
	if ((rc = get_str(sc->origin, where, o, "address", false, in->address, sizeof(in->address), diag)))
		return rc;
	if (in->address[0] && strncmp(in->address, "127.", 4))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s.address: '%s' is not a loopback address (127.x.y.z)",
				   sc->origin, where, in->address);
	long long port = -1;
	if ((rc = get_uint(sc->origin, where, o, "port", 65535, &port, diag)))
		return rc;
	in->port = (int)port;
	if ((rc = get_str(sc->origin, where, o, "serial", false, in->serial, sizeof(in->serial), diag)))
		return rc;
	in->options = json_object_get(o, "options");
	if (in->options && !json_is_object(in->options))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s.options: an object is expected", sc->origin, where);
	const json_t *f = json_object_get(o, "faults");
	if (f) {
		char fw[LC_NAME_MAX + 24];
		snprintf(fw, sizeof(fw), "%s.faults", where);
		if ((rc = parse_faults(sc->origin, fw, f, &in->faults, diag)))
			return rc;
		in->has_faults = true;
	}
	return 0;
}

static int parse_station(lc_sim_scenario *sc, const json_t *st, lc_diag *diag)
{
	if (json_is_string(st)) {
		/* "name": fixtures/stations/name.json; "dir/file.json": relative to the scenario file */
		const char *v = json_string_value(st);
		char path[1200];
		const char *slash = strrchr(sc->origin, '/');
		if (strchr(v, '/') && v[0] != '/' && slash)
			snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - sc->origin), sc->origin, v);
		else
			snprintf(path, sizeof(path), "%s", v);
		int rc = lc_station_load(path, sc->fixtures_dir, &sc->station, diag);
		if (rc < 0)
			lc_diag_prefix(diag, "%s: station: ", sc->origin);
		return rc < 0 ? rc : 0;
	}
	if (!json_is_object(st))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: station: a station name or an inline object is expected",
				   sc->origin);
	char *text = json_dumps(st, JSON_COMPACT);
	if (!text)
		return LC_ERR_NOMEM;
	char origin[600];
	snprintf(origin, sizeof(origin), "%s: station", sc->origin);
	int rc = lc_station_parse(text, strlen(text), origin, &sc->station, diag);
	free(text);
	return rc;
}

static int parse_more_slots(lc_sim_scenario *sc, const json_t *more, lc_diag *diag)
{
	if (!more)
		return 0;
	size_t cap = sizeof(sc->more_slot) / sizeof(sc->more_slot[0]);
	if (!json_is_array(more) || json_array_size(more) > cap)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: more_slots: an array of at most %zu {\"slot\", \"dut\"} is expected",
				   sc->origin, cap);
	for (size_t i = 0; i < json_array_size(more); i++) {
		const json_t *o = json_array_get(more, i);
		char where[48];
		snprintf(where, sizeof(where), "more_slots[%zu]", i);
		static const char *const keys[] = {"slot", "dut", NULL};
		if (!json_is_object(o))
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s: an object is expected", sc->origin, where);
		int rc = keys_ok(sc->origin, where, o, keys, diag);
		long long slot = 0;
		if (!rc)
			rc = get_uint(sc->origin, where, o, "slot", 64, &slot, diag);
		if (rc)
			return rc;
		if (slot == 0 || slot == sc->slot)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s.slot: a slot 1..64 other than the DUT's %u is expected",
					   sc->origin, where, sc->slot);
		for (size_t k = 0; k < sc->n_more; k++)
			if (sc->more_slot[k] == slot)
				return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s.slot: slot %lld given twice", sc->origin, where,
						   slot);
		char origin[600];
		snprintf(origin, sizeof(origin), "%s: %s.dut", sc->origin, where);
		lc_dut *dut = NULL;
		if ((rc = lc_dut_from_json(json_object_get(o, "dut"), origin, sc->fixtures_dir, &dut, diag)) < 0)
			return rc;
		lc_dut_free(dut);
		sc->more_slot[sc->n_more] = (unsigned)slot;
		sc->more_dut[sc->n_more++] = json_object_get(o, "dut");
	}
	return 0;
}

static int parse_root(lc_sim_scenario *sc, lc_diag *diag)
{
	static const char *const keys[] = {"name",	  "description", "seed", "station", "slot",
					   "slot_empty", "dut",	 "more_slots",	 "instruments", NULL};
	const json_t *r = sc->root;
	int rc = keys_ok(sc->origin, "", r, keys, diag);
	if (!rc)
		rc = get_str(sc->origin, "", r, "name", true, sc->name, sizeof(sc->name), diag);
	if (!rc && json_object_get(r, "description"))
		rc = get_str(sc->origin, "", r, "description", false, sc->description, sizeof(sc->description), diag);
	long long seed = 1, slot = 1;
	if (!rc)
		rc = get_uint(sc->origin, "", r, "seed", (long long)1 << 53, &seed, diag);
	if (!rc)
		rc = get_uint(sc->origin, "", r, "slot", 64, &slot, diag);
	if (rc)
		return rc;
	sc->seed = (uint64_t)seed;
	sc->slot = (unsigned)slot;
	const json_t *empty = json_object_get(r, "slot_empty");
	if (empty && !json_is_boolean(empty))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: slot_empty: true or false is expected", sc->origin);
	sc->slot_empty = empty && json_is_true(empty);
	const json_t *st = json_object_get(r, "station");
	if (!st)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: station: missing", sc->origin);
	if ((rc = parse_station(sc, st, diag)))
		return rc;
	/* Parse the DUT once here so that a bad cable or defect fails at load time. */
	const json_t *dj = json_object_get(r, "dut");
	if (!dj || !json_is_object(dj))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: dut: %s", sc->origin, dj ? "an object is expected" : "missing");
	char dorigin[600];
	snprintf(dorigin, sizeof(dorigin), "%s: dut", sc->origin);
	lc_dut *dut = NULL;
	if ((rc = lc_dut_from_json(dj, dorigin, sc->fixtures_dir, &dut, diag)) < 0)
		return rc;
	lc_dut_free(dut);
	if ((rc = parse_more_slots(sc, json_object_get(r, "more_slots"), diag)))
		return rc;
	const json_t *insts = json_object_get(r, "instruments");
	if (!insts || !json_is_object(insts))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: instruments: %s", sc->origin,
				   insts ? "an object is expected" : "missing");
	sc->insts = calloc(sc->station->n_instruments ? sc->station->n_instruments : 1, sizeof(*sc->insts));
	if (!sc->insts)
		return LC_ERR_NOMEM;
	for (size_t i = 0; i < sc->station->n_instruments; i++) {
		const char *role = sc->station->instruments[i].role;
		const json_t *o = json_object_get(insts, role);
		if (!o)
			return lc_diag_set(diag, LC_ERR_FORMAT,
					   "%s: instruments.%s: missing (the station '%s' has an instrument of that role)",
					   sc->origin, role, sc->station->name);
		if ((rc = parse_inst(sc, role, o, &sc->insts[sc->n_insts], diag)))
			return rc;
		sc->n_insts++;
	}
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)insts, k, v) {
		if (k[0] != '_' && !lc_station_instrument_by_role(sc->station, k))
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: instruments.%s: the station '%s' has no such role",
					   sc->origin, k, sc->station->name);
	}
	return 0;
}

int lc_sim_scenario_parse(const char *text, size_t len, const char *origin, const char *fixtures_dir,
			  lc_sim_scenario **out, lc_diag *diag)
{
	lc_sim_scenario *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return LC_ERR_NOMEM;
	snprintf(sc->origin, sizeof(sc->origin), "%s", origin ? origin : "<scenario>");
	int rc = lc_fixtures_dir(fixtures_dir, sc->fixtures_dir, sizeof(sc->fixtures_dir), diag);
	if (rc < 0) {
		lc_sim_scenario_free(sc);
		return rc;
	}
	json_error_t je;
	sc->root = json_loadb(text, len, 0, &je);
	if (!sc->root || !json_is_object(sc->root)) {
		rc = sc->root ? lc_diag_set(diag, LC_ERR_FORMAT, "%s: the top level must be an object", sc->origin)
			      : lc_diag_set(diag, LC_ERR_FORMAT, "%s:%d:%d: %s", sc->origin, je.line, je.column, je.text);
		lc_sim_scenario_free(sc);
		return rc;
	}
	if ((rc = parse_root(sc, diag)) < 0) {
		lc_sim_scenario_free(sc);
		return rc;
	}
	*out = sc;
	return 0;
}

int lc_sim_scenario_load(const char *name_or_path, const char *fixtures_dir, lc_sim_scenario **out, lc_diag *diag)
{
	char path[1024];
	int rc = lc_fixtures_find(fixtures_dir, "scenarios", name_or_path, path, sizeof(path), diag);
	if (rc < 0)
		return rc;
	char *text;
	size_t len;
	if ((rc = lc_fixtures_read_file(path, &text, &len, diag)) < 0)
		return rc;
	rc = lc_sim_scenario_parse(text, len, path, fixtures_dir, out, diag);
	free(text);
	return rc;
}

void lc_sim_scenario_free(lc_sim_scenario *sc)
{
	if (!sc)
		return;
	lc_station_free(sc->station);
	json_decref(sc->root);
	free(sc->insts);
	free(sc);
}

const lc_sim_scenario_inst *lc_sim_scenario_inst_by_role(const lc_sim_scenario *sc, const char *role)
{
	for (size_t i = 0; i < sc->n_insts; i++)
		if (!strcmp(sc->insts[i].role, role))
			return &sc->insts[i];
	return NULL;
}

const char *lc_sim_scenario_name(const lc_sim_scenario *sc) { return sc->name; }

const char *lc_sim_scenario_role_at(const lc_sim_scenario *sc, size_t i)
{
	return i < sc->n_insts ? sc->insts[i].role : NULL;
}
