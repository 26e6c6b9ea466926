/* One gnuplot SVG drawn with librsvg (reports/pdf_svg_draw.c). Needs only cairo and librsvg, so that the plot
 * drawer program (lanecert-render-plots) links nothing else. */
#ifndef LC_REPORTS_PDF_SVG_PRIV_H
#define LC_REPORTS_PDF_SVG_PRIV_H

#include <cairo.h>
#include <stddef.h>

/* Reads svg (NUL-terminated), notes its intrinsic size in *w, *hgt (only the aspect ratio matters) and
 * draws it onto cr into the frame vp (x, y, w, h); vp NULL: into a frame of its own aspect ratio (to check
 * that librsvg can draw it, onto a throwaway recording). Returns 0, or -1 with librsvg's reason in why
 * (the plot is then missing); no lanecert header is needed, so the program builds without the library's. Thread safety: reentrant. */
int lc_pdf_svg_draw(const char *svg, cairo_t *cr, const double vp[4], double *w, double *hgt, char *why,
		    size_t why_size);

/* The same in two steps, so that one reading can be drawn more than once (the drawer's serve mode draws into
 * the PDF the plots it read to measure them): lc_pdf_svg_read returns NULL with the reason in why when
 * librsvg cannot read svg; lc_pdf_svg_draw_read is lc_pdf_svg_draw's drawing. */
typedef struct lc_pdf_svg lc_pdf_svg;
lc_pdf_svg *lc_pdf_svg_read(const char *svg, char *why, size_t why_size);
int lc_pdf_svg_draw_read(lc_pdf_svg *s, cairo_t *cr, const double vp[4], double *w, double *hgt, char *why,
			 size_t why_size);
void lc_pdf_svg_free(lc_pdf_svg *s);

#endif
