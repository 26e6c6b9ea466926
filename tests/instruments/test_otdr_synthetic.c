/*
 * The client's analysis against the world's truth on a set of realistic synthetic traces (sim/world/
 * otdr_synth.c: the pulse through a receiver of finite rise time with a recovery tail, saturation, noise in
 * linear power, a correlated ripple), scored exactly as the real samples are (lc_otdr_compare_sor: every
 * true event past the front panel matched within max(2 m, 2 point spacings), the mean signed offset, the
 * end within a pulse length, nothing after the end). Each trace is written as a SOR file by the simulator's
 * own writer (lc_sim_otdr_sor: the KeyEvents are the events the trace was synthesized from, never an
 * analysis) and read back, so the whole path a simulated acquisition takes is exercised.
 *
 * The set covers the pulses and spacings of the samples (10 ns at 0.1 m to 1 us at 2 m), connectors from
 * -40 to -62 dB, splices and a gainer over the SOR default loss threshold, close pairs, a connector in a
 * strong reflection's recovery tail, and ends that are a saturated reflection, a weak one, or a break that
 * falls into the noise. The floors below are what the analysis reaches now (docs/sor.md lists them); they
 * are regression floors: a change that makes any figure worse fails, an improvement must raise them.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_analysis.h"
#include "sim/world/otdr_sim.h"
#include "sim/world/otdr_synth.h"

typedef struct scenario {
	const char *name;
	double pulse_ns, dx_m, range_m;
	unsigned averages;
	double nm;
	lc_otdr_synth_event ev[12];
	size_t nev;
} scenario;

/* regression floors: what the analysis reaches now (docs/sor.md) */
#define FLOOR_MATCHED 75
#define FLOOR_ENDS 16
#define CEIL_AFTER 0
#define CEIL_FOUND 76

/* positions are from the front panel; the fibre's slope and backscatter follow the wavelength */
static const scenario set[] = {
	{"10ns-short-link", 10, 0.1, 2000, 1u << 14, 1310,
	 {{150, 0.25, -55, false}, {400, 0.3, NAN, false}, {650, 0.5, -45, false}, {900, -0.25, NAN, false},
	  {1200, 0, -14.7, true}}, 5},
	{"30ns-campus", 30, 0.25, 5000, 1u << 14, 1310,
	 {{300, 0.3, -50, false}, {1100, 0.25, NAN, false}, {1900, 0.4, -60, false}, {2500, 0.3, NAN, false},
	  {3400, 0, NAN, true}}, 5},
	{"100ns-metro", 100, 0.5, 20000, 1u << 15, 1310,
	 {{2000, 0.5, -45, false}, {4000, 0.3, NAN, false}, {5500, -0.25, NAN, false}, {7600, 0.35, -62, false},
	  {9800, 0.25, NAN, false}, {12500, 0, -14.7, true}}, 6},
	{"100ns-close-pair", 100, 0.5, 20000, 1u << 15, 1550,
	 {{1500, 0.4, -40, false}, {1560, 0.3, -45, false}, {4200, 0.3, NAN, false}, {7000, 0, -40, true}}, 4},
	{"100ns-tail", 100, 1.0, 40000, 1u << 14, 1550,
	 {{3000, 0.5, -30, false}, {3150, 0.4, NAN, false}, {9000, 0.3, NAN, false}, {16000, 0.4, -50, false},
	  {21000, 0, NAN, true}}, 5},
	{"300ns-long", 300, 1.0, 60000, 1u << 16, 1550,
	 {{5000, 0.3, NAN, false}, {12000, 0.5, -45, false}, {20000, 0.25, NAN, false},
	  {28000, 0.3, -55, false}, {36000, 0, -14.7, true}}, 5},
	{"1us-long-haul", 1000, 2.0, 100000, 1u << 16, 1550,
	 {{8000, 0.35, NAN, false}, {20000, 0.5, -45, false}, {33000, 0.3, NAN, false},
	  {47000, 0.4, -50, false}, {60000, 0, -14.7, true}}, 5},
	{"10ns-apc-break", 10, 0.1, 2000, 1u << 14, 1310,
	 {{150, 0.2, -65, false}, {300, 0.3, NAN, false}, {520, 0.35, -50, false}, {731.5, 0, NAN, true}}, 4},
};

/* The scenario's trace and truth as the simulator writes them, read back. */
static lc_sor *acquire(const scenario *sc, unsigned seed)
{
	lc_sim_otdr o;
	memset(&o, 0, sizeof(o));
	lc_otdr_synth p;
	lc_otdr_synth_init(&p);
	lc_otdr_synth_receiver(&p, sc->pulse_ns);
	p.n = (size_t)(sc->range_m / sc->dx_m);
	p.dx_m = sc->dx_m;
	p.averages = sc->averages;
	p.seed = seed;
	if (sc->nm > 1400) {
		p.atten_db_km = 0.19;
		p.bc_db = -81.9;
	}
	double *y = malloc(p.n * sizeof(double));
	cr_assert_eq(lc_otdr_synth_trace(&p, sc->ev, sc->nev, y), 0);
	o.level_db = y;
	o.n = p.n;
	o.dx_m = p.dx_m;
	o.nm = sc->nm;
	o.pulse_ns = sc->pulse_ns;
	o.avg_s = sc->averages / 1000.0;
	o.range_m = sc->range_m;
	o.floor_db = p.floor_db;
	o.atten_db_km = p.atten_db_km;
	o.bc_db = p.bc_db;
	o.front_reflectance_db = p.front_reflectance_db;
	memcpy(o.truth, sc->ev, sc->nev * sizeof(sc->ev[0]));
	o.n_truth = sc->nev;
	o.acquired_unix = 1700000000u;
	uint8_t *file;
	size_t len;
	cr_assert_eq(lc_sim_otdr_sor(&o, "lanecert-sim", "synthetic", sc->name, &file, &len), 0);
	free(y);
	/* LC_OTDR_SYNTH_DUMP=DIR keeps the files, to look at them with `lanecert sor` like any other */
	const char *dump = getenv("LC_OTDR_SYNTH_DUMP");
	if (dump) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s.sor", dump, sc->name);
		FILE *f = fopen(path, "wb");
		cr_assert(f, "%s", path);
		cr_assert_eq(fwrite(file, 1, len, f), len);
		fclose(f);
	}
	lc_sor *sor;
	lc_diag d;
	cr_assert_eq(lc_sor_read(file, len, &sor, &d), 0, "%s: %s", sc->name, d.text);
	free(file);
	return sor;
}

static void tally(lc_otdr_agreement *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned seed = 1; seed <= 2; seed++)
		for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
			lc_sor *sor = acquire(&set[i], seed);
			lc_otdr_analysis *a;
			lc_diag d;
			cr_assert_eq(lc_otdr_analyze_sor(sor, NULL, &a, &d), 0, "%s: %s", set[i].name, d.text);
			lc_otdr_agreement g;
			cr_assert_eq(lc_otdr_compare_sor(sor, a, &g), 0);
			cr_log_info("%-18s seed %u: matched %zu/%zu (tol %.1f m) offset %+.2f spacings, ends %zu/%zu, after %zu, "
				    "found %zu", set[i].name, seed, g.matched, g.stored, g.tolerance_m,
				    lc_otdr_agreement_offset_samples(&g), g.ends_within, g.ends_shown, g.after_end, g.found);
			for (size_t k = 1; k < a->n_events; k++)
				cr_log_info("    ours %.2f m %s loss %.3f", a->events[k].position_m,
					    lc_otdr_event_type_name(a->events[k].type), a->events[k].loss_db);
			lc_otdr_agreement_add(t, &g);
			lc_otdr_analysis_free(a);
			lc_sor_free(sor);
		}
	cr_log_info("synthetic set: stored %zu found %zu matched %zu (%.1f %%) offset %.2f m / %.2f spacings, ends %zu/%zu, "
		    "after %zu",
		    t->stored, t->found, t->matched, 100 * lc_otdr_agreement_matched(t), lc_otdr_agreement_offset_m(t),
		    lc_otdr_agreement_offset_samples(t), t->ends_within, t->ends_shown, t->after_end);
}

/* Two acquisitions (seeds) of each of the 8 traces: 78 true events past the front panel, 16 ends. */
Test(otdr_synthetic, strict_agreement_with_the_truth, .timeout = 120)
{
	lc_otdr_agreement t;
	tally(&t);
	cr_expect_eq(t.files, 16);
	cr_expect_eq(t.stored, 78);
	cr_expect_geq(t.matched, FLOOR_MATCHED, "matched %zu", t.matched);
	cr_expect_leq(fabs(lc_otdr_agreement_offset_samples(&t)), 1.0, "offset %.2f spacings",
		      lc_otdr_agreement_offset_samples(&t));
	cr_expect_eq(t.ends_shown, 16);
	cr_expect_geq(t.ends_within, FLOOR_ENDS, "ends %zu of %zu", t.ends_within, t.ends_shown);
	cr_expect_leq(t.after_end, CEIL_AFTER, "events after the end %zu", t.after_end);
	cr_expect_leq(t.found, CEIL_FOUND, "found %zu (false events)", t.found);
}
