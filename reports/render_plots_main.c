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
 * serve:   the same, one request after another, for lanecert-render --serve's renderer (reports/pdf_plot_child.c),
 *          so that the drawer's start (exec, librsvg, fontconfig and the plots' fonts, loaded before the first
 *          request by drawing a line of text) is paid once per renderer, not twice per report. A request is
 *          "measure LEN\n" or "draw PAGE_W PAGE_H LEN\n" and LEN bytes of that mode's stdin; its answer is
 *          "ok LEN\n" and LEN bytes of that mode's stdout, or "error LEN\n" and the reason. Exit 0 at the end
 *          of stdin, 1 on a request it cannot read.
 * Exit 0, or 1 with the reason on stderr (a short or malformed input, a plot that measured well and cannot
 * be drawn, cairo's failure); 64 for a wrong command line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cairo-pdf.h>
#include <cairo.h>

#include "reports/pdf_svg_priv.h"

/* Why a request failed, said on stderr (one request) or in the answer (serve). */
static char why_failed[600];

static int fail(const char *fmt, const char *detail)
{
	snprintf(why_failed, sizeof(why_failed), fmt, detail);
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

/* serve: the plots the last measure request read, kept for the draw request that follows it (the same SVG
 * bytes), so that librsvg reads each plot once per report, not twice (issue 22: about a third of the
 * drawer's CPU was reading). Dropped after the draw, and before the next measure. */
#define KEPT_MAX 16
static struct {
	char *svg;
	lc_pdf_svg *read;
} kept[KEPT_MAX];
static size_t n_kept;
static bool keeping;

static void drop_kept(void)
{
	for (size_t i = 0; i < n_kept; i++) {
		free(kept[i].svg);
		lc_pdf_svg_free(kept[i].read);
	}
	n_kept = 0;
}

/* The kept reading of svg, NULL when there is none. */
static lc_pdf_svg *kept_read(const char *svg)
{
	for (size_t i = 0; i < n_kept; i++)
		if (strcmp(kept[i].svg, svg) == 0)
			return kept[i].read;
	return NULL;
}

static int measure(char *in, const char *end, FILE *out)
{
	char head[64], *svg;
	int r;
	drop_kept();
	while ((r = next_record(&in, end, head, sizeof(head), &svg)) == 1) {
		cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
		cairo_t *cr = cairo_create(rec);
		double w, h;
		char why[512];
		lc_pdf_svg *read = lc_pdf_svg_read(svg, why, sizeof(why));
		int drawn = read ? lc_pdf_svg_draw_read(read, cr, NULL, &w, &h, why, sizeof(why)) : -1;
		if (drawn == 0 && keeping && n_kept < KEPT_MAX) {
			kept[n_kept].svg = svg, kept[n_kept++].read = read; /* theirs now */
			svg = NULL, read = NULL;
		}
		lc_pdf_svg_free(read);
		if (drawn == 0)
			fprintf(out, "ok %.17g %.17g\n", w, h);
		else {
			for (char *c = why; *c; c++)
				if (*c == '\n' || *c == '\r')
					*c = ' ';
			fprintf(out, "missing %s\n", why);
		}
		cairo_destroy(cr);
		cairo_surface_destroy(rec);
		free(svg);
	}
	if (r < 0)
		return fail("%s", "malformed input (measure: LEN then LEN bytes of SVG per plot)");
	return fflush(out) == 0 ? 0 : fail("writing the sizes: %s", strerror(errno));
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int n)
{
	return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int draw(char *in, const char *end, double page_w, double page_h, FILE *out)
{
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(to_file, out, page_w, page_h);
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
		lc_pdf_svg *read = kept_read(svg);
		if ((read ? lc_pdf_svg_draw_read(read, cr, f, &w, &h, why, sizeof(why))
			  : lc_pdf_svg_draw(svg, cr, f, &w, &h, why, sizeof(why))) < 0)
			rc = fail("a plot that measured well was not drawn: %s", why);
		free(svg);
	}
	drop_kept();
	if (rc == 0 && r < 0)
		rc = fail("%s", "malformed input (draw: PAGE X Y W H LEN then LEN bytes of SVG per plot)");
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	cairo_status_t st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	if (rc == 0 && st != CAIRO_STATUS_SUCCESS)
		rc = fail("cairo: %s", cairo_status_to_string(st));
	if (rc == 0 && fflush(out) != 0)
		rc = fail("writing the PDF: %s", strerror(errno));
	return rc;
}

static int read_full(int fd, char *p, size_t len)
{
	while (len > 0) {
		ssize_t r = read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r, len -= (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r, len -= (size_t)r;
	}
	return 0;
}

/* What the first plot would load (librsvg, fontconfig, the font of the plots' text), loaded before the first
 * request: a line of text in gnuplot's SVG font, measured and dropped. Its failure is the first request's. */
static void warm(void)
{
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"20\"><text x=\"1\" "
				  "y=\"15\" font-family=\"Helvetica\" font-size=\"11\">dB 0.25</text></svg>";
	char in[sizeof(svg) + 16];
	int n = snprintf(in, sizeof(in), "%zu\n%s", sizeof(svg) - 1, svg);
	FILE *sink = fopen("/dev/null", "w");
	if (sink) {
		measure(in, in + n, sink);
		fclose(sink);
	}
}

/* serve: requests until the end of stdin (the head of this file). */
static int serve_requests(void)
{
	for (;;) {
		char head[128];
		size_t h = 0;
		for (;;) { /* the header line, a byte at a time: the payload follows it on the same descriptor */
			ssize_t r = read(0, head + h, 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return h == 0 ? 0 : (fprintf(stderr, "lanecert-render-plots: a request cut short\n"), 1);
			if (head[h] == '\n')
				break;
			if (++h == sizeof(head) - 1) {
				fprintf(stderr, "lanecert-render-plots: a request header too long\n");
				return 1;
			}
		}
		head[h] = '\0';
		char mode[16];
		double pw = 0, ph = 0;
		unsigned long long len;
		bool is_draw = strncmp(head, "draw ", 5) == 0;
		if (!(is_draw ? sscanf(head, "%15s %lf %lf %llu", mode, &pw, &ph, &len) == 4 && pw > 0 && ph > 0
			      : sscanf(head, "%15s %llu", mode, &len) == 2 && strcmp(mode, "measure") == 0) ||
		    len > (256ull << 20)) {
			fprintf(stderr, "lanecert-render-plots: a malformed request '%.60s'\n", head);
			return 1;
		}
		char *in = malloc(len + 1), *out = NULL;
		size_t olen = 0;
		if (!in || read_full(0, in, len) < 0) {
			free(in);
			fprintf(stderr, "lanecert-render-plots: a request cut short\n");
			return 1;
		}
		in[len] = '\0';
		FILE *f = open_memstream(&out, &olen);
		int rc = !f ? fail("%s", "out of memory") : is_draw ? draw(in, in + len, pw, ph, f) : measure(in, in + len, f);
		if (f)
			fclose(f);
		free(in);
		char ans[64];
		const char *body = rc == 0 ? out : why_failed;
		size_t blen = rc == 0 ? olen : strlen(why_failed);
		snprintf(ans, sizeof(ans), "%s %zu\n", rc == 0 ? "ok" : "error", blen);
		int wr = write_full(1, ans, strlen(ans)) < 0 || write_full(1, body ? body : "", blen) < 0;
		free(out);
		if (wr)
			return 0; /* nobody reads the answers any more */
#ifdef __GLIBC__
		/* A request's transient allocations (the SVGs, librsvg's trees, the PDF) leave free holes in the heap
		 * that glibc keeps resident: handed back after each request, so that the next one's peak starts where
		 * the first one's did (issue 22: this process lives as long as its renderer). */
		malloc_trim(0);
#endif
	}
}

static int serve(void)
{
	warm();
	keeping = true;
	int rc = serve_requests();
	drop_kept(); /* a measure without its draw (the renderer went away between them) */
	return rc;
}

int main(int argc, char **argv)
{
	double pw = 0, ph = 0;
	char *e1 = NULL, *e2 = NULL;
	if (argc == 2 && strcmp(argv[1], "serve") == 0)
		return serve();
	if (argc == 4 && strcmp(argv[1], "draw") == 0)
		pw = strtod(argv[2], &e1), ph = strtod(argv[3], &e2);
	if (!((argc == 2 && strcmp(argv[1], "measure") == 0) ||
	      (argc == 4 && strcmp(argv[1], "draw") == 0 && !*e1 && !*e2 && pw > 0 && ph > 0))) {
		fprintf(stderr, "usage: lanecert-render-plots measure | draw PAGE_W PAGE_H | serve (the PDF report's plot "
				"drawer, run by lanecert-render; see reports/render_plots_main.c)\n");
		return 64;
	}
	size_t len = 0;
	char *in = read_all(&len);
	if (!in) {
		fprintf(stderr, "lanecert-render-plots: reading stdin: %s\n", strerror(errno ? errno : ENOMEM));
		return 1;
	}
	int rc = argc == 2 ? measure(in, in + len, stdout) : draw(in, in + len, pw, ph, stdout);
	free(in);
	if (rc != 0)
		fprintf(stderr, "lanecert-render-plots: %s\n", why_failed);
	return rc;
}
