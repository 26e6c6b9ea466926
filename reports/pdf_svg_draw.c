/* Drawing one gnuplot SVG with librsvg onto a cairo context (reports/pdf_svg_priv.h): shared by the library's
 * in-process plotter (reports/pdf_svg.c) and the plot drawer program (reports/render_plots_main.c). */
#include <stdio.h>
#include <string.h>

#include <librsvg/rsvg.h>

#include "reports/pdf_svg_priv.h"

/* gnuplot's "dynamic" SVG has a viewBox and relative width and height: its aspect ratio is the viewBox's.
 * Without either there is nothing to scale by. */
static int svg_size(RsvgHandle *h, double *w, double *hgt, char *why, size_t why_size)
{
	gdouble pw = 0, ph = 0;
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &pw, &ph) || pw <= 0 || ph <= 0) {
		gboolean has_w, has_h, has_vb;
		RsvgLength lw, lh;
		RsvgRectangle vb;
		rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
		pw = has_vb ? vb.width : 0, ph = has_vb ? vb.height : 0;
	}
	if (!(pw > 0 && ph > 0 && pw < 1e6 && ph < 1e6)) {
		snprintf(why, why_size, "SVG has neither a size nor a viewBox");
		return -1;
	}
	*w = pw, *hgt = ph;
	return 0;
}

lc_pdf_svg *lc_pdf_svg_read(const char *svg, char *why, size_t why_size)
{
	GError *ge = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, strlen(svg), &ge);
	if (!h) {
		snprintf(why, why_size, "SVG not readable: %s", ge ? ge->message : "unknown reason");
		if (ge)
			g_error_free(ge);
		return NULL;
	}
	return (lc_pdf_svg *)h;
}

void lc_pdf_svg_free(lc_pdf_svg *s)
{
	if (s)
		g_object_unref((RsvgHandle *)s);
}

int lc_pdf_svg_draw_read(lc_pdf_svg *s, cairo_t *cr, const double vp[4], double *w, double *hgt, char *why,
			 size_t why_size)
{
	RsvgHandle *h = (RsvgHandle *)s;
	GError *ge = NULL;
	int rc = svg_size(h, w, hgt, why, why_size);
	RsvgRectangle box = vp ? (RsvgRectangle){vp[0], vp[1], vp[2], vp[3]}
			       : (RsvgRectangle){0, 0, 500, 500 * (rc == 0 ? *hgt / *w : 1)};
	if (rc == 0) {
		cairo_save(cr);
		gboolean ok = rsvg_handle_render_document(h, cr, &box, &ge);
		cairo_restore(cr);
		if (!ok) {
			snprintf(why, why_size, "SVG not drawn: %s", ge ? ge->message : "unknown reason");
			if (ge)
				g_error_free(ge);
			rc = -1;
		}
	}
	return rc;
}

int lc_pdf_svg_draw(const char *svg, cairo_t *cr, const double vp[4], double *w, double *hgt, char *why,
		    size_t why_size)
{
	lc_pdf_svg *s = lc_pdf_svg_read(svg, why, why_size);
	if (!s)
		return -1;
	int rc = lc_pdf_svg_draw_read(s, cr, vp, w, hgt, why, why_size);
	lc_pdf_svg_free(s);
	return rc;
}
