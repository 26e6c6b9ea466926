/*
 * Plots for the HTML report, drawn by gnuplot at run time as SVG: insertion loss per lane against its limit,
 * return loss per lane, BER per lane with its confidence bounds, OTDR traces with their events. gnuplot is a
 * separate program: when it is missing or fails, the report still renders and says which plots are missing.
 * All of a report's plots are drawn by one gnuplot process (its start costs more than most plots).
 *
 * Thread safety: reentrant (each call runs its own gnuplot processes).
 */
#ifndef LC_REPORTS_PLOT_H
#define LC_REPORTS_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "reports/result.h"

typedef struct lc_plot {
	char *name;  /* "il", "rl", "ber", "otdr1" ...: file stem */
	char *title; /* "Insertion loss per lane" */
	char *svg;   /* NULL when the plot could not be drawn */
	char *error; /* why not, when svg is NULL */
} lc_plot;

typedef struct lc_plot_set {
	lc_plot *plots;
	size_t n;
} lc_plot_set;

/* Draw every plot the result has data for. gnuplot: the program (NULL: "gnuplot" on PATH; "" : do not
 * plot, every plot then says so). Never fails for a missing gnuplot: each lc_plot carries its own error.
 * Returns 0 or LC_ERR_NOMEM. */
int lc_plots_make(const lc_result *r, const char *gnuplot, int timeout_ms, lc_plot_set *out, lc_diag *diag);
void lc_plots_free(lc_plot_set *set);
/* lc_plots_make() with the choice it makes for itself: one_process true draws every plot in one gnuplot
 * process (falling back to one process per plot when that run fails), false one process per plot. The two
 * give the same SVG bytes (tests/reports/test_plots.c). */
int lc_plots_make_in(const lc_result *r, const char *gnuplot, int timeout_ms, bool one_process, lc_plot_set *out,
		     lc_diag *diag);

/* Run gnuplot on a script and collect its standard output (an SVG document) with lc_child_run. Returns 0 with
 * *svg malloc'ed; LC_ERR_NOT_FOUND if gnuplot cannot be started, LC_ERR_TIMEOUT, LC_ERR_IO with the last line
 * of gnuplot's stderr (or "no SVG produced") otherwise. */
int lc_gnuplot_run(const char *gnuplot, const char *script, size_t len, int timeout_ms, char **svg,
		   lc_diag *diag);

/* Keep one gnuplot (NULL: "gnuplot" on PATH) for the calling thread: its lc_gnuplot_run() calls with the same
 * program send their scripts to it, each followed by an end mark it prints, instead of starting one per
 * report (its start is some 16 ms of CPU: about 80 libraries). A kept gnuplot that goes away, is too slow or
 * says anything on stderr is ended, and that run and the later ones start their own, which give the scripts'
 * own outcome. 0, or LC_ERR_IO (it could not be started: no memory, descriptors or process). */
int lc_gnuplot_keep(const char *gnuplot);

/* End the calling thread's kept gnuplot (the end of its stdin) and reap it. */
void lc_gnuplot_drop(void);

#endif
