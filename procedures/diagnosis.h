/*
 * Diagnoses: the judgement layer that turns a step's measured results and the channel model into one
 * sentence in the cable's own labels ("leg B3 (fibers 3 and 10): +0.9 dB in both directions — connector at
 * B3 dirty or damaged"), and picks the run's reason (the worst step's diagnosis). Instruments return
 * numbers; the words live here, beside the procedures. The thresholds that decide "dirty", "broken" or
 * "UPC mated to APC" are judgement policy, kept as data (fixtures/limits/lanecert-diagnosis-policy.json),
 * never a verdict of their own: verdicts come from the standards' limits.
 *
 * The same sentence is the step's detail (terminal, JSON lines) and the run's reason (report, results store).
 *
 * Thread safety: each function works on one run (one slot's thread); nothing is shared.
 */
#ifndef LC_PROCEDURES_DIAGNOSIS_H
#define LC_PROCEDURES_DIAGNOSIS_H

#include <stddef.h>

#include "fixtures/verdict.h"

struct lc_run;

/* How much a sentence explains, to choose the run's reason among steps of the same verdict: a wrong part
 * explains every other finding, an APC/UPC mating explains the losses it causes, a map difference the
 * losses of misrouted fibers. */
enum lc_diagnosis_rank {
	LC_DIAGNOSIS_PLAIN = 0,      /* a measurement out of its limit, no place or cause named */
	LC_DIAGNOSIS_LOCATED = 1,    /* a leg, fiber, connector or module end named */
	LC_DIAGNOSIS_MAP = 2,        /* a fiber or lane map difference */
	LC_DIAGNOSIS_CAUSE = 3,      /* a cause that explains other findings (UPC mated to APC) */
	LC_DIAGNOSIS_WRONG_PART = 4, /* the DUT is not the expected part */
};

/*
 * Word the running step's measurements into run->step_reason when the step has not given a reason of its
 * own and a measurement is not pass (nothing for a passing step). Call before the step is closed.
 */
void lc_diagnose_step(struct lc_run *run);

struct lc_wired_ends;

/*
 * The part the DUT is, when its measured fiber map (map over e's launches, as lc_map_infer() gives it) is not
 * the expected one: a cable type of fixtures/cables/ of the same kind and component count whose design
 * routes the station's wired ports exactly as measured, with light seen at a port it routes (the same fiber
 * mode preferred, then the expected end-A fiber count). Returns 1 with its name in found, 0 when no type fits
 * (then the difference is a defect of the part, not another part), when two types of the best kind fit alike
 * (found "": the bench cannot tell them apart), and always for a map dark at every port: no light names no part.
 */
int lc_diagnose_found_part(const struct lc_run *run, const struct lc_wired_ends *e, const int *map, char *found,
			   size_t cap);

/* Remember a closed step's verdict and text as a candidate for the run's reason (worst verdict, then highest
 * rank, then first). text may be NULL. */
void lc_diagnose_keep(struct lc_run *run, enum lc_verdict verdict, const char *text);

/* The run's reason: the best candidate kept, or "" when no step gave one. */
const char *lc_diagnose_run_reason(const struct lc_run *run);

/*
 * Operator text of an error message: the Lua chunk positions ("procedures/x.lua:14: ", "[string \"...\"]:3: ")
 * and the library's error names (" (LC_ERR_ARG)") removed, what remains kept. The caller logs the full
 * message at debug level first.
 */
void lc_operator_text(const char *in, char *out, size_t cap);

#endif
