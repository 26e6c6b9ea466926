/* Return loss end to end: the DR4 procedure's return-loss step on the simulated DR4 bench (the 8164B's RL
 * module on input 2 of a GP600 matrix whose input 1 is the source) measures every connector the world
 * models — never the RL meter's 70 dB floor through a port that leads nowhere. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procedures/optical_paths.h"
#include "tests/procedures/e2e_harness.h"

static lc_e2e e;

static const char *port_of(const lc_result *r, size_t i)
{
	for (size_t k = 0; k < lc_result_extra_count(r, i); k++) {
		const lc_result_extra *x = lc_result_extra_at(r, i, k);
		if (x->is_string && strcmp(x->key, "port") == 0)
			return x->string;
	}
	return "";
}

/* The RL of each wired connector: A:1..A:4 (end A, MPO APC) then B1..B4:tx (the legs' LC UPC). */
static size_t rl_of(const lc_result *r, double *val, double *margin, enum lc_verdict *v, char (*port)[16])
{
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r) && n < 16; i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "return_loss") != 0)
			continue;
		val[n] = m->value;
		margin[n] = m->margin;
		v[n] = m->verdict;
		snprintf(port[n], sizeof(port[n]), "%s", port_of(r, i));
		n++;
	}
	return n;
}

static lc_result *certify(const char *scenario)
{
	lc_e2e_start(&e, scenario);
	return lc_e2e_run(&e, "breakout-dr4-4x100g", NULL, 1, "E2E-RL");
}

static void done(lc_result *r)
{
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0, "every laser off at the end (the RL module's too)");
	lc_result_free(r);
	lc_e2e_stop(&e);
}

static const char *const ports[] = {"A:1", "A:2", "A:3", "A:4", "B1:tx", "B2:tx", "B3:tx", "B4:tx"};

Test(e2e_rl, dr4_good_measures_every_connector_for_real)
{
	lc_result *r = certify("dr4-breakout-good");
	double val[16], margin[16];
	enum lc_verdict v[16];
	char port[16][16];
	size_t n = rl_of(r, val, margin, v, port);
	cr_assert_eq(n, 8, "every end-A position and every leg's tx has an RL (got %zu)", n);
	for (size_t i = 0; i < n; i++) {
		cr_expect_str_eq(port[i], ports[i]);
		/* the meter's floor is 70 dB: a reading there is an open port, not a connector */
		cr_expect(val[i] < 69.0, "%s: %.2f dB is the meter's floor", port[i], val[i]);
		if (i < 4) /* APC mated to APC at the MPO */
			cr_expect(val[i] > 60.0 && val[i] < 68.0, "%s (APC): %.2f dB", port[i], val[i]);
		else /* UPC at the legs: well above the UPC minimum, well below APC */
			cr_expect(val[i] > 45.0 && val[i] < 60.0, "%s (UPC): %.2f dB", port[i], val[i]);
		cr_expect_eq(v[i], LC_VERDICT_PASS, "%s: %.2f dB, margin %.2f", port[i], val[i], margin[i]);
		cr_expect_gt(margin[i], 0);
	}
	/* IL and the map still pass with the RL module sharing the launch switch */
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0x1FEul, "8 fibers pass IL");
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "difference"), "as expected");
	done(r);
}

Test(e2e_rl, dr4_apc_upc_mate_fails_rl_at_the_mpo_with_its_margin)
{
	lc_result *r = certify("dr4-breakout-apc-upc");
	double val[16], margin[16];
	enum lc_verdict v[16];
	char port[16][16];
	size_t n = rl_of(r, val, margin, v, port);
	cr_assert_eq(n, 8);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	for (size_t i = 0; i < n; i++) {
		if (i < 4) {
			cr_expect_eq(v[i], LC_VERDICT_FAIL, "%s: %.2f dB, margin %.2f", port[i], val[i], margin[i]);
			cr_expect_lt(margin[i], 0, "%s: the margin says by how much", port[i]);
			cr_expect(val[i] < 55.0, "%s: %.2f dB", port[i], val[i]);
		} else {
			cr_expect_eq(v[i], LC_VERDICT_PASS, "%s: %.2f dB, margin %.2f", port[i], val[i], margin[i]);
		}
	}
	done(r);
}

/* The same wiring through a switch with no documented park (an N773x): a station-design error that names
 * the switch, the channel and the DUT port, for every measurement that builds paths from it. */
Test(e2e_rl, a_switch_that_cannot_park_cannot_share_a_channel)
{
	lc_e2e_start(&e, "dr4-breakout-good");
	for (size_t i = 0; i < e.station->n_wires; i++)
		if (strcmp(e.station->wires[i].switch_role, "switch1") == 0)
			snprintf(e.station->wires[i].switch_role, sizeof(e.station->wires[i].switch_role), "switch2");
	lc_wired_path *paths = NULL;
	lc_diag d;
	lc_diag_clear(&d);
	cr_assert_eq(lc_wired_paths(e.channel, e.station, e.set, 1, false, &paths, &d), LC_ERR_UNSUPPORTED);
	free(paths);
	cr_expect(strstr(d.text, "station design") && strstr(d.text, "'switch2'") && strstr(d.text, "channel 1") &&
		  strstr(d.text, "A:1"), "%s", d.text);
	lc_wired_ends ends;
	cr_expect_eq(lc_wired_ends_get(e.station, e.set, 1, &ends, &d), LC_ERR_UNSUPPORTED, "%s", d.text);
	lc_rl_port port;
	cr_expect_eq(lc_wire_rl_port(e.station, &e.station->wires[1], e.set, &port, &d), LC_ERR_UNSUPPORTED, "%s", d.text);
	lc_e2e_stop(&e);
}

/* Port classes decide what a wire is: the source's port 1 is no RL meter, its port 3 no source. */
Test(e2e_rl, wires_are_what_their_instrument_port_is)
{
	lc_e2e_start(&e, "dr4-breakout-good");
	const lc_station_wire *w0 = &e.station->wires[0], *w1 = &e.station->wires[1];
	cr_assert(w0->instrument_port == 1 && w1->instrument_port == 3 && strcmp(w0->dut_port, w1->dut_port) == 0);
	cr_expect_eq(lc_wire_port_class(w0, e.set, LC_CLASS_SOURCE, NULL, NULL), 1);
	cr_expect_eq(lc_wire_port_class(w0, e.set, LC_CLASS_RL_METER, NULL, NULL), 0);
	lc_instrument *inst = NULL;
	int ch = 0;
	cr_expect_eq(lc_wire_port_class(w1, e.set, LC_CLASS_RL_METER, &inst, &ch), 1);
	cr_expect(inst != NULL && ch == 1);
	cr_expect_eq(lc_wire_of_class(e.station, e.set, 1, "A:1", LC_WIRE_TO_DUT, LC_CLASS_RL_METER), w1);
	cr_expect_eq(lc_wire_of_class(e.station, e.set, 1, "A:1", LC_WIRE_TO_DUT, LC_CLASS_SOURCE), w0);
	cr_expect_null(lc_wire_of_class(e.station, e.set, 1, "A:1", LC_WIRE_TO_DUT, LC_CLASS_POWER_METER));
	lc_rl_port port;
	lc_diag d;
	lc_diag_clear(&d);
	cr_expect_eq(lc_wire_rl_port(e.station, w0, e.set, &port, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "source port 1 (to A:1) is not a return-loss meter"), "%s", d.text);
	cr_expect_eq(lc_wire_rl_port(e.station, w1, e.set, &port, &d), 0, "%s", d.text);
	cr_expect(port.sw_input == 2 && port.sw_output == 1 && port.channel == 1);
	/* 16 to_dut wires (8 from the source, 8 from the RL module), 8 fibers forward: IL launches from the source */
	lc_wired_path *paths = NULL;
	int n = lc_wired_paths(e.channel, e.station, e.set, 1, false, &paths, &d);
	cr_expect_eq(n, 8, "%s", d.text);
	for (int i = 0; i < n; i++)
		cr_expect_eq(paths[i].path.launch.sw_input, 1, "%s", paths[i].label);
	free(paths);
	lc_e2e_stop(&e);
}
