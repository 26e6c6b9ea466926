/* The SCPI engine: patterns, headers, the ';' tree rule, parameters, handlers and replies. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "sim/scpi/scpi_engine.h"
#include "tests/sim/sim_test_util.h"

struct inst {
	double wav[5];
	int unit;
	bool state;
	char label[64];
	uint8_t data[64];
	size_t data_len;
	int resets;
	int last_suffix[2];
	int nparams;
	lc_sim_param last;
	char last_text[64];
};

static struct inst I;
static lc_sim_scpi *E;

static const lc_sim_numspec wav_spec = {"M", 1250e-9, 1650e-9, 1550e-9};

static int wav_set(lc_sim_call *c, void *u)
{
	struct inst *s = u;
	int ch = lc_sim_suffix(c, 0);
	if (ch < 1 || ch > 4)
		return lc_sim_fail(c, -114, "channel %d", ch);
	double v;
	int r = lc_sim_arg_double(c, 0, &wav_spec, &v);
	if (r)
		return r;
	s->wav[ch] = v;
	return lc_sim_arg_max(c, 1);
}

static int wav_q(lc_sim_call *c, void *u)
{
	struct inst *s = u;
	int ch = lc_sim_suffix(c, 0);
	if (ch < 1 || ch > 4)
		return -114;
	if (lc_sim_arg_present(c, 0)) {
		double v;
		int r = lc_sim_arg_double(c, 0, &wav_spec, &v);
		if (r)
			return r;
		lc_sim_out_nr3(c, v);
		return 0;
	}
	lc_sim_out_nr3(c, s->wav[ch]);
	return 0;
}

static const char *const unit_choices[] = {"DBM", "Watt", NULL};

static int unit_set(lc_sim_call *c, void *u)
{
	struct inst *s = u;
	const lc_sim_param *p = lc_sim_arg(c, 0);
	if (p && p->kind == LC_SIM_P_NUMBER) {
		long long v;
		int r = lc_sim_arg_int(c, 0, 0, 1, &v);
		if (r)
			return r;
		s->unit = (int)v;
		return 0;
	}
	return lc_sim_arg_choice(c, 0, unit_choices, &s->unit);
}

static int unit_q(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "%s", ((struct inst *)u)->unit ? "W" : "DBM");
	return 0;
}

static int state_set(lc_sim_call *c, void *u)
{
	return lc_sim_arg_bool(c, 0, &((struct inst *)u)->state);
}

static int state_q(lc_sim_call *c, void *u)
{
	lc_sim_out_bool(c, ((struct inst *)u)->state);
	return 0;
}

static int label_set(lc_sim_call *c, void *u)
{
	const char *s;
	size_t n;
	int r = lc_sim_arg_string(c, 0, &s, &n);
	if (r)
		return r;
	snprintf(((struct inst *)u)->label, sizeof(I.label), "%s", s);
	return 0;
}

static int label_q(lc_sim_call *c, void *u)
{
	lc_sim_out_string(c, ((struct inst *)u)->label);
	return 0;
}

static int data_set(lc_sim_call *c, void *u)
{
	struct inst *s = u;
	const uint8_t *d;
	size_t n;
	int r = lc_sim_arg_block(c, 0, &d, &n);
	if (r)
		return r;
	if (n > sizeof(s->data))
		return -223;
	memcpy(s->data, d, n);
	s->data_len = n;
	return 0;
}

static int data_q(lc_sim_call *c, void *u)
{
	struct inst *s = u;
	lc_sim_out_block(c, s->data, s->data_len);
	return 0;
}

/* Records what it got: for tests of the parameter parser. */
static int probe(lc_sim_call *c, void *u)
{
	struct inst *s = u;
	s->nparams = lc_sim_arg_count(c);
	if (s->nparams > 0)
		s->last = *lc_sim_arg(c, 0);
	if (s->nparams > 0 && s->last.text)
		snprintf(s->last_text, sizeof(s->last_text), "%s", s->last.text);
	s->last_suffix[0] = lc_sim_suffix(c, 0);
	s->last_suffix[1] = lc_sim_suffix(c, 1);
	if (lc_sim_is_query(c))
		lc_sim_out_int(c, s->nparams);
	return 0;
}

static int fail_exec(lc_sim_call *c, void *u)
{
	return -200;
}

static void reset(void *u)
{
	struct inst *s = u;
	s->resets++;
	s->state = false;
}

static void setup(void)
{
	memset(&I, 0, sizeof(I));
	lc_sim_scpi_config cfg = {.idn = "ACME,SIM1,42,1.0", .reset = reset, .user = &I, .error_queue_size = 5};
	cr_assert_eq(lc_sim_scpi_create(&cfg, &E, NULL), 0);
	cr_assert_eq(lc_sim_scpi_add(E, "[SENSe#]:POWer:WAVelength", wav_set, wav_q, &I, NULL), 0);
	cr_assert_eq(lc_sim_scpi_add(E, "[SENSe#]:POWer:UNIT", unit_set, unit_q, &I, NULL), 0);
	cr_assert_eq(lc_sim_scpi_add(E, "OUTPut[:STATe]", state_set, state_q, &I, NULL), 0);
	cr_assert_eq(lc_sim_scpi_add(E, "DISPlay:LABel", label_set, label_q, &I, NULL), 0);
	cr_assert_eq(lc_sim_scpi_add(E, "TRACe:DATA", data_set, data_q, &I, NULL), 0);
	cr_assert_eq(lc_sim_scpi_add(E, "PROBe#:CHANnel#", probe, probe, &I, NULL), 0);
	cr_assert_eq(lc_sim_scpi_add(E, "FAIL", fail_exec, NULL, &I, NULL), 0);
}

static void teardown(void)
{
	lc_sim_scpi_destroy(E);
	E = NULL;
	free(sim_last_reply);
	sim_last_reply = NULL;
}

TestSuite(scpi_engine, .init = setup, .fini = teardown);

static void expect_error(int code, const char *text_prefix)
{
	char text[200];
	int got = sim_err(E, text, sizeof(text));
	cr_assert_eq(got, code, "expected error %d, got %d (%s)", code, got, text);
	if (text_prefix)
		cr_assert(strncmp(text, text_prefix, strlen(text_prefix)) == 0, "text '%s' does not start with '%s'",
			  text, text_prefix);
}

static void expect_no_error(void)
{
	expect_error(0, "No error");
}

Test(scpi_engine, idn_and_short_long_forms)
{
	cr_assert_str_eq(sim_run(E, "*IDN?"), "ACME,SIM1,42,1.0");
	cr_assert_str_eq(sim_run(E, "*idn?"), "ACME,SIM1,42,1.0");
	cr_assert_str_eq(sim_run(E, "SENS:POW:WAV 1310NM"), "");
	cr_assert_float_eq(I.wav[1], 1310e-9, 1e-15);
	sim_run(E, "sense:power:wavelength 1.55e-6");
	cr_assert_float_eq(I.wav[1], 1550e-9, 1e-15);
	sim_run(E, ":POW:WAV 1490 nm");
	cr_assert_float_eq(I.wav[1], 1490e-9, 1e-15);
	cr_assert_str_eq(sim_run(E, "POWER:WAVELENGTH?"), "+1.49000000E-06");
	expect_no_error();
}

Test(scpi_engine, partial_mnemonic_is_undefined)
{
	sim_run(E, "SENSE:POWE:WAV 1310NM");
	expect_error(-113, "Undefined header");
	sim_run(E, "SEN:POW:WAV 1310NM");
	expect_error(-113, NULL);
	sim_run(E, "SENSEX:POW:WAV 1310NM");
	expect_error(-113, NULL);
}

Test(scpi_engine, numeric_suffixes)
{
	sim_run(E, "SENS2:POW:WAV 1310NM;:SENS4:POW:WAV 1625NM");
	cr_assert_float_eq(I.wav[2], 1310e-9, 1e-15);
	cr_assert_float_eq(I.wav[4], 1625e-9, 1e-15);
	cr_assert_str_eq(sim_run(E, "SENS2:POW:WAV?"), "+1.31000000E-06");
	sim_run(E, "SENS9:POW:WAV 1310NM");
	expect_error(-114, "Header suffix out of range;channel 9");
	sim_run(E, "PROB3:CHAN12?");
	cr_assert_eq(I.last_suffix[0], 3);
	cr_assert_eq(I.last_suffix[1], 12);
	sim_run(E, "PROB:CHAN?");
	cr_assert_eq(I.last_suffix[0], 1, "an omitted suffix is 1");
	cr_assert_eq(I.last_suffix[1], 1);
	sim_run(E, "PROB0:CHAN7?");
	cr_assert_eq(I.last_suffix[0], 0, "slot 0 exists on 816x mainframes");
	sim_run(E, "PROB1234567890:CHAN?");
	expect_error(-114, NULL);
	expect_no_error();
}

Test(scpi_engine, optional_nodes)
{
	sim_run(E, "OUTP ON");
	cr_assert(I.state);
	sim_run(E, "OUTP:STAT OFF");
	cr_assert(!I.state);
	cr_assert_str_eq(sim_run(E, "OUTPUT:STATE?"), "0");
	sim_run(E, "STAT ON");
	expect_error(-113, NULL);
}

Test(scpi_engine, compound_same_level)
{
	/* ';' continues at the level of the previous header: UNIT is SENS2:POW:UNIT */
	cr_assert_str_eq(sim_run(E, "SENS2:POW:WAV 1310NM;UNIT W;UNIT?;WAV?"), "W;+1.31000000E-06");
	cr_assert_eq(I.unit, 1);
	expect_no_error();
	/* ";:" restarts at the root */
	cr_assert_str_eq(sim_run(E, "SENS:POW:UNIT DBM;:OUTP ON;:OUTP?"), "1");
	cr_assert_eq(I.unit, 0);
	cr_assert(I.state);
	/* a relative header that does not exist at this level */
	sim_run(E, "SENS:POW:WAV 1310NM;OUTP OFF");
	expect_error(-113, NULL);
	cr_assert(I.state, "OUTP at the SENS:POW level must not run");
	/* common commands do not change the level */
	cr_assert_str_eq(sim_run(E, "SENS:POW:WAV 1550NM;*IDN?;UNIT?"), "ACME,SIM1,42,1.0;DBM");
	expect_no_error();
}

Test(scpi_engine, several_queries_joined)
{
	cr_assert_str_eq(sim_run(E, "*IDN?;*IDN?"), "ACME,SIM1,42,1.0;ACME,SIM1,42,1.0");
	cr_assert_str_eq(sim_run(E, "OUTP 1;OUTP?;*OPC?"), "1;1");
	cr_assert_str_eq(sim_run(E, "OUTP 1;"), "", "a trailing ';' is accepted");
	expect_no_error();
}

Test(scpi_engine, command_error_discards_rest)
{
	sim_run(E, "OUTP ON;BOGUS;OUTP OFF");
	expect_error(-113, NULL);
	cr_assert(I.state, "the unit after a command error does not run");
	/* an execution error does not stop the message */
	cr_assert_str_eq(sim_run(E, "FAIL;OUTP OFF;OUTP?"), "0");
	expect_error(-200, "Execution error");
	expect_no_error();
}

Test(scpi_engine, query_only_and_set_only)
{
	sim_run(E, "FAIL?");
	expect_error(-113, "Undefined header;FAIL?");
	sim_run(E, "*IDN");
	expect_error(-113, NULL);
	sim_run(E, "*RST?");
	expect_error(-113, NULL);
}

Test(scpi_engine, units_and_ranges)
{
	sim_run(E, "POW:WAV 1.31UM");
	cr_assert_float_eq(I.wav[1], 1310e-9, 1e-15);
	sim_run(E, "POW:WAV 1310");
	expect_error(-222, "Data out of range");
	sim_run(E, "POW:WAV 1310DBM");
	expect_error(-131, "Invalid suffix");
	sim_run(E, "POW:WAV 1310XYZ");
	expect_error(-131, "Invalid suffix;XYZ");
	sim_run(E, "POW:WAV 1310ABCDEFGHIJKLMN");
	expect_error(-134, NULL);
	sim_run(E, "POW:WAV MIN");
	cr_assert_float_eq(I.wav[1], 1250e-9, 1e-15);
	sim_run(E, "POW:WAV maximum");
	cr_assert_float_eq(I.wav[1], 1650e-9, 1e-15);
	sim_run(E, "POW:WAV DEF");
	cr_assert_float_eq(I.wav[1], 1550e-9, 1e-15);
	cr_assert_str_eq(sim_run(E, "POW:WAV? MAX"), "+1.65000000E-06");
	sim_run(E, "POW:WAV ON");
	expect_error(-104, "Data type error");
	sim_run(E, "POW:WAV");
	expect_error(-109, "Missing parameter");
	sim_run(E, "POW:WAV 1310NM,5");
	expect_error(-108, "Parameter not allowed");
	expect_no_error();
}

Test(scpi_engine, booleans_and_choices)
{
	const char *on[] = {"OUTP ON", "OUTP 1", "OUTP on", "OUTP 2", "OUTP 0.7"};
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		I.state = false;
		sim_run(E, on[i]);
		cr_assert(I.state, "%s", on[i]);
	}
	sim_run(E, "OUTP OFF");
	cr_assert(!I.state);
	sim_run(E, "OUTP MAYBE");
	expect_error(-224, "Illegal parameter value");
	sim_run(E, "OUTP 'ON'");
	expect_error(-104, NULL);
	sim_run(E, "POW:UNIT WATT");
	cr_assert_eq(I.unit, 1);
	sim_run(E, "POW:UNIT dbm");
	cr_assert_eq(I.unit, 0);
	sim_run(E, "POW:UNIT W");
	cr_assert_eq(I.unit, 1);
	sim_run(E, "POW:UNIT WAT");
	expect_error(-224, NULL);
	sim_run(E, "POW:UNIT 0");
	cr_assert_eq(I.unit, 0);
	sim_run(E, "POW:UNIT 2");
	expect_error(-222, NULL);
	expect_no_error();
}

Test(scpi_engine, strings)
{
	sim_run(E, "DISP:LAB \"he said \"\"hi\"\"\"");
	cr_assert_str_eq(I.label, "he said \"hi\"");
	cr_assert_str_eq(sim_run(E, "DISP:LAB?"), "\"he said \"\"hi\"\"\"");
	sim_run(E, "DISP:LAB 'a;b,c'");
	cr_assert_str_eq(I.label, "a;b,c");
	sim_run(E, "DISP:LAB 'it''s'");
	cr_assert_str_eq(I.label, "it's");
	sim_run(E, "DISP:LAB 'open");
	expect_error(-151, "Invalid string data");
	sim_run(E, "DISP:LAB 42");
	expect_error(-104, NULL);
	expect_no_error();
}

Test(scpi_engine, blocks_in_and_out)
{
	static const char msg[] = "TRAC:DATA #15a\n;b\0";
	uint8_t *r = NULL;
	size_t len = 0, cap = 0;
	lc_sim_scpi_execute(E, msg, sizeof(msg) - 1, &r, &len, &cap, NULL); /* data: 'a' '\n' ';' 'b' NUL */
	free(r);
	expect_no_error();
	cr_assert_eq(I.data_len, 5);
	cr_assert(memcmp(I.data, "a\n;b", 4) == 0);
	sim_run(E, "TRAC:DATA?");
	cr_assert_eq(sim_last_len, 8);
	cr_assert(memcmp(sim_last_reply, "#15a\n;b", 7) == 0);
	sim_run(E, "TRAC:DATA #0xyz");
	cr_assert_eq(I.data_len, 3, "indefinite block runs to the end of the message");
	sim_run(E, "TRAC:DATA #15ab");
	expect_error(-161, "Invalid block data;block announces 5 bytes, 2 present");
	sim_run(E, "TRAC:DATA #3x2");
	expect_error(-161, NULL);
	sim_run(E, "TRAC:DATA #");
	expect_error(-161, NULL);
	sim_run(E, "TRAC:DATA #9");
	expect_error(-161, NULL);
	sim_run(E, "TRAC:DATA?;*IDN?");
	cr_assert_str_eq(sim_last_reply, "#13xyz;ACME,SIM1,42,1.0");
	expect_no_error();
}

Test(scpi_engine, nondecimal_numbers)
{
	sim_run(E, "PROB:CHAN #HFF");
	cr_assert_eq(I.last.kind, LC_SIM_P_NUMBER);
	cr_assert_float_eq(I.last.number, 255, 0);
	cr_assert(I.last.integer);
	sim_run(E, "PROB:CHAN #q17");
	cr_assert_float_eq(I.last.number, 15, 0);
	sim_run(E, "PROB:CHAN #B101");
	cr_assert_float_eq(I.last.number, 5, 0);
	sim_run(E, "PROB:CHAN #B102");
	expect_error(-121, NULL);
	sim_run(E, "PROB:CHAN #H");
	expect_error(-121, NULL);
	sim_run(E, "PROB:CHAN #Hffffffffffffffffff");
	expect_error(-124, NULL);
	sim_run(E, "PROB:CHAN #X1");
	expect_error(-161, NULL);
	expect_no_error();
}

Test(scpi_engine, parameter_kinds)
{
	cr_assert_str_eq(sim_run(E, "PROB:CHAN? 1, -2.5E+3 , 'x', ABC, (@1,3:5), #12ab, MIN, 7 MS"), "8");
	cr_assert_eq(I.last.kind, LC_SIM_P_NUMBER);
	cr_assert_float_eq(I.last.number, 1, 0);
	sim_run(E, "PROB:CHAN (@1,2)");
	cr_assert_eq(I.last.kind, LC_SIM_P_EXPR);
	cr_assert_str_eq(I.last_text, "(@1,2)");
	sim_run(E, "PROB:CHAN -10DBM");
	cr_assert_float_eq(I.last.number, -10, 0);
	cr_assert_str_eq(I.last.unit, "DBM");
	sim_run(E, "PROB:CHAN 100MS");
	cr_assert_float_eq(I.last.number, 0.1, 1e-12);
	cr_assert_str_eq(I.last.unit, "S");
	sim_run(E, "PROB:CHAN 10GHZ");
	cr_assert_float_eq(I.last.number, 1e10, 1);
	cr_assert_str_eq(I.last.unit, "HZ");
	sim_run(E, "PROB:CHAN 2UW");
	cr_assert_float_eq(I.last.number, 2e-6, 1e-15);
	cr_assert_str_eq(I.last.unit, "W");
	sim_run(E, "PROB:CHAN 3MW");
	cr_assert_float_eq(I.last.number, 3e-3, 1e-15);
	sim_run(E, "PROB:CHAN .5");
	cr_assert_float_eq(I.last.number, 0.5, 0);
	cr_assert(!I.last.integer);
	sim_run(E, "PROB:CHAN 1e");
	cr_assert_eq(I.nparams, 1);
	expect_error(-131, NULL); /* "1" then suffix "e" */
	sim_run(E, "PROB:CHAN DEFAULT");
	cr_assert_eq(I.last.kind, LC_SIM_P_DEF);
	sim_run(E, "PROB:CHAN NaN");
	cr_assert_eq(I.last.kind, LC_SIM_P_CHARS);
	expect_no_error();
}

Test(scpi_engine, malformed_parameters)
{
	struct {
		const char *msg;
		int code;
	} bad[] = {
		{"PROB:CHAN 1,,2", -102},   {"PROB:CHAN 1,", -102},     {"PROB:CHAN ,1", -102},
		{"PROB:CHAN 1 2", -103},    {"PROB:CHAN 'a' 'b'", -103}, {"PROB:CHAN +", -121},
		{"PROB:CHAN 1E999", -123},  {"PROB:CHAN (@1", -171},    {"PROB:CHAN ABCDEFGHIJKLM", -144},
		{"PROB:CHAN \x80", -101},   {"PROB:CHAN !", -102},
		{"PROB:CHAN 1.000000000000000000000000000000000000000000000000000000000000000000000000000001", -124},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sim_run(E, bad[i].msg);
		char text[200];
		int code = sim_err(E, text, sizeof(text));
		cr_assert_eq(code, bad[i].code, "%s: expected %d, got %d (%s)", bad[i].msg, bad[i].code, code, text);
	}
	char many[512] = "PROB:CHAN 0";
	for (int i = 0; i < LC_SIM_PARAMS_MAX; i++)
		strcat(many, ",1");
	sim_run(E, many);
	expect_error(-108, NULL);
	expect_no_error();
}

Test(scpi_engine, malformed_headers)
{
	struct {
		const char *msg;
		int code;
	} bad[] = {
		{"BOGUS", -113},
		{"*IDN??", -102},
		{"*IDN?x", -102},
		{"SENS::POW:WAV 1", -102},
		{"SENS:POW:WAV: 1", -102},
		{":", -102},
		{"?", -102},
		{";*IDN?", -102},
		{"1234", -102},
		{"\xff\xfe", -101},
		{"*", -102},
		{"SENS:POW:WAVELENGTHSXYZ 1", -112},
		{"A:B:C:D:E:F:G:H:I:J:K:L:M", -113},
		{"SENS:POW:WAV,1", -102},
		{"SENS\x01:POW", -113}, /* control bytes are whitespace (IEEE 488.2 7.4.1.2) */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sim_run(E, bad[i].msg);
		char text[200];
		int code = sim_err(E, text, sizeof(text));
		cr_assert_eq(code, bad[i].code, "'%s': expected %d, got %d (%s)", bad[i].msg, bad[i].code, code, text);
		cr_assert_str_eq(sim_last_reply, "", "'%s'", bad[i].msg);
	}
	cr_assert_str_eq(sim_run(E, "*IDN?;;*IDN?"), "ACME,SIM1,42,1.0", "the unit before the error answers");
	expect_error(-102, "Syntax error;empty message unit");
	expect_no_error();
}

Test(scpi_engine, empty_and_whitespace_messages)
{
	cr_assert_str_eq(sim_run(E, ""), "");
	cr_assert_str_eq(sim_run(E, "   \t"), "");
	cr_assert_str_eq(sim_run(E, "  *IDN?  \r"), "ACME,SIM1,42,1.0");
	expect_no_error();
	cr_assert_eq(lc_sim_scpi_messages(E), 3);
}

Test(scpi_engine, override_builtin)
{
	lc_sim_scpi_add(E, "*IDN", NULL, label_q, &I, NULL);
	strcpy(I.label, "X");
	cr_assert_str_eq(sim_run(E, "*IDN?"), "\"X\"");
}

Test(scpi_engine, registration_errors)
{
	lc_diag d;
	cr_assert_eq(lc_sim_scpi_add(E, "[SENSe#]:POWer:WAVelength", wav_set, wav_q, &I, &d), LC_ERR_BUSY);
	const char *bad[] = {"", "sens:pow", "SENS:POW?", "[SENS", "SENS]", "[[A]]", "[OPT]", "A::B", "A:B#C",
			     "#A", "A##", "SENSeX", "ABCDEFGHIJKLMN", "A:B:C:D:E:F:G:H:I:J:K:L:M", "*", "*I1", "A$B",
			     "A#:B#:C#:D#:E#:F#:G#:H#:I#"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = lc_sim_scpi_add(E, bad[i], wav_set, NULL, &I, &d);
		cr_assert(r == LC_ERR_ARG || r == LC_ERR_OVERFLOW, "'%s' accepted (%d)", bad[i], r);
		cr_assert(d.text[0], "'%s': no detail", bad[i]);
	}
	cr_assert_eq(lc_sim_scpi_add(E, "X", NULL, NULL, &I, &d), LC_ERR_ARG);
	cr_assert_eq(lc_sim_scpi_add(NULL, "X", wav_set, NULL, &I, &d), LC_ERR_ARG);
	lc_sim_scpi *e2;
	lc_sim_scpi_config cfg = {0};
	cr_assert_eq(lc_sim_scpi_create(&cfg, &e2, &d), LC_ERR_ARG);
	cfg.idn = "A,B,C,D";
	cfg.error_queue_size = -1;
	cr_assert_eq(lc_sim_scpi_create(&cfg, &e2, &d), LC_ERR_ARG);
}

Test(scpi_engine, output_helpers)
{
	/* exercised through a probe instrument of its own */
	cr_assert_str_eq(sim_run(E, "SYST:VERS?"), "1999.0");
}

static int fmt_q(lc_sim_call *c, void *u)
{
	lc_sim_out_nr3(c, NAN);
	lc_sim_out_sep(c);
	lc_sim_out_nr3(c, INFINITY);
	lc_sim_out_sep(c);
	lc_sim_out_nr3(c, -INFINITY);
	lc_sim_out_sep(c);
	lc_sim_out_int(c, -42);
	lc_sim_out_sep(c);
	lc_sim_out_string(c, "a\"b");
	lc_sim_out_sep(c);
	char big[300];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lc_sim_out_printf(c, "%s", big);
	return 0;
}

Test(scpi_engine, formats)
{
	lc_sim_scpi_add(E, "FMT", NULL, fmt_q, NULL, NULL);
	const char *r = sim_run(E, "FMT?");
	cr_assert(strncmp(r, "9.91E+37,9.9E+37,-9.9E+37,-42,\"a\"\"b\",xxx", 40) == 0, "%s", r);
	cr_assert_eq(strlen(r), 37 + 299);
}

static int empty_q(lc_sim_call *c, void *u)
{
	return 0;
}

Test(scpi_engine, query_without_output_adds_no_separator)
{
	lc_sim_scpi_add(E, "EMPTy", NULL, empty_q, NULL, NULL);
	cr_assert_str_eq(sim_run(E, "*IDN?;EMPT?;OUTP?"), "ACME,SIM1,42,1.0;0");
}
