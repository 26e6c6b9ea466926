/* The engine's IEEE 488.2 status registers, SCPI-99 error queue, overlapped operations, faults and clock. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "sim/scpi/scpi_engine.h"
#include "sim/sim_clock.h"
#include "tests/sim/sim_test_util.h"

static lc_sim_scpi *E;
static lc_sim_clock *C;
static int resets, self_test_result;

static void reset(void *u)
{
	resets++;
}

static int self_test(void *u)
{
	return self_test_result;
}

static int meas(lc_sim_call *c, void *u)
{
	lc_sim_spend(c, 2.0);
	lc_sim_out_int(c, 7);
	return 0;
}

static int init(lc_sim_call *c, void *u)
{
	lc_sim_pending(c, 5.0);
	return 0;
}

static int blk(lc_sim_call *c, void *u)
{
	lc_sim_out_block(c, "0123456789", 10);
	return 0;
}

static int push(lc_sim_call *c, void *u)
{
	long long code;
	int r = lc_sim_arg_int(c, 0, -999, 999, &code);
	if (r)
		return r;
	return (int)code;
}

static void setup(void)
{
	resets = 0;
	self_test_result = 0;
	/* scale 0: instrument time passes without sleeping, so these tests never wait */
	cr_assert_eq(lc_sim_clock_create(0, &C), 0);
	lc_sim_scpi_config cfg = {.idn = "ACME,SIM2,1,2", .error_queue_size = 4, .clock = C, .reset = reset,
				  .self_test = self_test};
	cr_assert_eq(lc_sim_scpi_create(&cfg, &E, NULL), 0);
	lc_sim_scpi_add(E, "MEASure", NULL, meas, NULL, NULL);
	lc_sim_scpi_add(E, "INITiate", init, NULL, NULL, NULL);
	lc_sim_scpi_add(E, "BLOCk", NULL, blk, NULL, NULL);
	lc_sim_scpi_add(E, "PUSH", push, NULL, NULL, NULL);
}

static void teardown(void)
{
	lc_sim_scpi_destroy(E);
	lc_sim_clock_destroy(C);
	free(sim_last_reply);
	sim_last_reply = NULL;
}

TestSuite(scpi_status, .init = setup, .fini = teardown);

Test(scpi_status, error_queue_fifo_and_text)
{
	cr_assert_str_eq(sim_run(E, "SYST:ERR?"), "0,\"No error\"");
	sim_run(E, "BOGUS");
	sim_run(E, "PUSH -222");
	cr_assert_eq(lc_sim_error_count(E), 2);
	cr_assert_str_eq(sim_run(E, "SYST:ERR:COUN?"), "2");
	cr_assert_str_eq(sim_run(E, "SYST:ERR?"), "-113,\"Undefined header;BOGUS\"");
	cr_assert_str_eq(sim_run(E, "SYSTEM:ERROR:NEXT?"), "-222,\"Data out of range\"");
	cr_assert_str_eq(sim_run(E, "SYST:ERR?"), "0,\"No error\"");
	sim_run(E, "PUSH 12");
	cr_assert_str_eq(sim_run(E, "SYST:ERR?"), "12,\"Device-specific error\"");
}

Test(scpi_status, queue_overflow_replaces_last)
{
	for (int i = 1; i <= 6; i++) {
		char m[32];
		snprintf(m, sizeof(m), "PUSH -%d", 220 + i);
		sim_run(E, m);
	}
	cr_assert_eq(lc_sim_error_count(E), 4);
	cr_assert_str_eq(sim_run(E, "SYST:ERR:ALL?"),
			 "-221,\"Settings conflict\",-222,\"Data out of range\",-223,\"Too much data\",-350,\"Queue overflow\"");
	cr_assert_str_eq(sim_run(E, "SYST:ERR:ALL?"), "0,\"No error\"");
}

Test(scpi_status, esr_bits_from_error_classes)
{
	sim_run(E, "BOGUS");       /* -113: CME bit 5 */
	sim_run(E, "PUSH -200");   /* EXE bit 4 */
	sim_run(E, "PUSH -310");   /* DDE bit 3 */
	sim_run(E, "PUSH -410");   /* QYE bit 2 */
	cr_assert_str_eq(sim_run(E, "*ESR?"), "60");
	cr_assert_str_eq(sim_run(E, "*ESR?"), "0", "reading ESR clears it");
	sim_run(E, "PUSH 5");
	cr_assert_str_eq(sim_run(E, "*ESR?"), "8", "device-specific errors set DDE");
}

Test(scpi_status, stb_eav_esb_mss)
{
	cr_assert_str_eq(sim_run(E, "*STB?"), "0");
	sim_run(E, "BOGUS");
	cr_assert_str_eq(sim_run(E, "*STB?"), "4", "EAV: error queue not empty");
	sim_run(E, "*ESE 32");
	cr_assert_str_eq(sim_run(E, "*ESE?"), "32");
	cr_assert_str_eq(sim_run(E, "*STB?"), "36", "ESB: CME enabled in ESE");
	sim_run(E, "*SRE 36");
	cr_assert_str_eq(sim_run(E, "*SRE?"), "36");
	cr_assert_str_eq(sim_run(E, "*STB?"), "100", "MSS");
	cr_assert_eq(lc_sim_scpi_stb(E, true), 100 | 16, "MAV from the endpoint");
	cr_assert_str_eq(sim_run(E, "*IDN?;*STB?"), "ACME,SIM2,1,2;116", "MAV: output of this message waits");
	sim_run(E, "*CLS");
	cr_assert_str_eq(sim_run(E, "*STB?"), "0");
	cr_assert_eq(lc_sim_error_count(E), 0);
	sim_run(E, "*SRE 255");
	cr_assert_str_eq(sim_run(E, "*SRE?"), "191", "bit 6 cannot be enabled");
}

Test(scpi_status, register_arguments_checked)
{
	sim_run(E, "*ESE 256");
	cr_assert_eq(lc_sim_pop_error(E, NULL, 0), -222);
	sim_run(E, "*ESE");
	cr_assert_eq(lc_sim_pop_error(E, NULL, 0), -109);
	sim_run(E, "*ESE ON");
	cr_assert_eq(lc_sim_pop_error(E, NULL, 0), -104);
	sim_run(E, "*ESE 1,2");
	cr_assert_eq(lc_sim_pop_error(E, NULL, 0), -108);
	sim_run(E, "*CLS 1");
	cr_assert_eq(lc_sim_pop_error(E, NULL, 0), -108);
	sim_run(E, "*ESE 4.6");
	cr_assert_str_eq(sim_run(E, "*ESE?"), "5", "decimals are rounded for integer settings");
	sim_run(E, "*ESE MAX");
	cr_assert_str_eq(sim_run(E, "*ESE?"), "255");
	sim_run(E, "*ESE 3MS");
	cr_assert_eq(lc_sim_pop_error(E, NULL, 0), -138);
}

Test(scpi_status, rst_keeps_queue_and_calls_reset)
{
	sim_run(E, "BOGUS");
	sim_run(E, "*RST");
	cr_assert_eq(resets, 1);
	cr_assert_eq(lc_sim_error_count(E), 1, "*RST does not clear the error queue (SCPI-99)");
}

Test(scpi_status, tst_and_opc)
{
	cr_assert_str_eq(sim_run(E, "*TST?"), "0");
	self_test_result = 3;
	cr_assert_str_eq(sim_run(E, "*TST?"), "3");
	cr_assert_str_eq(sim_run(E, "*OPC?"), "1");
	sim_run(E, "*OPC");
	cr_assert_str_eq(sim_run(E, "*ESR?"), "1", "*OPC with nothing pending sets OPC at once");
	cr_assert_str_eq(sim_run(E, "*WAI;*IDN?"), "ACME,SIM2,1,2");
}

Test(scpi_status, instrument_time_accounted)
{
	cr_assert_str_eq(sim_run(E, "MEAS?;MEAS?"), "7;7");
	cr_assert_float_eq(lc_sim_scpi_sim_seconds(E), 4.0, 1e-9);
	sim_run(E, "INIT;*OPC?");
	cr_assert_float_eq(lc_sim_scpi_sim_seconds(E), 9.0, 1e-9);
	cr_assert_str_eq(sim_last_reply, "1");
	lc_sim_time_acc t;
	lc_sim_clock_totals(C, &t);
	cr_assert_float_eq(t.sim_s, 4.0, 1e-9, "the clock totals the sleeps");
	lc_sim_scpi_time_spent(E, &t);
	cr_assert_float_eq(t.sim_s, 9.0, 1e-9, "the instrument's own accumulator");
	cr_assert(t.wall_s >= 0);
}

/* A client waiting in *OPC? for an overlapped operation is blocked by the instrument as much as by a
 * blocking command: the clock's totals (what lc_sim_runner_totals reports as blocking) count that wait. */
Test(scpi_status, opc_wait_is_blocking_time)
{
	lc_sim_clock_set_scale(C, 1000); /* INIT's 5 s of instrument time: 5 ms of wall */
	lc_sim_time_acc t;
	sim_run(E, "INIT");
	lc_sim_clock_totals(C, &t);
	cr_assert_eq(t.wall_s, 0, "nothing blocked yet");
	cr_assert_str_eq(sim_run(E, "*OPC?"), "1");
	lc_sim_clock_totals(C, &t);
	cr_assert(t.wall_s > 0, "the *OPC? wait is counted: %g s", t.wall_s);
	lc_sim_clock_add(C, 2.0, 0.5, NULL);
	lc_sim_time_acc u;
	lc_sim_clock_totals(C, &u);
	cr_assert_float_eq(u.sim_s - t.sim_s, 2.0, 1e-12);
	cr_assert_float_eq(u.wall_s - t.wall_s, 0.5, 1e-12);
	lc_sim_clock_add(C, -1, NAN, NULL);
	lc_sim_clock_totals(C, &t);
	cr_assert(t.sim_s == u.sim_s && t.wall_s == u.wall_s, "negative and NaN add nothing");
}

Test(scpi_status, clock_scale)
{
	lc_sim_clock *c;
	cr_assert_eq(lc_sim_clock_create(-1, &c), LC_ERR_ARG);
	cr_assert_eq(lc_sim_clock_create(NAN, &c), LC_ERR_ARG);
	cr_assert_eq(lc_sim_clock_create(INFINITY, &c), LC_ERR_ARG);
	cr_assert_eq(lc_sim_clock_create(1000, &c), 0);
	cr_assert_eq(lc_sim_clock_wall_us(c, 2.0), 2000);
	cr_assert_eq(lc_sim_clock_wall_us(c, -1.0), 0);
	cr_assert_eq(lc_sim_clock_wall_us(c, NAN), 0);
	cr_assert_eq(lc_sim_clock_wall_us(NULL, 0.5), 500000, "NULL clock is real time");
	cr_assert_eq(lc_sim_clock_set_scale(c, 4), 0);
	cr_assert_float_eq(lc_sim_clock_scale(c), 4, 0);
	cr_assert_eq(lc_sim_clock_set_scale(c, -4), LC_ERR_ARG);
	lc_sim_time_acc acc = {0};
	lc_sim_clock_sleep(c, 0.004, &acc); /* 1 ms of wall time */
	cr_assert_float_eq(acc.sim_s, 0.004, 1e-12);
	cr_assert(acc.wall_s > 0);
	lc_sim_clock_destroy(c);
}

static void faults(const lc_sim_faults *f)
{
	lc_sim_scpi_set_faults(E, f);
}

Test(scpi_status, fault_stop_answering)
{
	lc_sim_faults f = {.stop_answering_after = 2};
	faults(&f);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "ACME,SIM2,1,2");
	cr_assert_eq(sim_last_action, LC_SIM_SEND);
	sim_run(E, "*IDN?");
	cr_assert_eq(sim_last_action, LC_SIM_SEND);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "");
	cr_assert_eq(sim_last_action, LC_SIM_SILENT);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "");
	cr_assert_eq(sim_last_action, LC_SIM_SILENT);
	faults(NULL);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "ACME,SIM2,1,2");
}

Test(scpi_status, fault_drop_after)
{
	lc_sim_faults f = {.drop_after = 2};
	faults(&f);
	sim_run(E, "*IDN?");
	cr_assert_eq(sim_last_action, LC_SIM_SEND);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "ACME,SIM2,1,2");
	cr_assert_eq(sim_last_action, LC_SIM_CLOSE);
	sim_run(E, "*IDN?");
	cr_assert_eq(sim_last_action, LC_SIM_SEND);
}

Test(scpi_status, fault_garbage)
{
	lc_sim_faults f = {.garbage_at = 2};
	faults(&f);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "ACME,SIM2,1,2");
	sim_run(E, "*IDN?");
	cr_assert_eq(sim_last_len, 6 + 13);
	cr_assert(memcmp(sim_last_reply, "\xff\xfe\x07#?\x01" "ACME", 10) == 0);
	strcpy(f.garbage, "XY");
	f.garbage_at = 1;
	faults(&f);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "XYACME,SIM2,1,2");
}

Test(scpi_status, fault_truncated_block)
{
	lc_sim_faults f = {.truncate_block_at = 2, .truncate_block_keep = 4};
	faults(&f);
	cr_assert_str_eq(sim_run(E, "BLOC?"), "#2100123456789");
	cr_assert_str_eq(sim_run(E, "*IDN?"), "ACME,SIM2,1,2", "no block in this reply: wait for one");
	cr_assert_eq(sim_last_len, 13);
	cr_assert_eq(sim_last_action, LC_SIM_SEND);
	cr_assert_str_eq(sim_run(E, "BLOC?"), "#2100123");
	cr_assert_eq(sim_last_action, LC_SIM_CUT);
	cr_assert_str_eq(sim_run(E, "BLOC?"), "#2100123456789", "once");
	f.truncate_block_at = 1;
	f.truncate_block_keep = 100;
	faults(&f);
	cr_assert_str_eq(sim_run(E, "BLOC?"), "#210012345678", "keep >= length still cuts one byte");
}

Test(scpi_status, fault_errors_idn_latency)
{
	lc_sim_faults f = {.push_errors = {-240, -310}, .n_push_errors = 2, .latency_ms = 25};
	strcpy(f.idn, "OTHER,MODEL,9,9");
	faults(&f);
	cr_assert_eq(lc_sim_error_count(E), 2);
	cr_assert_str_eq(sim_run(E, "*IDN?"), "OTHER,MODEL,9,9");
	uint8_t *r = NULL;
	size_t len = 0, cap = 0;
	int delay = -1;
	lc_sim_scpi_execute(E, "*IDN?", 5, &r, &len, &cap, &delay);
	free(r);
	cr_assert_eq(delay, 25);
	cr_assert_str_eq(sim_run(E, "SYST:ERR?;ERR?"), "-240,\"Hardware error\";-310,\"System error\"");
	f.push_errors_at = 2;
	faults(&f);
	sim_run(E, "*IDN?");
	cr_assert_eq(lc_sim_error_count(E), 0);
	sim_run(E, "*IDN?");
	cr_assert_eq(lc_sim_error_count(E), 2, "pushed at message 2");
}

Test(scpi_status, execute_arguments)
{
	uint8_t *r = NULL;
	size_t len = 0, cap = 0;
	cr_assert_eq(lc_sim_scpi_execute(NULL, "x", 1, &r, &len, &cap, NULL), LC_ERR_ARG);
	cr_assert_eq(lc_sim_scpi_execute(E, NULL, 1, &r, &len, &cap, NULL), LC_ERR_ARG);
	cr_assert_eq(lc_sim_scpi_execute(E, "x", 1, NULL, &len, &cap, NULL), LC_ERR_ARG);
	cr_assert_str_eq(lc_sim_error_text(-350), "Queue overflow");
	cr_assert_str_eq(lc_sim_error_text(1234), "Device-specific error");
}

Test(scpi_status, overlapped_operation_and_opc)
{
	/* 5 s of instrument time at scale 1000: *OPC? waits for it (5 ms of wall time), then OPC is set */
	cr_assert_eq(lc_sim_clock_set_scale(C, 1000), 0);
	sim_run(E, "INIT;*OPC");
	cr_assert_str_eq(sim_run(E, "*OPC?"), "1");
	cr_assert_str_eq(sim_run(E, "*ESR?"), "1", "the armed *OPC completed");
	sim_run(E, "INIT;*WAI;*OPC");
	cr_assert_str_eq(sim_run(E, "*ESR?"), "1", "*WAI waited, so *OPC finds nothing pending");
	sim_run(E, "INIT;*OPC;*CLS");
	cr_assert_str_eq(sim_run(E, "*OPC?;*ESR?"), "1;0", "*CLS disarms *OPC");
	sim_run(E, "INIT;*OPC;*RST");
	cr_assert_str_eq(sim_run(E, "*ESR?"), "0", "*RST cancels the operation and *OPC");
	cr_assert_eq(resets, 1);
	lc_sim_faults f = {.opc_delay_ms = 1};
	lc_sim_scpi_set_faults(E, &f);
	cr_assert_str_eq(sim_run(E, "*OPC?"), "1", "a slow *OPC? still answers");
	cr_assert_float_eq(lc_sim_scpi_sim_seconds(E), 20.0, 1e-9);
}
