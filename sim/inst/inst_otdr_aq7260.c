/*
 * Simulated Yokogawa AQ7260 OTDR, written from instrument-dialects.md §5 and the AQ7260 manual's device
 * message tables (ch. 8) — not from the client driver. The real unit is GP-IB / RS-232; the simulator serves
 * it on a pseudo-terminal (its RS-232 port) by default, or on a raw socket (a serial-to-LAN adapter).
 *
 * Why the SCPI engine with a translate() front: the AQ7260 is not SCPI ("R 3,PW 5": ',' joins commands, a
 * space separates the parameter, queries are headers of their own such as INFR, never a trailing '?').
 * translate() rewrites one message into the engine's form ("R 3;PW 5", "EDR? 2", "INFR?") from a table of
 * the headers the notes list, so the engine's parameter checks, instrument time and station faults apply
 * unchanged; anything else — "*IDN?" included, which the AQ7260 does not know — is refused (-113) and, as
 * on the real unit, gets no reply.
 *
 * Replies end in CR LF (manual p. 8-60). DBIR and FILER are binary: the data, then CR LF (UNCONFIRMED: GP-IB
 * ends them with EOI, RS-232 has none; the simulator uses the line end of every other reply).
 *
 *   R m, PW m, AT m, AVD m, ASU m   range / pulse / attenuation / averaging type / automation codes (§5,
 *                                   p. 8-38); a range above the module's longest (option max_range_km) is
 *                                   refused and the unit keeps the range it had ("the distance range that
 *                                   can be set varies with the wavelength", p. 8-38; what the real unit does
 *                                   with a code it cannot take is UNCONFIRMED: it has no error queue)
 *   RR, PWR, ATR, AVDR, NUMR, ASUR  the settings held, as the set codes (pp. 8-49, 8-50)
 *   LAMR  0: the unit's first wavelength (p. 8-49; the simulated module has one)
 *   NUM m                           averaging time / interval code (set form of the manual's NUMR, p. 8-50;
 *                                   the set form UNCONFIRMED); its codes depend on AVD (h_num)
 *   AVG 1                           start an averaged acquisition (UNCONFIRMED: no start command is in the
 *                                   notes; an assumption shared with the driver, see docs/simulator.md)
 *   INFR  0 standby, 1 emitting, 6 no fiber, 7 plug-check error (the status_fault option)
 *   IDER  "YOKOGAWA,AQ7260(<serial>),<module>(<serial>),<version>"
 *   DSR   data size code (0 5k, 1 20k, 2 60k data: 5000/20000/60000 points, UNCONFIRMED counts)
 *   DBIR  the trace: per point hi byte, lo byte of the level above the receiver floor in 0.004 dB (manual
 *         p. 8-56, 13-9: "(0.004dB unit)"; §5's "0.001" is the WBIR row 13-5 on the same page)
 *   FILESR / FILER  size of the SOR file of the last acquisition, then its bytes
 *   EDR m event m of the instrument's event table (its SOR file's: the channel's true events, 1..), 0 the
 *         end (E point), -1 the origin (R point)
 *
 * Instrument time: an acquisition takes the averaging time; the first INFR after a start always says 1 (a
 * real acquisition of at least 10 s outlasts a status read; with time compressed to nothing this keeps that
 * order).
 *
 * Options: {"dut_port": "dut:A:7", "launch_cord_m": 150, "wavelength_nm": 1310, "data_size": 1,
 *           "far_end_reflectance_db": -14.7, "module": "AQ7264A", "status_fault": 0 | 6 | 7,
 *           "max_range_km": 640}.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "sim/inst/inst_util.h"
#include "formats/sor.h"
#include "sim/world/otdr_sim.h"

/* §5 codes; index = code, 0 = none */
static const double range_km[] = {10, 20, 40, 80, 160, 240, 5, 2, 320, 640};
static const double pulse_ns[] = {0, 10, 20, 100, 200, 500, 1000, 4000, 10000, 20000, 50, 50000};
static const double avg_s[] = {10, 20, 30, 60, 0, 180, 300, 600, 1200, 1800};
static const size_t data_points[] = {5000, 20000, 60000};
#define DBIR_UNIT_DB 0.004

struct aq7260 {
	lc_sim_otdr otdr;
	lc_sim_clock *clock;
	char serial[64], module[32];
	double nm;
	int range, pulse, att, avd, asu, num, ds, status_fault;
	double max_range_km;
	/* acquisition */
	bool running, first_status;
	int64_t done_at_ms;
	/* the instrument's clock: the wall time it was switched on, plus the simulated time of the
	 * acquisitions it has made (a time scale of 0 makes them instant in wall time, not in its own) */
	time_t on_at;
	double sim_elapsed_s;
	uint8_t *sor;
	size_t sor_len;
};

/* The headers of the dialect and whether each is a query. */
static const struct {
	const char *hdr;
	bool query;
} dialect[] = {
	{"R", false},    {"PW", false},   {"AT", false},     {"AVD", false},  {"ASU", false}, {"NUM", false},
	{"AVG", false},  {"INFR", true},  {"IDER", true},    {"DSR", true},   {"DBIR", true}, {"FILESR", true},
	{"FILER", true}, {"EDR", true},    {"RR", true},      {"PWR", true},   {"ATR", true},  {"AVDR", true},
	{"NUMR", true},  {"ASUR", true},   {"LAMR", true},
};

/* One unit "HDR[ param]" → engine form; returns the length written or a negative SCPI error. */
static int unit(const char *u, size_t len, char *out, size_t cap)
{
	while (len && isspace((unsigned char)*u))
		u++, len--;
	while (len && isspace((unsigned char)u[len - 1]))
		len--;
	size_t h = 0;
	while (h < len && isalpha((unsigned char)u[h]))
		h++;
	if (h == 0)
		return -102; /* syntax error */
	for (size_t i = 0; i < sizeof(dialect) / sizeof(dialect[0]); i++) {
		if (strlen(dialect[i].hdr) != h || strncmp(dialect[i].hdr, u, h) != 0)
			continue; /* the manual writes headers in capitals: no case folding */
		if (h < len && u[h] != ' ')
			return -102;
		int n = snprintf(out, cap, "%.*s%s%.*s", (int)h, u, dialect[i].query ? "?" : "", (int)(len - h), u + h);
		return n > 0 && (size_t)n < cap ? n : -112;
	}
	return -113;
}

static int translate(const char *msg, size_t len, char *out, size_t cap)
{
	while (len && (msg[len - 1] == '\r' || msg[len - 1] == '\n'))
		len--;
	if (len > 512)
		return -363; /* the instrument's receive buffer (§5) */
	size_t k = 0;
	for (size_t s = 0; s <= len;) {
		const char *c = memchr(msg + s, ',', len - s);
		size_t e = c ? (size_t)(c - msg) : len;
		if (k && k + 1 < cap)
			out[k++] = ';';
		int n = unit(msg + s, e - s, out + k, cap - k);
		if (n < 0)
			return n;
		k += (size_t)n;
		s = e + 1;
	}
	return (int)k;
}

static int set_code(lc_sim_call *c, const double *tab, size_t n, int *code)
{
	long long v;
	int rc = lc_sim_arg_int(c, 0, 0, (long long)n - 1, &v);
	if (rc)
		return rc;
	if (tab && !(tab[v] > 0))
		return lc_sim_fail(c, -224, "code %lld", v);
	*code = (int)v;
	return 0;
}

#define CODE_SETTER(name, field, tab, count)                                                                   \
	static int name(lc_sim_call *c, void *u) { return set_code(c, tab, count, &((struct aq7260 *)u)->field); }

/* R m: a range the module cannot measure at its wavelength is refused, the old one kept (p. 8-38) */
static int h_range(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	int code = 0;
	int rc = set_code(c, range_km, 10, &code);
	if (rc)
		return rc;
	if (range_km[code] > s->max_range_km)
		return lc_sim_fail(c, -222, "R %d: %g km is beyond this module's %g km", code, range_km[code],
				   s->max_range_km);
	s->range = code;
	return 0;
}
CODE_SETTER(h_pulse, pulse, pulse_ns, 12)
CODE_SETTER(h_att, att, NULL, 22)
CODE_SETTER(h_avd, avd, NULL, 3)
CODE_SETTER(h_asu, asu, NULL, 6)

/* NUM m (manual p. 8-50, NUMR: its set form is UNCONFIRMED): the code's range depends on AVD. With AVD 1
 * ("Average interval") 0..9 are 10 s .. 30 min, 4 is "-"; with AVD 0 ("Average time (2^*)") and AVD 2
 * ("Average time (*k)") -2..6 are 2^10 .. 2^18 shots, the same counts the *k column writes as 1k .. 262k. */
static int h_num(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	long long v;
	int rc = lc_sim_arg_int(c, 0, -2, 9, &v);
	if (rc)
		return rc;
	if (s->avd == 1 ? (v < 0 || !(avg_s[v] > 0)) : v > 6)
		return lc_sim_fail(c, -224, "code %lld with AVD %d", v, s->avd);
	s->num = (int)v;
	return 0;
}

static bool acquiring(struct aq7260 *s)
{
	if (!s->running)
		return false;
	if (s->first_status) {
		s->first_status = false;
		return true;
	}
	if (lc_now_ms() < s->done_at_ms)
		return true;
	s->running = false;
	return false;
}

static int h_start(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	long long v;
	int rc = lc_sim_arg_int(c, 0, 0, 1, &v);
	if (rc || v == 0) {
		s->running = false; /* AVG 0 stops */
		return rc;
	}
	/* AVD changed after NUM can leave a code the new type does not have */
	if (s->avd == 1 ? (s->num < 0 || s->num > 9 || !(avg_s[s->num] > 0)) : (s->num < -2 || s->num > 6))
		return lc_sim_fail(c, -221, "NUM %d does not fit AVD %d", s->num, s->avd);
	/* shots at otdr_sim's acquisition rate (1000 a second, UNCONFIRMED) */
	double secs = s->avd == 1 ? avg_s[s->num] : ldexp(1.0, s->num + 12) / 1000.0;
	s->otdr.acquired_unix = (uint32_t)(s->on_at + (time_t)llround(s->sim_elapsed_s));
	s->sim_elapsed_s += secs;
	rc = lc_sim_otdr_acquire(&s->otdr, s->nm, pulse_ns[s->pulse], range_km[s->range] * 1000.0, secs,
				 data_points[s->ds]);
	if (rc < 0)
		return lc_sim_fail(c, -200, "trace synthesis failed");
	free(s->sor);
	s->sor = NULL;
	rc = lc_sim_otdr_sor(&s->otdr, "YOKOGAWA", "AQ7260", s->serial, &s->sor, &s->sor_len);
	if (rc < 0)
		return lc_sim_fail(c, -200, "SOR file could not be written");
	s->running = s->first_status = true;
	s->done_at_ms = lc_now_ms() + lc_sim_clock_wall_us(s->clock, secs) / 1000;
	return 0;
}

static int q_status(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	int code = acquiring(s) ? 1 : 0;
	/* faults and an unconnected port outrank the measurement state (7 > 6 > 4 > 1 > 0) */
	if (s->status_fault)
		code = s->status_fault;
	else if (s->otdr.level_db && !s->otdr.reached)
		code = 6;
	lc_sim_out_int(c, code);
	return 0;
}

static int q_ident(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	const char *wrong = lc_sim_fault_idn(c); /* IDER is this unit's *IDN?: the idn fault answers it */
	if (wrong)
		lc_sim_out_raw(c, wrong, strlen(wrong));
	else
		lc_sim_out_printf(c, "YOKOGAWA,AQ7260(%s),%s(%s),R1.00", s->serial, s->module, s->serial);
	return 0;
}

static int q_data_size(lc_sim_call *c, void *u)
{
	lc_sim_out_int(c, ((struct aq7260 *)u)->ds);
	return 0;
}

/* The requests of pp. 8-49/8-50: the code each setting holds. */
#define CODE_GETTER(name, field)                                                                               \
	static int name(lc_sim_call *c, void *u)                                                               \
	{                                                                                                      \
		lc_sim_out_int(c, ((struct aq7260 *)u)->field);                                                \
		return 0;                                                                                      \
	}
CODE_GETTER(q_range, range)
CODE_GETTER(q_pulse, pulse)
CODE_GETTER(q_att, att)
CODE_GETTER(q_avd, avd)
CODE_GETTER(q_num, num)
CODE_GETTER(q_asu, asu)

static int q_wavelength(lc_sim_call *c, void *u)
{
	(void)u;
	lc_sim_out_int(c, 0);
	return 0;
}

static int need_data(lc_sim_call *c, struct aq7260 *s)
{
	if (!s->otdr.level_db)
		return lc_sim_fail(c, -230, "no measurement yet");
	if (acquiring(s))
		return lc_sim_fail(c, -230, "measurement in progress");
	return 0;
}

static int q_trace(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	int rc = need_data(c, s);
	if (rc)
		return rc;
	uint8_t *b = malloc(2 * s->otdr.n);
	if (!b)
		return lc_sim_fail(c, -225, NULL);
	for (size_t i = 0; i < s->otdr.n; i++) {
		double counts = round((s->otdr.level_db[i] - s->otdr.floor_db) / DBIR_UNIT_DB);
		uint16_t v = (uint16_t)fmin(fmax(counts, 0), 65535);
		b[2 * i] = (uint8_t)(v >> 8);
		b[2 * i + 1] = (uint8_t)v;
	}
	lc_sim_out_raw(c, b, 2 * s->otdr.n);
	free(b);
	return 0;
}

static int q_file_size(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	int rc = need_data(c, s);
	if (rc == 0)
		lc_sim_out_int(c, (long long)s->sor_len);
	return rc;
}

static int q_file(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	int rc = need_data(c, s);
	if (rc == 0)
		lc_sim_out_raw(c, s->sor, s->sor_len);
	return rc;
}

/* A number left-aligned in its field, the unit at the fixed column after it (manual p. 8-60). */
static void field(lc_sim_call *c, int width, double v, int decimals, const char *unit)
{
	char num[32];
	snprintf(num, sizeof(num), "%+.*f", decimals, v);
	lc_sim_out_printf(c, ",%-*s%s", width, num, unit);
}

static int q_event(lc_sim_call *c, void *u)
{
	struct aq7260 *s = u;
	long long m;
	int rc = lc_sim_arg_int(c, 0, -1, 999, &m);
	if (rc || (rc = need_data(c, s)))
		return rc;
	/* the instrument's events are those of its SOR file */
	lc_sor *sor;
	lc_diag d;
	if (lc_sor_read(s->sor, s->sor_len, &sor, &d) < 0)
		return lc_sim_fail(c, -200, "own file unreadable");
	size_t n = sor->n_events;
	const lc_sor_event *e = NULL;
	double dist = 0;
	if (m > 0 && (size_t)m <= n)
		e = &sor->events[m - 1];
	else if (m == 0 && n)
		e = &sor->events[n - 1];
	if (m > 0 && !e) {
		lc_sor_free(sor);
		return lc_sim_fail(c, -222, "no event %lld", m);
	}
	if (e)
		dist = lc_sor_time_to_m(sor, e->time);
	double cumulative = 0;
	for (size_t i = 0; e && i < n && &sor->events[i] <= e; i++)
		cumulative += sor->events[i].loss / 1000.0;
	if (m == 0)
		lc_sim_out_printf(c, "END");
	else
		lc_sim_out_printf(c, "%03lld", m < 0 ? 0 : m);
	field(c, 11, dist / 1000.0, 5, "KM");
	field(c, 7, e ? e->loss / 1000.0 : 0, 3, "DB");
	field(c, 7, e ? e->reflectance / 1000.0 : 0, 3, "DB");
	field(c, 7, cumulative, 3, "DB");
	field(c, 7, e ? e->slope / 1000.0 : 0, 3, "DB/KM");
	lc_sim_out_printf(c, ",%+d", e && e->code[0] == '1' ? 1 : 0);
	lc_sor_free(sor);
	return 0;
}

static void reset(void *user)
{
	struct aq7260 *s = user;
	s->range = 0, s->pulse = 1, s->att = 0, s->avd = 1, s->asu = 0, s->num = 0;
}

static void destroy(void *state)
{
	struct aq7260 *s = state;
	if (!s)
		return;
	lc_sim_otdr_free(&s->otdr);
	free(s->sor);
	free(s);
}

static int layout(void *state, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%.0f", ((struct aq7260 *)state)->nm);
	return n > 0 && (size_t)n < cap ? n : LC_ERR_OVERFLOW;
}

static int create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	struct aq7260 *s = calloc(1, sizeof(*s));
	if (!s)
		return LC_ERR_NOMEM;
	s->otdr.world = cfg->world;
	s->on_at = time(NULL);
	s->clock = cfg->clock;
	snprintf(s->otdr.role, sizeof(s->otdr.role), "%s", cfg->role);
	snprintf(s->serial, sizeof(s->serial), "%s", cfg->serial);
	const char *port, *module;
	long ds, fault;
	int rc = lc_sim_opt_string(cfg, "dut_port", "", &port, diag);
	if (!rc)
		rc = lc_sim_opt_string(cfg, "module", "AQ7264A", &module, diag);
	if (!rc)
		rc = lc_sim_opt_double(cfg, "launch_cord_m", 150, 0, 5000, &s->otdr.launch_m, diag);
	if (!rc)
		rc = lc_sim_opt_double(cfg, "far_end_reflectance_db", -14.7, -90, -10, &s->otdr.far_end_r, diag);
	if (!rc)
		rc = lc_sim_opt_double(cfg, "wavelength_nm", 1310, 600, 1700, &s->nm, diag);
	if (!rc)
		rc = lc_sim_opt_int(cfg, "data_size", 1, 0, 2, &ds, diag);
	if (!rc)
		rc = lc_sim_opt_double(cfg, "max_range_km", 640, 10, 640, &s->max_range_km, diag);
	if (!rc)
		rc = lc_sim_opt_int(cfg, "status_fault", 0, 0, 7, &fault, diag);
	if (!rc && fault != 0 && fault != 6 && fault != 7)
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s: options.status_fault must be 0, 6 or 7", cfg->where);
	if (!rc) {
		snprintf(s->otdr.dut_port, sizeof(s->otdr.dut_port), "%s", port);
		snprintf(s->module, sizeof(s->module), "%s", module);
		s->ds = (int)ds, s->status_fault = (int)fault;
		/* the engine wants an *IDN? text; translate() never lets "*IDN?" reach it */
		rc = lc_sim_engine_new(cfg, "YOKOGAWA", "AQ7260", "R1.00", reset, s, engine, diag);
	}
	static const lc_sim_cmd cmds[] = {
		{"R", h_range, NULL},       {"PW", h_pulse, NULL},         {"AT", h_att, NULL},
		{"AVD", h_avd, NULL},       {"ASU", h_asu, NULL},          {"NUM", h_num, NULL},
		{"AVG", h_start, NULL},     {"INFR", NULL, q_status},      {"IDER", NULL, q_ident},
		{"DSR", NULL, q_data_size}, {"DBIR", NULL, q_trace},       {"FILESR", NULL, q_file_size},
		{"FILER", NULL, q_file},    {"EDR", NULL, q_event},        {"RR", NULL, q_range},
		{"PWR", NULL, q_pulse},     {"ATR", NULL, q_att},          {"AVDR", NULL, q_avd},
		{"NUMR", NULL, q_num},      {"ASUR", NULL, q_asu},         {"LAMR", NULL, q_wavelength},
	};
	if (!rc)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof(cmds) / sizeof(cmds[0]), s, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		free(s);
		return rc;
	}
	reset(s);
	*state = s;
	return 0;
}

const lc_sim_inst_kind lc_sim_kind_yokogawa_aq7260 = {
	.name = "yokogawa_aq7260", .summary = "Yokogawa AQ7260 OTDR, RS-232 device messages (trace and SOR file from the channel)",
	.instrument_class = "otdr", .transport = LC_SIM_TR_PTY, .terminator = "\r\n",
	.translate = translate, .create = create, .layout = layout, .destroy = destroy,
};
