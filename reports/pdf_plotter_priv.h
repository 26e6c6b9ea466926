/*
 * Who draws the PDF's plots (reports/report_pdf.c). The text is laid out by pango in the renderer; a plot's
 * gnuplot SVG is drawn by librsvg, either in the same process (lc_pdf_plotter_rsvg, reports/pdf_svg.c: the
 * library's lc_report_pdf_render()) or, in lanecert run's renderer, by a program of its own
 * (lanecert-render-plots, reports/pdf_plot_child.c) onto an overlay PDF that qpdf lays over the text's pages,
 * so that no process holds both pango's text layout and librsvg (issue 22: each process's peak RSS). Either
 * way the plots stay vectors and their text stays text.
 *
 * The sizes come first, before any layout (measure()): a plot librsvg cannot read or draw is a "Plot missing"
 * line in both passes alike. In the drawing pass each plot's frame is drawn at once (draw()), or left empty
 * and collected for finish(), which draws them into the finished PDF.
 */
#ifndef LC_REPORTS_PDF_PLOTTER_PRIV_H
#define LC_REPORTS_PDF_PLOTTER_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "reports/pdf_layout_priv.h"
#include "reports/plot.h"

/* A plot's intrinsic size (any unit: only the aspect ratio is used), or why it cannot be shown. */
typedef struct lc_pdf_plot_box {
	bool ok;
	double w, h;
	char why[LC_DIAG_TEXT_MAX];
} lc_pdf_plot_box;

/* Where a plot goes: page (1-based) and frame in points from the page's top left. */
typedef struct lc_pdf_frame {
	size_t plot; /* index into the plot set */
	size_t page;
	double x, y, w, h;
} lc_pdf_frame;

typedef struct lc_pdf_plotter lc_pdf_plotter;
struct lc_pdf_plotter {
	/* boxes[i] for every plot i of ps that has an SVG (the others are left alone). Returns 0, or an error of
	 * the view (the drawer could not run). */
	int (*measure)(const lc_pdf_plotter *pl, const lc_plot_set *ps, lc_pdf_plot_box *boxes, lc_diag *diag);
	/* Drawing pass: svg drawn into the frame onto doc->cr. NULL: the frame stays empty for finish(). */
	int (*draw)(lc_pdf_doc *doc, const char *svg, const lc_pdf_frame *f, lc_diag *diag);
	/* After the PDF's end: the n frames drawn into *pdf (replaced). NULL: nothing to do. */
	int (*finish)(const lc_pdf_plotter *pl, const lc_plot_set *ps, const lc_pdf_frame *frames, size_t n,
		      lc_pdf_mem *pdf, lc_diag *diag);
	const char *program; /* the child's drawer (lanecert-render-plots) */
	const char *qpdf;    /* NULL: "qpdf" on PATH */
	int timeout_ms;      /* per child run */
};

/* librsvg in this process (reports/pdf_svg.c). */
extern const lc_pdf_plotter lc_pdf_plotter_rsvg;

/* The drawer program in a child process and qpdf (reports/pdf_plot_child.c); program NULL:
 * "lanecert-render-plots" on PATH. */
lc_pdf_plotter lc_pdf_plotter_child(const char *program);

/* Keep a `program serve` drawer for the calling thread (reports/render_plots_main.c): the child plotters of
 * this thread whose program is the same then send it their requests instead of running a drawer each, so that
 * the drawer's start is paid once (lanecert-render --serve: lc_report_render_warm()). A kept drawer that goes
 * away is reaped and the request runs a drawer of its own. 0, LC_ERR_ARG (no program) or LC_ERR_IO (it could
 * not be started: no memory, descriptors or process). */
int lc_pdf_drawer_keep(const char *program);

/* End the calling thread's kept drawer (the end of its stdin) and reap it; -v: its peak RSS. */
void lc_pdf_drawer_drop(void);

#endif
