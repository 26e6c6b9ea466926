/*
 * The Yokogawa AQ7260 driver (instruments/otdr/yokogawa_aq7260.c) against a scripted loopback peer: the exact
 * bytes it sends (commands joined with ',', CR LF line ends), identification by IDER, the code tables and
 * the values they refuse, INFR states, DBIR decoding and its malformed forms, FILESR/FILER with a short file,
 * and the EDR reply format of the manual (p. 8-60).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr.h"
#include "instruments/otdr/yokogawa_aq7260.h"
#include "tests/instruments/scpi_peer.h"

#define IDER_REPLY "YOKOGAWA,AQ7260(91X000123),AQ7264A(91Y000456),R1.02\r"

static scpi_peer *peer;
static lc_instrument *inst;

static void setup(void)
{
	peer = scpi_peer_start();
	cr_assert_not_null(peer);
	scpi_peer_rule(peer, "IDER\r", IDER_REPLY);
}

static void teardown(void)
{
	lc_instrument_close(inst);
	inst = NULL;
	scpi_peer_stop(peer);
}

TestSuite(aq7260, .init = setup, .fini = teardown, .timeout = 30);

/* Open with the station's driver hint and layout; the baud only sizes binary-transfer budgets here. */
static int open_aq(const char *layout, int timeout_ms, lc_diag *d)
{
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.driver = "yokogawa_aq7260";
	o.layout = layout;
	o.timeout_ms = timeout_ms;
	o.transport.serial.baud = 1000000;
	lc_diag_clear(d);
	return lc_instrument_open(scpi_peer_resource(peer), &o, &inst, d);
}

static void open_ok(const char *layout)
{
	lc_diag d;
	cr_assert_eq(open_aq(layout, 5000, &d), 0, "%s", d.text);
	scpi_peer_clear_log(peer);
}

/* The peer logs a line when it reads it; a write has no reply to wait for, so an answered IDER after it
 * proves every earlier line was logged. Returns the log up to that IDER. */
static const char *synced_log(void)
{
	char reply[128];
	cr_assert_gt(lc_scpi_query(lc_instrument_scpi(inst), "IDER\r", reply, sizeof(reply)), 0);
	static char log[4096];
	snprintf(log, sizeof(log), "%s", scpi_peer_log(peer));
	size_t n = strlen(log);
	cr_assert(n >= 5 && strcmp(log + n - 5, "IDER\r") == 0, "%s", log);
	log[n >= 6 ? n - 6 : 0] = '\0';
	return log;
}

static const lc_otdr_settings s2km = {.wavelength_nm = 1310, .pulse_ns = 10, .range_m = 2000, .averaging_s = 10};

/* The requests configure reads its settings back with (pp. 8-49, 8-50), in the order sent. */
#define READ_BACK "|ASUR\r|RR\r|PWR\r|ATR\r|AVDR\r|NUMR\r"

/* The codes the peer's unit holds: answers to the READ_BACK requests, standing or used once. */
static void held(bool once, int asu, int r, int pw, int att, int avd, int num)
{
	const char *q[] = {"ASUR\r", "RR\r", "PWR\r", "ATR\r", "AVDR\r", "NUMR\r"};
	int v[] = {asu, r, pw, att, avd, num};
	for (int i = 0; i < 6; i++) {
		char a[16];
		snprintf(a, sizeof(a), "%d\r", v[i]);
		(once ? scpi_peer_rule_once : scpi_peer_rule)(peer, q[i], a);
	}
}

/* What an AQ7260 holds after s2km with auto attenuation. */
static void held_s2km(void) { held(false, 2, 7, 1, 0, 1, 0); }


/* lc_instrument_snapshot's text, parsed (NULL on failure, diag set). */
static json_t *snapshot_json(lc_instrument *in, lc_diag *d)
{
	char *text = NULL;
	if (lc_instrument_snapshot(in, &text, d) < 0)
		return NULL;
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	cr_assert_not_null(j, "snapshot is not JSON: %s: %s", e.text, text);
	free(text);
	return j;
}

Test(aq7260, hint_identifies_by_ider_alone)
{
	lc_diag d;
	cr_assert_eq(open_aq("1310", 5000, &d), 0, "%s", d.text);
	cr_expect_str_eq(scpi_peer_log(peer), "IDER\r");
	cr_expect(!scpi_peer_lf_only(peer), "commands end in CR LF");
	const lc_idn *idn = lc_instrument_idn(inst);
	cr_expect_str_eq(idn->vendor, "Yokogawa");
	cr_expect_str_eq(idn->model, "AQ7260");
	cr_expect_str_eq(idn->serial, "91X000123");
	cr_expect_str_eq(idn->firmware, "AQ7264A(91Y000456),R1.02");
	cr_expect_str_eq(lc_instrument_driver_name(inst), "yokogawa_aq7260");
	cr_expect_eq(lc_instrument_class(inst), LC_CLASS_OTDR);
}

Test(aq7260, without_hint_ider_follows_an_unanswered_idn)
{
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 3000; /* *IDN? goes unanswered (fires); IDER's answer must come within it (seconds) */
	lc_diag d;
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &inst, &d), 0, "%s", d.text);
	cr_expect_str_eq(scpi_peer_log(peer), "*IDN?|IDER\r");
	cr_expect_str_eq(lc_instrument_driver_name(inst), "yokogawa_aq7260");
}

/* A late *IDN? reply read as the answer to IDER names a SCPI instrument: it must not be bound. */
Test(aq7260, crossed_identity_answer_binds_nothing)
{
	scpi_peer_stop(peer);
	peer = scpi_peer_start();
	scpi_peer_rule(peer, "IDER\r", "Keysight Technologies,N7744C,MY1,1.0\r");
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 3000; /* *IDN? goes unanswered (fires); IDER's answer must come within it (seconds) */
	lc_diag d;
	cr_expect_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &inst, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "answered 'ider'"), "%s", d.text);
}

Test(aq7260, silence_to_every_identity_query_names_them)
{
	scpi_peer_stop(peer);
	peer = scpi_peer_start();
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 200;
	lc_diag d;
	cr_expect_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &inst, &d), LC_ERR_TIMEOUT);
	cr_expect(strstr(d.text, "*IDN?") && strstr(d.text, "no answer to IDER either"), "%s", d.text);
}

Test(aq7260, hint_of_another_driver_is_refused)
{
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.driver = "no_such_driver";
	lc_diag d;
	cr_expect_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &inst, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "no_such_driver"), "%s", d.text);
}

Test(aq7260, malformed_ider_is_a_protocol_error)
{
	lc_idn idn;
	lc_diag d;
	cr_expect_eq(lc_ider_parse("YOKOGAWA", &idn, &d), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_ider_parse("YOKOGAWA,AQ7260(91X", &idn, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "not closed"), "%s", d.text);
	cr_expect_eq(lc_ider_parse(",AQ7260(1),M(2),R1", &idn, &d), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_ider_parse("YOKOGAWA, AQ7260 ,AQ7264A,R1.02", &idn, &d), 0, "%s", d.text);
	cr_expect_str_eq(idn.model, "AQ7260");
	cr_expect_str_eq(idn.serial, "");
}

Test(aq7260, configure_sends_one_message_of_codes)
{
	open_ok("1310");
	held(true, 2, 7, 1, 0, 1, 0);
	lc_diag d;
	cr_assert_eq(lc_otdr_configure(inst, &s2km, &d), 0, "%s", d.text);
	/* 640 km has a code too, but the OTDR class stops at 500 km */
	lc_otdr_settings s = {.wavelength_nm = 1310, .pulse_ns = 50000, .range_m = 320000, .averaging_s = 1800};
	held(false, 2, 8, 11, 5, 1, 9);
	cr_assert_eq(lc_otdr_configure(inst, &s, &d), 0, "%s", d.text);
	cr_expect_str_eq(synced_log(), "ASU 2,R 7,PW 1,AVD 1,NUM 0\r" READ_BACK "|ASU 2,R 8,PW 11,AVD 1,NUM 9\r" READ_BACK);
	/* what the unit holds, read back: not what lanecert remembers sending */
	lc_otdr_settings got;
	cr_assert_eq(lc_otdr_get_settings(inst, &got, &d), 0, "%s", d.text);
	cr_expect_eq(got.range_m, 320000);
	cr_expect_eq(got.pulse_ns, 50000);
	cr_expect_eq(got.averaging_s, 1800);
	cr_expect_eq(got.wavelength_nm, 1310);
}

/* No error queue: a setting the unit does not take shows only in its read-back, and is an error naming it. */
Test(aq7260, a_setting_not_taken_is_named)
{
	open_ok("1310");
	scpi_peer_rule(peer, "ASU *", NULL);
	held(true, 2, 0, 1, 0, 1, 0); /* still 10 km: the module refused 2 km */
	lc_diag d;
	cr_expect_eq(lc_otdr_configure(inst, &s2km, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "RR 0 (10 km) for R 7 (2 km)"), "%s", d.text);
	cr_expect(!strstr(d.text, "PWR"), "only what differs is named: %s", d.text);
	held(true, 2, 7, 1, 0, 1, 3); /* NUM not understood (its set form is a guess): NUMR kept 3 */
	cr_expect_eq(lc_otdr_configure(inst, &s2km, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "NUMR 3 for NUM 0") && strstr(d.text, "UNCONFIRMED"), "%s", d.text);
	held(true, 1, 7, 3, 0, 1, 0); /* auto range took over; the pulse became 100 ns */
	cr_expect_eq(lc_otdr_configure(inst, &s2km, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "ASUR 1 for ASU 2") && strstr(d.text, "PWR 3 (100 ns) for PW 1 (10 ns)"), "%s",
		  d.text);
	cr_expect_str_eq(scpi_peer_unexpected(peer), "");
}

Test(aq7260, held_settings_that_are_no_interval_or_pulse)
{
	open_ok("1310");
	lc_otdr_settings got;
	lc_diag d;
	held(true, 2, 7, 1, 0, 0, -2); /* averaging 2^10 shots (AVD 0), set on the front panel */
	cr_expect_eq(lc_otdr_get_settings(inst, &got, &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "AVDR 0, NUMR -2"), "%s", d.text);
	held(true, 2, 7, 0, 0, 1, 0); /* PWR 0 is the manual's "-" */
	cr_expect_eq(lc_otdr_get_settings(inst, &got, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "PWR 0"), "%s", d.text);
	held(true, 2, 10, 1, 0, 1, 0); /* no range code 10 */
	cr_expect_eq(lc_otdr_get_settings(inst, &got, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "RR"), "%s", d.text);
}

Test(aq7260, fixed_attenuation_from_the_layout)
{
	open_ok("1310;att=2.50");
	held(true, 0, 7, 1, 1, 1, 0); /* AT 1 instead of 2 */
	lc_diag d;
	cr_expect_eq(lc_otdr_configure(inst, &s2km, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "ATR 1 (1.25 dB) for AT 2 (2.50 dB)"), "%s", d.text);
	held(true, 0, 7, 1, 2, 1, 0);
	cr_assert_eq(lc_otdr_configure(inst, &s2km, &d), 0, "%s", d.text);
	cr_expect_str_eq(synced_log(), "ASU 0,R 7,PW 1,AT 2,AVD 1,NUM 0\r" READ_BACK "|ASU 0,R 7,PW 1,AT 2,AVD 1,NUM 0\r" READ_BACK);
}

Test(aq7260, bad_layouts_are_refused_at_open)
{
	lc_diag d;
	cr_expect_eq(open_aq("1310;att=2.6", 400, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "1.25 dB steps"), "%s", d.text);
	cr_expect_eq(open_aq("1310;att=27.5", 400, &d), LC_ERR_ARG);
	cr_expect_eq(open_aq("fast", 400, &d), LC_ERR_ARG);
	cr_expect_eq(open_aq("1310,1550", 400, &d), LC_ERR_ARG);
}

Test(aq7260, values_without_a_code_are_refused_with_the_allowed_ones)
{
	open_ok("1310");
	lc_diag d;
	lc_otdr_settings s = s2km;
	s.range_m = 3000;
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "allowed: 2, 5, 10, 20, 40, 80, 160, 240, 320, 640 km"), "%s", d.text);
	s = s2km, s.pulse_ns = 30;
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "allowed: 10, 20, 50, 100, 200, 500, 1000, 4000, 10000, 20000, 50000 ns"), "%s",
		  d.text);
	s = s2km, s.averaging_s = 15;
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "allowed: 10, 20, 30, 60, 180, 300, 600, 1200, 1800 s"), "%s", d.text);
	s = s2km, s.wavelength_nm = 1550;
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "measures at 1310 nm"), "%s", d.text);
	cr_expect_str_eq(synced_log(), "", "nothing is sent for a refused setting");
}

Test(aq7260, no_layout_means_no_known_wavelength)
{
	open_ok(NULL);
	lc_diag d;
	cr_expect_eq(lc_otdr_configure(inst, &s2km, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "station layout"), "%s", d.text);
	lc_otdr_settings s;
	cr_expect_eq(lc_otdr_get_settings(inst, &s, &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "station layout"), "%s", d.text);
	cr_expect_str_eq(synced_log(), "", "nothing is asked when the wavelength is not known");
}

Test(aq7260, acquisition_polls_infr_until_standby)
{
	open_ok("1310");
	scpi_peer_rule(peer, "ASU *", NULL);
	scpi_peer_rule(peer, "AVG 1\r", NULL);
	held_s2km();
	scpi_peer_rule_once(peer, "INFR\r", "1\r");
	scpi_peer_rule_once(peer, "INFR\r", "1\r");
	scpi_peer_rule(peer, "INFR\r", "0\r");
	lc_diag d;
	cr_assert_eq(lc_otdr_acquire(inst, &s2km, &d), 0, "%s", d.text);
	cr_expect_str_eq(scpi_peer_log(peer), "ASU 2,R 7,PW 1,AVD 1,NUM 0\r" READ_BACK "|AVG 1\r|INFR\r|INFR\r|INFR\r");
}

static void acquire_fails_with(const char *infr, int code, const char *words)
{
	open_ok("1310");
	scpi_peer_rule(peer, "ASU *", NULL);
	scpi_peer_rule(peer, "AVG 1\r", NULL);
	held_s2km();
	scpi_peer_rule_once(peer, "INFR\r", "1\r");
	scpi_peer_rule(peer, "INFR\r", infr);
	lc_diag d;
	cr_expect_eq(lc_otdr_acquire(inst, &s2km, &d), code, "%s", d.text);
	cr_expect(strstr(d.text, words), "%s", d.text);
}

Test(aq7260, infr_6_is_no_fiber) { acquire_fails_with("6\r", LC_ERR_INSTRUMENT, "no fiber connected (INFR 6)"); }
Test(aq7260, infr_7_is_plug_check_error) { acquire_fails_with("7\r", LC_ERR_INSTRUMENT, "plug-check error (INFR 7)"); }
Test(aq7260, infr_4_hides_the_state) { acquire_fails_with("4\r", LC_ERR_INSTRUMENT, "no printer paper"); }
Test(aq7260, undocumented_infr_is_a_protocol_error) { acquire_fails_with("3\r", LC_ERR_PROTOCOL, "INFR 3"); }
Test(aq7260, garbled_infr_is_a_protocol_error) { acquire_fails_with("busy\r", LC_ERR_PROTOCOL, "not an integer"); }

Test(aq7260, a_start_never_seen_is_an_error_not_a_stale_trace)
{
	open_ok("1310");
	scpi_peer_rule(peer, "ASU *", NULL);
	scpi_peer_rule(peer, "AVG 1\r", NULL);
	held_s2km();
	scpi_peer_rule(peer, "INFR\r", "0\r");
	lc_diag d;
	cr_expect_eq(lc_otdr_acquire(inst, &s2km, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "did not start"), "%s", d.text);
}

/* 5000 points (DSR 0): value i = i, hi byte first, then the trailer. */
static uint8_t *dbir_bytes(size_t points, const char *trailer, size_t *len)
{
	size_t tl = strlen(trailer);
	uint8_t *b = malloc(2 * points + tl);
	for (size_t i = 0; i < points; i++) {
		b[2 * i] = (uint8_t)(i >> 8);
		b[2 * i + 1] = (uint8_t)i;
	}
	memcpy(b + 2 * points, trailer, tl);
	*len = 2 * points + tl;
	return b;
}

static void configured(void)
{
	open_ok("1310");
	scpi_peer_rule(peer, "ASU *", NULL);
	held_s2km();
	lc_diag d;
	cr_assert_eq(lc_otdr_configure(inst, &s2km, &d), 0, "%s", d.text);
	synced_log();
	scpi_peer_clear_log(peer);
}

Test(aq7260, dbir_decodes_hi_lo_counts_of_0_004_db)
{
	configured();
	size_t len;
	uint8_t *b = dbir_bytes(5000, "\r\n", &len);
	scpi_peer_rule(peer, "DSR\r", "0\r");
	scpi_peer_rule_bytes(peer, "DBIR\r", b, len);
	free(b);
	double *db;
	size_t n;
	double dx;
	lc_diag d;
	cr_assert_eq(lc_otdr_read_trace(inst, &db, &n, &dx, &d), 0, "%s", d.text);
	cr_expect_eq(n, 5000);
	cr_expect_float_eq(dx, 0.4, 1e-12);
	cr_expect_float_eq(db[0], 0, 1e-12);
	cr_expect_float_eq(db[1], 0.004, 1e-12);
	cr_expect_float_eq(db[4999], 4999 * 0.004, 1e-9);
	free(db);
	cr_expect_str_eq(scpi_peer_log(peer), "RR\r|DSR\r|DBIR\r");
}

Test(aq7260, dbir_longer_than_announced_is_malformed)
{
	configured();
	size_t len;
	uint8_t *b = dbir_bytes(5000, "\x12\x34\r\n", &len);
	scpi_peer_rule(peer, "DSR\r", "0\r");
	scpi_peer_rule_bytes(peer, "DBIR\r", b, len);
	free(b);
	double *db = NULL;
	size_t n;
	double dx;
	lc_diag d;
	cr_expect_eq(lc_otdr_read_trace(inst, &db, &n, &dx, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "longer than announced"), "%s", d.text);
	cr_expect_null(db);
}

Test(aq7260, dbir_short_is_truncated)
{
	configured();
	size_t len;
	uint8_t *b = dbir_bytes(1200, "", &len);
	scpi_peer_rule(peer, "DSR\r", "0\r");
	scpi_peer_rule_bytes(peer, "DBIR\r", b, len);
	free(b);
	double *db = NULL;
	size_t n;
	double dx;
	lc_diag d;
	cr_expect_eq(lc_otdr_read_trace(inst, &db, &n, &dx, &d), LC_ERR_TRUNCATED);
	cr_expect(strstr(d.text, "2400 of 10000 bytes"), "%s", d.text);
}

Test(aq7260, dsr_outside_its_codes_is_a_protocol_error)
{
	configured();
	scpi_peer_rule(peer, "DSR\r", "3\r");
	double *db;
	size_t n;
	double dx;
	lc_diag d;
	cr_expect_eq(lc_otdr_read_trace(inst, &db, &n, &dx, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "DSR"), "%s", d.text);
}

/* The spacing follows the range the unit holds (RR), whoever set it: no configure needed. */
Test(aq7260, trace_spacing_follows_the_held_range)
{
	open_ok("1310");
	size_t len;
	uint8_t *b = dbir_bytes(20000, "\r\n", &len);
	scpi_peer_rule(peer, "RR\r", "1\r"); /* 20 km */
	scpi_peer_rule(peer, "DSR\r", "1\r");
	scpi_peer_rule_bytes(peer, "DBIR\r", b, len);
	free(b);
	double *db;
	size_t n;
	double dx;
	lc_diag d;
	cr_assert_eq(lc_otdr_read_trace(inst, &db, &n, &dx, &d), 0, "%s", d.text);
	cr_expect_eq(n, 20000);
	cr_expect_float_eq(dx, 1.0, 1e-12);
	free(db);
}

/* A real SOR image from the project's writer. */
static uint8_t *sor_image(size_t *len)
{
	lc_sor *sor;
	cr_assert_eq(lc_sor_new(&sor), 0);
	uint16_t v[300];
	for (int i = 0; i < 300; i++)
		v[i] = (uint16_t)(i * 10);
	lc_sor_set_string(&sor->sup.supplier, "YOKOGAWA");
	sor->fxd.wavelength = 13100;
	sor->fxd.data_spacing[0] = 10000;
	cr_assert_eq(lc_sor_set_trace(sor, v, 300), 0);
	uint8_t *file;
	lc_diag d;
	cr_assert_eq(lc_sor_write(sor, &file, len, &d), 0, "%s", d.text);
	lc_sor_free(sor);
	return file;
}

static void file_rules(const uint8_t *file, size_t size, size_t sent, const char *trailer)
{
	char sz[32];
	snprintf(sz, sizeof(sz), "%zu\r", size);
	scpi_peer_rule(peer, "FILESR\r", sz);
	size_t tl = strlen(trailer);
	uint8_t *b = malloc(sent + tl);
	memcpy(b, file, sent);
	memcpy(b + sent, trailer, tl);
	scpi_peer_rule_bytes(peer, "FILER\r", b, sent + tl);
	free(b);
}

Test(aq7260, filer_returns_the_file_filesr_announced)
{
	open_ok("1310");
	size_t len;
	uint8_t *file = sor_image(&len);
	file_rules(file, len, len, "\r\n");
	lc_sor *sor;
	lc_diag d;
	cr_assert_eq(lc_otdr_read_sor(inst, &sor, &d), 0, "%s", d.text);
	cr_expect_eq(sor->n_points, 300);
	cr_expect_str_eq(sor->sup.supplier, "YOKOGAWA");
	lc_sor_free(sor);
	free(file);
	cr_expect_str_eq(scpi_peer_log(peer), "FILESR\r|FILER\r");
}

Test(aq7260, short_filer_is_truncated)
{
	open_ok("1310");
	size_t len;
	uint8_t *file = sor_image(&len);
	file_rules(file, len, len / 2, "");
	lc_sor *sor = NULL;
	lc_diag d;
	cr_expect_eq(lc_otdr_read_sor(inst, &sor, &d), LC_ERR_TRUNCATED);
	cr_expect(strstr(d.text, "FILER"), "%s", d.text);
	cr_expect_null(sor);
	free(file);
}

Test(aq7260, filesr_must_be_a_positive_size)
{
	open_ok("1310");
	lc_sor *sor;
	lc_diag d;
	scpi_peer_rule_once(peer, "FILESR\r", "0\r");
	cr_expect_eq(lc_otdr_read_sor(inst, &sor, &d), LC_ERR_PROTOCOL);
	scpi_peer_rule_once(peer, "FILESR\r", "12 KB\r");
	cr_expect_eq(lc_otdr_read_sor(inst, &sor, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "FILESR"), "%s", d.text);
}

/* The manual's layout (p. 8-60): numbers left-aligned, units at fixed columns. */
Test(aq7260, edr_reply_format)
{
	lc_aq7260_event ev;
	lc_diag d;
	cr_assert_eq(lc_aq7260_parse_edr("001,+0.18150   KM,+0.312 DB,-32.000DB,+0.372 DB,+0.330 DB/KM,+1", &ev, &d), 0,
		     "%s", d.text);
	cr_expect_eq(ev.number, 1);
	cr_expect(!ev.end);
	cr_expect_float_eq(ev.distance_m, 181.5, 1e-9);
	cr_expect_float_eq(ev.splice_loss_db, 0.312, 1e-12);
	cr_expect_float_eq(ev.return_loss_db, -32.0, 1e-12);
	cr_expect_float_eq(ev.cumulative_loss_db, 0.372, 1e-12);
	cr_expect_float_eq(ev.slope_db_km, 0.330, 1e-12);
	cr_expect_eq(ev.type, 1);
	cr_assert_eq(lc_aq7260_parse_edr("END,+1.20000   KM,+0.000 DB,-14.700DB,+1.002 DB,+0.330 DB/KM,+0", &ev, &d), 0,
		     "%s", d.text);
	cr_expect(ev.end);
	cr_expect_float_eq(ev.distance_m, 1200, 1e-9);
}

Test(aq7260, malformed_edr_replies)
{
	lc_aq7260_event ev;
	lc_diag d;
	const char *bad[] = {
		"001,+0.18150KM,+0.312DB,-32.000DB,+0.372DB,+0.330DB/KM",         /* 6 fields */
		"001,+0.18150MI,+0.312DB,-32.000DB,+0.372DB,+0.330DB/KM,+1",      /* unit */
		"001,+0.18150KM,+0.312dB,-32.000DB,+0.372DB,+0.330DB/KM,+1",      /* "dB" */
		"0x1,+0.18150KM,+0.312DB,-32.000DB,+0.372DB,+0.330DB/KM,+1",      /* event No. */
		"001,KM,+0.312DB,-32.000DB,+0.372DB,+0.330DB/KM,+1",              /* no distance */
		"001,+0.18150KM,+0.312DB,-32.000DB,+0.372DB,+0.330DB,+1",         /* slope without /KM */
		"001,+0.18150KM,+0.312DB,-32.000DB,+0.372DB,+0.330DB/KM,+1.5",    /* type */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(lc_aq7260_parse_edr(bad[i], &ev, &d), LC_ERR_PROTOCOL, "%s", bad[i]);
		cr_expect(strstr(d.text, "EDR"), "%s", d.text);
	}
}

Test(aq7260, edr_query_bytes)
{
	open_ok("1310");
	scpi_peer_rule(peer, "EDR 2\r", "002,+0.03150   KM,+0.100 DB,+0.000 DB,+0.200 DB,+0.330 DB/KM,+0\r");
	lc_aq7260_event ev;
	lc_diag d;
	cr_assert_eq(lc_aq7260_read_event(inst, 2, &ev, &d), 0, "%s", d.text);
	cr_expect_eq(ev.number, 2);
	cr_expect_float_eq(ev.distance_m, 31.5, 1e-9);
	cr_expect_eq(lc_aq7260_read_event(inst, -2, &ev, &d), LC_ERR_ARG);
	cr_expect_str_eq(scpi_peer_log(peer), "EDR 2\r");
}

Test(aq7260, snapshot_shows_status_and_what_the_unit_holds)
{
	open_ok("1310");
	scpi_peer_rule(peer, "INFR\r", "0\r");
	held(true, 2, 7, 1, 3, 1, 0);
	lc_diag d;
	json_t *j = snapshot_json(inst, &d);
	cr_assert_not_null(j, "%s", d.text);
	json_t *o = json_object_get(j, "otdr");
	cr_expect_str_eq(json_string_value(json_object_get(o, "status")), "standby");
	cr_expect_float_eq(json_number_value(json_object_get(o, "wavelength_nm")), 1310, 1e-9);
	cr_expect_float_eq(json_number_value(json_object_get(o, "pulse_ns")), 10, 1e-9);
	cr_expect_float_eq(json_number_value(json_object_get(o, "range_m")), 2000, 1e-9);
	cr_expect_float_eq(json_number_value(json_object_get(o, "averaging_s")), 10, 1e-9);
	cr_expect_float_eq(json_number_value(json_object_get(o, "attenuation_db")), 3.75, 1e-9);
	cr_expect_str_eq(json_string_value(json_object_get(o, "automation")), "auto attenuation");
	cr_expect(strstr(json_string_value(json_object_get(o, "settings")), "read back"));
	json_decref(j);
	held(true, 0, 1, 6, 0, 2, 3); /* a shot count set on the front panel: 2^15 */
	j = snapshot_json(inst, &d);
	cr_assert_not_null(j, "%s", d.text);
	o = json_object_get(j, "otdr");
	cr_expect(json_is_null(json_object_get(o, "averaging_s")));
	cr_expect_eq(json_integer_value(json_object_get(o, "averaging_shots")), 32768);
	cr_expect_float_eq(json_number_value(json_object_get(o, "pulse_ns")), 1000, 1e-9);
	cr_expect_str_eq(json_string_value(json_object_get(o, "automation")), "manual");
	json_decref(j);
	cr_expect_str_eq(scpi_peer_log(peer), "INFR\r" READ_BACK "|INFR\r" READ_BACK);
}
