/*
 * Our event analysis against the KeyEvents the instruments stored in the sample files, measured the strict
 * way of lc_otdr_compare_sor (the same figures `lanecert sor compare` prints): a stored event from past the
 * front panel to the stored end is matched by one of ours within max(2 m, 2 point spacings); the mean
 * signed offset (ours - stored) of the matched ones; our end within one pulse length of the stored end
 * where the trace shows an end; our events after the end.
 *
 * The floors below are what the analysis reached when written (docs/sor.md lists them per vendor); they
 * are regression floors, not the goal (>= 80 % matched, |offset| <= 1 spacing, every shown end, nothing
 * after the end). A change that makes any of them worse fails; an improvement must raise them here.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "instruments/otdr/otdr_analysis.h"
#include "tests/formats/test_sor_util.h"

static void report(const char *who, const lc_otdr_agreement *t)
{
	cr_log_info("%s: stored %zu found %zu matched %zu (%.1f %%) offset %.2f m / %.2f spacings, ends %zu/%zu, after %zu",
		    who, t->stored, t->found, t->matched, 100 * lc_otdr_agreement_matched(t),
		    lc_otdr_agreement_offset_m(t), lc_otdr_agreement_offset_samples(t), t->ends_within, t->ends_shown,
		    t->after_end);
}

/* vendor, stored, matched floor, ends-within floor, events-after-end ceiling */
static const struct { const char *v; size_t stored, matched, ends, after; } floors[] = {
	{"Viavi", 11, 9, 2, 0}, {"Anritsu", 59, 25, 7, 0}, {"EXFO", 23, 16, 4, 1},
	{"FiberCloud", 6, 5, 0, 1}, {"OptixS", 2, 2, 1, 0}, {"AFL/Noyes", 12, 8, 2, 0}, {"HP/Agilent", 4, 2, 1, 0},
};
#define N_VENDORS (sizeof(floors) / sizeof(floors[0]))

/* One analysis of every sample with KeyEvents, tallied overall and per vendor (one pass: the analysis is
 * the cost of this test, several seconds under ASan). */
static void tally(lc_otdr_agreement *all, lc_otdr_agreement *per_vendor)
{
	memset(all, 0, sizeof(*all));
	memset(per_vendor, 0, N_VENDORS * sizeof(*per_vendor));
	for (size_t i = 0; i < LC_SOR_N_SAMPLES; i++) {
		lc_sor *s = sor_sample(lc_sor_samples[i]);
		if (!s->has_events) {
			lc_sor_free(s);
			continue;
		}
		lc_otdr_analysis *a;
		lc_diag d;
		cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0, "%s: %s", lc_sor_samples[i], d.text);
		lc_otdr_agreement g;
		cr_assert_eq(lc_otdr_compare_sor(s, a, &g), 0);
		/* every analysis starts with the launch and has its events in order, the end last */
		cr_expect_eq(a->events[0].type, LC_OTDR_EVENT_LAUNCH);
		for (size_t k = 1; k < a->n_events; k++) {
			cr_expect_geq(a->events[k].position_m, a->events[k - 1].position_m, "%s", lc_sor_samples[i]);
			cr_expect(a->events[k - 1].type != LC_OTDR_EVENT_END, "%s: an event after our end", lc_sor_samples[i]);
		}
		lc_otdr_agreement_add(all, &g);
		size_t v = 0;
		while (v < N_VENDORS && strcmp(lc_sor_vendor(s), floors[v].v) != 0)
			v++;
		cr_expect(v < N_VENDORS, "%s: vendor %s has no floor", lc_sor_samples[i], lc_sor_vendor(s));
		if (v < N_VENDORS)
			lc_otdr_agreement_add(&per_vendor[v], &g);
		lc_otdr_analysis_free(a);
		lc_sor_free(s);
	}
	report("all", all);
	for (size_t v = 0; v < N_VENDORS; v++)
		report(floors[v].v, &per_vendor[v]);
}

Test(otdr_samples, strict_agreement, .timeout = 120)
{
	lc_otdr_agreement t, pv[N_VENDORS];
	tally(&t, pv);
	cr_expect_eq(t.files, 26);
	/* 120 stored events, less the CMA4500's three at its front panel (0 m, 1071 m into the trace) */
	cr_expect_eq(t.stored, 117);
	cr_expect_geq(t.matched, 63, "matched %zu", t.matched);
	cr_expect_leq(fabs(lc_otdr_agreement_offset_samples(&t)), 1.0, "offset %.2f spacings",
		      lc_otdr_agreement_offset_samples(&t));
	cr_expect_eq(t.ends_shown, 19);
	cr_expect_geq(t.ends_within, 17, "ends %zu", t.ends_within);
	cr_expect_leq(t.after_end, 2, "events after the end %zu", t.after_end);
	/* 108 before the noise-only loss threshold of the files that store 0 and the close steps; the 6 more
	 * events are all at stored events (Viavi 2093, 2884, 5208, 7265, 10381 m; HP 38017 m), two of them
	 * outside the strict tolerance; one fewer when the launch line stopped at a rise (CMA4500 issue15a:
	 * an unmatched -0.06 dB step at 10184 m went), and one fewer when the front panel's dead zone ended on
	 * the fibre's slope (the MT9085's 0.07 dB "splice" at 42 m, on the panel's recovery tail); one more,
	 * matched, with steps seen past a reflection's tail (the OFL280's 0.374 dB 10.9 m past its connector) */
	cr_expect_leq(t.found, 113, "found %zu (false events)", t.found);
	cr_expect_leq(t.found - t.matched, 50, "unmatched events of ours %zu", t.found - t.matched);
	for (size_t i = 0; i < N_VENDORS; i++) {
		cr_expect_eq(pv[i].stored, floors[i].stored, "%s", floors[i].v);
		cr_expect_geq(pv[i].matched, floors[i].matched, "%s: matched %zu", floors[i].v, pv[i].matched);
		cr_expect_geq(pv[i].ends_within, floors[i].ends, "%s: ends %zu", floors[i].v, pv[i].ends_within);
		cr_expect_leq(pv[i].after_end, floors[i].after, "%s: after the end %zu", floors[i].v, pv[i].after_end);
	}
}

Test(otdr_samples, implausible_stored_backscatter_is_not_trusted)
{
	lc_sor *s = sor_sample("otdrs-example3-anritsu-accessmastermt9085.sor");
	cr_expect_float_eq(lc_sor_backscatter_db(s), -60.0, 1e-9);
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	cr_expect_float_eq(a->backscatter_db, -80.0, 1e-9);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
	s = sor_sample("otdrs-example4-exfo-ftb4ftbx730c-mfdgainer-1550nm.sor");
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	cr_expect_float_eq(a->backscatter_db, -81.9, 1e-9);
	/* the gainer at 477.6 m: found with a negative loss close to the stored -0.363 dB */
	bool gainer = false;
	for (size_t k = 0; k < a->n_events; k++)
		if (fabs(a->events[k].position_m - 477.6) < 5 && a->events[k].loss_db < -0.3 && a->events[k].loss_db > -0.45)
			gainer = true;
	cr_expect(gainer);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
}

Test(otdr_samples, gainer_before_a_larger_step_is_its_own_event)
{
	/* Viavi F1_TT07, 30 ns (fits of 31 m): a -0.118 dB gainer at 10380.7 m, 43 m before a 0.573 dB splice
	 * (stored). The splice taken off the trace as a ramp centred on the detector's maximum, 3 m after its
	 * real centre, left a 0.3 dB spike that the gainer's fits took in; bridged, the gainer is found. */
	lc_sor *s = sor_sample("fabry44-F1_TT07_FO_004_1310_OE.sor");
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	bool gainer = false, splice = false;
	for (size_t k = 0; k < a->n_events; k++) {
		const lc_otdr_event *e = &a->events[k];
		if (fabs(e->position_m - 10380.73) <= 2.0 && e->loss_db < -0.08 && e->loss_db > -0.16)
			gainer = true;
		if (fabs(e->position_m - 10423.52) <= 2.0 && e->loss_db > 0.5 && e->loss_db < 0.65)
			splice = true;
	}
	cr_expect(gainer, "no gainer of about -0.118 dB within 2 m of 10380.73 m");
	cr_expect(splice, "no splice of about 0.573 dB within 2 m of 10423.52 m");
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
}

Test(otdr_samples, exfo_no_reflectance_placeholder_is_absent)
{
	lc_sor_event e = {.reflectance = INT32_MIN};
	cr_expect(isnan(lc_sor_event_reflectance_db(&e)));
	e.reflectance = 0;
	cr_expect(isnan(lc_sor_event_reflectance_db(&e)));
	e.reflectance = -45123;
	cr_expect_float_eq(lc_sor_event_reflectance_db(&e), -45.123, 1e-9);
}

Test(otdr_samples, reflective_end_is_the_reflection_not_its_fall)
{
	/* EXFO FTBx-735C, 10 ns: the fibre ends on a reflection whose foot is at 15.0 m (the trace rises from
	 * -52.16 dB there to -48.02 dB at 16.6 m), then falls into the noise from 18.2 m. The instrument stores the
	 * end at 15.31 m; the fall is the reflection's pulse and the receiver's recovery, not the end. */
	lc_sor *s = sor_sample("otdrs-example5-exfo-rtu2ftbx735c-sm7r-ea-hrd.sor");
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	cr_assert(a->end_found);
	const lc_otdr_event *e = &a->events[a->n_events - 1];
	cr_expect_eq(e->type, LC_OTDR_EVENT_END);
	cr_expect(fabs(e->position_m - 15.31) <= 2.0, "end at %.2f m", e->position_m);
	cr_expect(e->position_m > 14.9 && e->position_m < 15.5, "end at %.2f m", e->position_m);
	/* its reflectance is reported, though under the file's -65.5 dB threshold (the instrument: -69.3 dB) */
	cr_expect(e->reflective && isfinite(e->reflectance_db), "end reflectance %.2f", e->reflectance_db);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
}

Test(otdr_samples, end_reflection_under_the_threshold_has_its_reflectance)
{
	/* Anritsu MT1000A, 100 ns: the fibre ends at 7952.2 m on a -60.19 dB reflection (stored), just under the
	 * file's -60 dB reflectance threshold; an end is an event by the end threshold, and its reflectance is
	 * reported whatever its size */
	lc_sor *s = sor_sample("otdrparser-1310_0046.sor");
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	cr_assert(a->end_found);
	const lc_otdr_event *e = &a->events[a->n_events - 1];
	cr_expect_float_eq(e->position_m, 7952.23, 2.1, "end at %.2f m", e->position_m);
	cr_expect_float_eq(e->reflectance_db, -60.19, 1.0, "end reflectance %.2f dB", e->reflectance_db);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
}

Test(otdr_samples, slow_end_fall_is_placed_against_the_fibre_line)
{
	/* Anritsu MT1000A 0002, 100 ns: the fibre ends without a reflection and the receiver spreads the fall
	 * into the noise over 100 m; the trace stays on the fibre line up to 873.8 m (-28.971 dB) and leaves it
	 * at 874.9 m (-28.998 dB). The detector's step lies 892 m in, down the fall, and the line fitted up to a
	 * guard before it took in the fall's first metres and placed the end at 876.9 m; fitted again before the
	 * onset, the end is where the trace leaves the line. (The instrument stores 867.7 m, the start of a dip
	 * of 0.01-0.02 dB that is within the line's noise.) */
	lc_sor *s = sor_sample("otdrparser-1310_0002.sor");
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	cr_assert(a->end_found);
	const lc_otdr_event *e = &a->events[a->n_events - 1];
	cr_expect_eq(e->type, LC_OTDR_EVENT_END);
	cr_expect(e->position_m > 867.0 && e->position_m < 875.0, "end at %.2f m", e->position_m);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
}


Test(otdr_samples, user_offset_is_a_launch_cord)
{
	/* EXFO FTBx-730C: the file's zero is the end of a 151.6 m launch cord (its user offset); the instrument
	 * stores the connector there (0.203 dB, -49.25 dB). The analysis starts at the front panel, 151.6 m
	 * before the zero, reports that connector as the link's first (the launch cord's far end) and nothing
	 * inside the cord, in the file's distances. */
	lc_sor *s = sor_sample("otdrs-example4-exfo-ftb4ftbx730c-mfdgainer-1310nm.sor");
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	cr_assert_geq(a->n_events, 3);
	cr_expect_eq(a->events[0].type, LC_OTDR_EVENT_LAUNCH);
	cr_expect_float_eq(a->events[0].position_m, -151.60, 0.05, "front panel at %.2f m", a->events[0].position_m);
	cr_assert_eq(a->launch_event, 1);
	const lc_otdr_event *e = &a->events[1];
	cr_expect(fabs(e->position_m) <= 0.5, "cord connector at %.2f m", e->position_m);
	cr_expect_eq(e->type, LC_OTDR_EVENT_REFLECTIVE);
	cr_expect_float_eq(e->loss_db, 0.203, 0.03, "loss %.3f dB", e->loss_db);
	cr_expect_float_eq(e->reflectance_db, -49.25, 1.0, "reflectance %.2f dB", e->reflectance_db);
	/* a caller's own launch cord wins over the file's: analysed from the file's zero as before */
	lc_otdr_config cfg;
	lc_otdr_config_init(&cfg);
	lc_otdr_config_from_sor(&cfg, s);
	cfg.launch_m = 500.0;
	lc_otdr_analysis *b;
	cr_assert_eq(lc_otdr_analyze_sor(s, &cfg, &b, &d), 0);
	cr_expect_float_eq(b->events[0].position_m, 0.0, 0.5, "launch at %.2f m", b->events[0].position_m);
	lc_otdr_analysis_free(b);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
}

Test(otdr_samples, front_panel_event_is_not_a_stored_event)
{
	/* Anritsu CMA4500: the trace starts 1071 m before the front panel (its front-panel offset, no user
	 * offset); the stored event at 0 m is the front panel, which the agreement leaves out like every
	 * launch: 10 of the 11 stored events count */
	lc_sor *s = sor_sample("otdrparser-issue14.sor");
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(s, NULL, &a, &d), 0);
	lc_otdr_agreement g;
	cr_assert_eq(lc_otdr_compare_sor(s, a, &g), 0);
	cr_expect_eq(s->n_events, 11);
	cr_expect_eq(g.stored, 10);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
}

Test(otdr_samples, an_event_exactly_two_spacings_off_is_within)
{
	/* "within max(2 m, 2 spacings)" includes the limit, whatever the last bit of the two conversions (ours:
	 * the origin plus whole spacings; stored: a time in 100 ps to metres). The CMA4500 (2.04 m spacing)
	 * stores its events on the trace's grid: events of ours exactly 2 spacings before or after each of them
	 * all count (without the slack, 4e-12 m over the tolerance left some out), and 2 spacings plus a
	 * centimetre none. */
	lc_sor *s = sor_sample("otdrparser-issue14.sor");
	double dx = lc_sor_point_spacing_m(s), x0 = lc_sor_trace_origin_m(s);
	lc_otdr_event ev[16];
	for (int off = -2; off <= 2; off += 4) {
		for (int cm = 0; cm <= 1; cm++) {
			double extra = 0.01 * cm;
			memset(ev, 0, sizeof(ev));
			lc_otdr_analysis a = {.events = ev, .launch_event = -1, .tail_event = -1};
			ev[a.n_events++].type = LC_OTDR_EVENT_LAUNCH;
			for (size_t i = 0; i < s->n_events && a.n_events < 16; i++) {
				double xs = lc_sor_time_to_m(s, s->events[i].time);
				if (xs <= 0.0)
					continue; /* the front panel, not a stored fibre event (front_panel_event_is_not_...) */
				double k = round((xs - x0) / dx);
				cr_assert(fabs(x0 + k * dx - xs) < 1e-6, "stored event %zu at %.4f m is on the grid", i, xs);
				lc_otdr_event *e = &ev[a.n_events++];
				e->type = s->events[i].code[1] == 'E' ? LC_OTDR_EVENT_END : LC_OTDR_EVENT_NONREFLECTIVE;
				e->position_m = x0 + (k + off) * dx + (off > 0 ? extra : -extra);
			}
			lc_otdr_agreement g;
			cr_assert_eq(lc_otdr_compare_sor(s, &a, &g), 0);
			cr_expect_eq(g.stored, 10);
			cr_expect_eq(g.matched, extra > 0 ? 0u : 10u, "offset %+d spacings %+.2f m: %zu of %zu matched", off,
				     extra, g.matched, g.stored);
		}
	}
	lc_sor_free(s);
}
