/*
 * The PDF's plots drawn by librsvg in this process (reports/pdf_plotter_priv.h), and the library's
 * lc_report_pdf_render() / lc_report_pdf() that use it. lanecert run's renderer (lanecert-render) draws its
 * plots in a child instead (reports/pdf_plot_child.c) and links none of this file, hence none of librsvg.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "reports/pdf_plotter_priv.h"
#include "reports/report_format_priv.h"
#include "reports/pdf_svg_priv.h"
#include "reports/report_pdf.h"

static int rsvg_measure(const lc_pdf_plotter *pl, const lc_plot_set *ps, lc_pdf_plot_box *boxes, lc_diag *diag)
{
	(void)pl;
	for (size_t i = 0; i < ps->n; i++) {
		if (!ps->plots[i].svg)
			continue;
		cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
		cairo_t *cr = cairo_create(rec);
		lc_pdf_plot_box *b = &boxes[i];
		b->ok = lc_pdf_svg_draw(ps->plots[i].svg, cr, NULL, &b->w, &b->h, b->why, sizeof(b->why)) == 0;
		cairo_destroy(cr);
		cairo_surface_destroy(rec);
	}
	(void)diag;
	return 0;
}

static int rsvg_draw(lc_pdf_doc *doc, const char *svg, const lc_pdf_frame *f, lc_diag *diag)
{
	const double vp[4] = {f->x, f->y, f->w, f->h};
	double w, h;
	char why[LC_DIAG_TEXT_MAX];
	if (lc_pdf_svg_draw(svg, doc->cr, vp, &w, &h, why, sizeof(why)) < 0) /* it was drawn when measured */
		return lc_diag_set(diag, LC_ERR_STATE, "PDF: a plot drawn when measured failed: %s", why);
	return 0;
}

const lc_pdf_plotter lc_pdf_plotter_rsvg = {.measure = rsvg_measure, .draw = rsvg_draw};

int lc_report_pdf_render(const char *json, size_t len, const lc_pdf_options *opt, char **pdf, size_t *pdf_len,
			 lc_pdf_info *info, lc_diag *diag)
{
	return lc_report_pdf_render_with(json, len, opt, &lc_pdf_plotter_rsvg, pdf, pdf_len, info, diag);
}

int lc_report_pdf(const char *json, size_t len, const lc_pdf_options *opt, const char *out_path, lc_diag *diag)
{
	if (!out_path || !*out_path)
		return lc_diag_set(diag, LC_ERR_ARG, "PDF: no output path");
	char *pdf;
	size_t n;
	int rc = lc_report_pdf_render(json, len, opt, &pdf, &n, NULL, diag);
	if (rc < 0)
		return rc;
	rc = lc_atomic_write(out_path, pdf, n, 0644, opt && opt->replace ? LC_ATOMIC_REPLACE : LC_ATOMIC_NOREPLACE,
			     diag);
	free(pdf);
	return rc;
}

/* report.pdf as lc_report_write() renders it: the plots drawn here */
static bool pdf_wanted_here(const lc_report_job *job)
{
	return lc_report_format_pdf.wanted(job);
}

static int pdf_render_here(lc_report_job *job, lc_report_bytes *out, lc_diag *diag)
{
	job->plotter = &lc_pdf_plotter_rsvg;
	return lc_report_format_pdf.render(job, out, diag);
}

const lc_report_format lc_report_format_here_pdf = {
	.name = "pdf",
	.file = LC_REPORT_PDF_FILE,
	.media_type = "application/pdf",
	.path_offset = offsetof(lc_report_paths, pdf),
	.wanted = pdf_wanted_here,
	.render = pdf_render_here,
};
