/*
 * lanecert-render-plots measure | draw PAGE_W PAGE_H: the PDF report's plot drawer (reports/pdf_plot_child.c),
 * installed beside lanecert-render and linking only cairo and librsvg: lanecert-render lays out the text with
 * pango and leaves each plot's frame empty, this program draws the gnuplot SVGs into those frames, and qpdf
 * lays its pages over the text's (issue 22: no process holds both pango's layout and librsvg).
 *
 * measure: stdin is, per plot, "LEN\n" and LEN bytes of SVG; stdout one line per plot, "ok W H" (its
 *          intrinsic size) or "missing WHY" (librsvg cannot read or draw it: the report says the plot is
 *          missing).
 * draw:    stdin is, per plot in page order, "PAGE X Y W H LEN\n" and LEN bytes of SVG (the frame in points
 *          from the page's top left); stdout a PDF of pages PAGE_W x PAGE_H points, one per distinct PAGE in
 *          order, each plot drawn into its frame as vectors, its text as text (cairo's PDF surface).
 * Exit 0, or 1 with the reason on stderr (a short or malformed input, a plot that measured well and cannot
 * be drawn, cairo's failure); 64 for a wrong command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "reports/pdf_svg_priv.h"

static int fail(const char *fmt, const char *detail)
{
	fprintf(stderr, "lanecert-render-plots: ");
	fprintf(stderr, fmt, detail);
	fputc('\n', stderr);
	return 1;
}

/* All of stdin (a few plots of tens of KiB each). */
static char *read_all(size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *p = malloc(cap + 1);
	for (;;) {
		if (!p)
			return NULL;
		if (n == cap) {
			char *np = realloc(p, 2 * cap + 1);
			if (!np) {
				free(p);
				return NULL;
			}
			p = np, cap *= 2;
		}
		ssize_t r = read(0, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	p[n] = '\0';
	*len = n;
	return p;
}

/* The next record's header line and its SVG, copied NUL-terminated into *svg (freed by the caller). 1: a
 * record, 0: the end, -1: malformed. */
static int next_record(char **at, const char *end, char *head, size_t head_size, char **svg)
{
	if (*at >= end)
		return 0;
	char *nl = memchr(*at, '\n', (size_t)(end - *at));
	if (!nl || (size_t)(nl - *at) >= head_size)
		return -1;
	memcpy(head, *at, (size_t)(nl - *at));
	head[nl - *at] = '\0';
	const char *sp = strrchr(head, ' ');
	char *e;
	errno = 0;
	unsigned long long len = strtoull(sp ? sp + 1 : head, &e, 10);
	if (errno || *e || len > (unsigned long long)(end - nl - 1))
		return -1;
	if (!(*svg = malloc(len + 1)))
		return -1;
	memcpy(*svg, nl + 1, len);
	(*svg)[len] = '\0';
	*at = nl + 1 + len;
	return 1;
}

static int measure(char *in, const char *end)
{
	char head[64], *svg;
	int r;
	while ((r = next_record(&in, end, head, sizeof(head), &svg)) == 1) {
		cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
		cairo_t *cr = cairo_create(rec);
		double w, h;
		char why[512];
		if (lc_pdf_svg_draw(svg, cr, NULL, &w, &h, why, sizeof(why)) == 0)
			printf("ok %.17g %.17g\n", w, h);
		else {
			for (char *c = why; *c; c++)
				if (*c == '\n' || *c == '\r')
					*c = ' ';
			printf("missing %s\n", why);
		}
		cairo_destroy(cr);
		cairo_surface_destroy(rec);
		free(svg);
	}
	if (r < 0)
		return fail("%s", "malformed input (measure: LEN then LEN bytes of SVG per plot)");
	return fflush(stdout) == 0 ? 0 : fail("writing the sizes: %s", strerror(errno));
}

static cairo_status_t to_stdout(void *closure, const unsigned char *data, unsigned int n)
{
	(void)closure;
	return fwrite(data, 1, n, stdout) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int draw(char *in, const char *end, double page_w, double page_h)
{
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(to_stdout, NULL, page_w, page_h);
	cairo_t *cr = cairo_create(pdf);
	char head[128], *svg, why[512] = "";
	unsigned long page = 0, last = 0;
	double f[4];
	int r, rc = 0;
	while (rc == 0 && (r = next_record(&in, end, head, sizeof(head), &svg)) == 1) {
		if (sscanf(head, "%lu %lf %lf %lf %lf", &page, &f[0], &f[1], &f[2], &f[3]) != 5 || page < last ||
		    !(f[2] > 0 && f[3] > 0)) {
			free(svg);
			rc = fail("malformed frame '%s'", head);
			break;
		}
		if (last && page != last)
			cairo_show_page(cr);
		last = page;
		double w, h;
		if (lc_pdf_svg_draw(svg, cr, f, &w, &h, why, sizeof(why)) < 0)
			rc = fail("a plot that measured well was not drawn: %s", why);
		free(svg);
	}
	if (rc == 0 && r < 0)
		rc = fail("%s", "malformed input (draw: PAGE X Y W H LEN then LEN bytes of SVG per plot)");
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	cairo_status_t st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	if (rc == 0 && st != CAIRO_STATUS_SUCCESS)
		rc = fail("cairo: %s", cairo_status_to_string(st));
	if (rc == 0 && fflush(stdout) != 0)
		rc = fail("writing the PDF: %s", strerror(errno));
	return rc;
}

int main(int argc, char **argv)
{
	double pw = 0, ph = 0;
	char *e1 = NULL, *e2 = NULL;
	if (argc == 4 && strcmp(argv[1], "draw") == 0)
		pw = strtod(argv[2], &e1), ph = strtod(argv[3], &e2);
	if (!((argc == 2 && strcmp(argv[1], "measure") == 0) ||
	      (argc == 4 && strcmp(argv[1], "draw") == 0 && !*e1 && !*e2 && pw > 0 && ph > 0))) {
		fprintf(stderr, "usage: lanecert-render-plots measure | draw PAGE_W PAGE_H (the PDF report's plot "
				"drawer, run by lanecert-render; see reports/render_plots_main.c)\n");
		return 64;
	}
	size_t len = 0;
	char *in = read_all(&len);
	if (!in)
		return fail("reading stdin: %s", strerror(errno ? errno : ENOMEM));
	int rc = argc == 2 ? measure(in, in + len) : draw(in, in + len, pw, ph);
	free(in);
	return rc;
}
