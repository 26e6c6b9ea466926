/* The sample result of bench_reports_sample.h. The numbers are plausible for a 400G-SR8 breakout (IL limit
 * 1.8 dB, RL >= 20 dB, BER < 2.4e-4 pre-FEC) but they are test data, not measurements. */
#include "bench/bench_reports_sample.h"

#include <math.h>
#include <stdio.h>

static double rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (double)((*s >> 8) & 0xffff) / 65536.0;
}

lc_result *lc_bench_sample_result(unsigned seed, int fail_lane)
{
	lc_result *r = lc_result_new();
	if (!r)
		return NULL;
	int64_t t0 = 1795000000000LL + (int64_t)(seed % 1000) * 60000; /* a fixed instant in 2026 */
	lc_result_set_station(r, "line-3 station B", "STB-0042", NULL);
	lc_result_set_operator(r, "j.doe", NULL);
	lc_result_set_procedure(r, "breakout_400g_sr8", "1.2", NULL);
	char serial[32];
	snprintf(serial, sizeof(serial), "BO8-%06u", seed % 1000000);
	lc_result_dut dut = {.cable_type = "400g-sr8-breakout-8x50g", .serial = serial, .slot = (int)(seed % 4),
			     .channel_digest = "3f1a5f0c9d1e7b2a4c6d8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"};
	lc_result_set_dut(r, &dut, NULL);
	lc_result_start(r, t0, NULL);
	lc_result_instrument pm = {"power_meter", "TCPIP::10.0.0.21::5025::SOCKET", "Keysight", "N7744C", "MY5900123",
				   "2.1.0", "2027-03-31", NULL, NULL, NULL};
	lc_result_instrument bert = {"bert", "TCPIP::10.0.0.22::inst0::INSTR", "Anritsu", "MP1900A", "6201234567",
				     "9.05", "2026-12-15", NULL, NULL, NULL};
	lc_result_add_instrument(r, &pm, NULL);
	lc_result_add_instrument(r, &bert, NULL);
	const char *cords[] = {"TRC-MPO16-A17", "TRC-LC-B03"};
	lc_result_value vals[] = {{"p_ref", -2.013, "dBm"}, {"p_ref_check", -2.019, "dBm"}};
	lc_result_reference ref = {"1-jumper", t0 - 3600000, 850, cords, 2, vals, 2};
	lc_result_add_reference(r, &ref, NULL);

	unsigned s = seed * 2654435761u + 1;
	int il = lc_result_add_step(r, "insertion_loss", t0 + 1000, NULL);
	for (int lane = 1; lane <= 8; lane++) {
		double v = 0.35 + 0.5 * rnd(&s) + (lane == fail_lane ? 1.6 : 0);
		lc_result_measurement m = {"insertion_loss", lane, v, "dB", 850, {NAN, 1.8, LC_LIMIT_LE}, NAN,
					   v <= 1.8 ? LC_VERDICT_PASS : LC_VERDICT_FAIL};
		lc_result_add_measurement(r, il, &m, NULL);
	}
	lc_result_end_step(r, il, LC_VERDICT_NONE, t0 + 21000, NULL, NULL);
	int rl = lc_result_add_step(r, "return_loss", t0 + 21000, NULL);
	for (int lane = 1; lane <= 8; lane++) {
		double v = 32 + 10 * rnd(&s);
		lc_result_measurement m = {"return_loss", lane, v, "dB", 850, {20, NAN, LC_LIMIT_GE}, NAN, LC_VERDICT_PASS};
		lc_result_add_measurement(r, rl, &m, NULL);
	}
	lc_result_end_step(r, rl, LC_VERDICT_NONE, t0 + 41000, NULL, NULL);
	int ber = lc_result_add_step(r, "ber", t0 + 41000, NULL);
	for (int lane = 1; lane <= 8; lane++) {
		double bits = 5.3125e10 * 60, errors = floor(1e3 * rnd(&s));
		double v = errors / bits, upper = (errors + 2.0 * sqrt(errors + 1) + 3) / bits;
		lc_result_measurement m = {"ber", lane, v, "1", 850, {NAN, 2.4e-4, LC_LIMIT_LT}, NAN, LC_VERDICT_PASS};
		int mi = lc_result_add_measurement(r, ber, &m, NULL);
		lc_result_measurement_extra_number(r, mi, "bits", bits, NULL);
		lc_result_measurement_extra_number(r, mi, "errors", errors, NULL);
		lc_result_measurement_extra_number(r, mi, "ber_upper", upper, NULL);
		lc_result_measurement_extra_number(r, mi, "ber_lower", errors > 2 ? (errors - 2 * sqrt(errors)) / bits : 0, NULL);
		lc_result_measurement_extra_number(r, mi, "confidence", 0.95, NULL);
	}
	lc_result_end_step(r, ber, LC_VERDICT_NONE, t0 + 401000, NULL, NULL);
	int otdr = lc_result_add_step(r, "otdr", t0 + 401000, NULL);
	static double x[1000], y[1000];
	for (int i = 0; i < 1000; i++) {
		x[i] = i * 0.5;
		y[i] = -0.0035 * x[i] - (x[i] > 180 ? 0.3 : 0) - (x[i] > 360 ? 0.25 : 0) + 0.01 * (rnd(&s) - 0.5) +
		       (i == 360 || i == 720 ? 8 : 0);
	}
	lc_result_add_series(r, "OTDR trace lane 1 (1310 nm)", "otdr_trace", 1, "m", "dB", x, y, 1000, NULL);
	double evpos[] = {180, 360};
	for (int e = 0; e < 2; e++) {
		lc_result_measurement m = {"otdr_event_loss", 1, 0.3 - 0.05 * e, "dB", 1310, {NAN, 0.75, LC_LIMIT_LE},
					   NAN, LC_VERDICT_PASS};
		int mi = lc_result_add_measurement(r, otdr, &m, NULL);
		lc_result_measurement_extra_number(r, mi, "position_m", evpos[e], NULL);
		lc_result_measurement_extra_number(r, mi, "reflectance_db", -55 + 3 * e, NULL);
		lc_result_measurement_extra_string(r, mi, "event", e ? "splice" : "connector", NULL);
	}
	lc_result_end_step(r, otdr, LC_VERDICT_NONE, t0 + 431000, NULL, NULL);
	unsigned char blob[512];
	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (unsigned char)(rnd(&s) * 256);
	lc_result_add_raw_data(r, "lane1-1310.sor", "sor", blob, sizeof(blob), NULL);
	lc_result_add_raw_data(r, "ber.log", "ber_log", "lane 1: 0 errors\n", 17, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, t0 + 432000, NULL, NULL);
	return r;
}
