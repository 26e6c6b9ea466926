/* Verdict badges, and tables that break across pages for the PDF layout (reports/pdf_layout_priv.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "reports/pdf_layout_priv.h"

#define PAD_X 3.0
#define PAD_Y 2.0
#define CELL_LINES 6 /* a cell never grows beyond this many lines (ellipsized), so a row always fits a page */

static void set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/* The HTML report's colours, so that both renderings look alike. */
unsigned lc_pdf_verdict_bg(enum lc_verdict v)
{
	switch (v) {
	case LC_VERDICT_PASS: return 0xd8f0d8;
	case LC_VERDICT_FAIL: return 0xf8d4d4;
	case LC_VERDICT_ERROR:
	case LC_VERDICT_ABORTED: return 0xf8e0b0;
	default: return 0xe4e4f4;
	}
}

unsigned lc_pdf_verdict_fg(enum lc_verdict v)
{
	switch (v) {
	case LC_VERDICT_PASS: return 0x1a5e1a;
	case LC_VERDICT_FAIL: return 0x8b1010;
	case LC_VERDICT_ERROR:
	case LC_VERDICT_ABORTED: return 0x6b4200;
	default: return 0x30306b;
	}
}

double lc_pdf_badge(lc_pdf_doc *doc, double x, double y, enum lc_verdict v, double pt)
{
	return lc_pdf_badge_word(doc, x, y, v, NULL, pt);
}

double lc_pdf_badge_word(lc_pdf_doc *doc, double x, double y, enum lc_verdict v, const char *word, double pt)
{
	if (doc->err)
		return 0;
	char name[32];
	snprintf(name, sizeof(name), "%s", word ? word : lc_verdict_name(v));
	if (word)
		v = LC_VERDICT_INCONCLUSIVE;
	for (char *p = name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	PangoFontDescription *fd = pango_font_description_copy(doc->fonts[LC_PDF_SMALL_B]);
	pango_font_description_set_size(fd, (gint)(pt * PANGO_SCALE));
	PangoLayout *l = pango_layout_new(doc->pango);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, name, -1);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	double tw = (double)w / PANGO_SCALE, th = (double)h / PANGO_SCALE, px = pt * 0.6, py = pt * 0.15;
	double bw = tw + 2 * px, bh = th + 2 * py, r = pt * 0.3;
	if (doc->measuring) { /* only its width counts there */
		g_object_unref(l);
		pango_font_description_free(fd);
		return bw;
	}
	cairo_t *cr = doc->cr;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + bw - r, y + r, r, -G_PI / 2, 0);
	cairo_arc(cr, x + bw - r, y + bh - r, r, 0, G_PI / 2);
	cairo_arc(cr, x + r, y + bh - r, r, G_PI / 2, G_PI);
	cairo_arc(cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
	set_rgb(cr, lc_pdf_verdict_bg(v));
	cairo_fill(cr);
	set_rgb(cr, lc_pdf_verdict_fg(v));
	cairo_move_to(cr, x + px, y + py);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	pango_font_description_free(fd);
	return bw;
}

static double row_height(lc_pdf_doc *doc, const lc_pdf_column *cols, size_t n, const lc_pdf_cell *cells,
			 bool header)
{
	double h = 0;
	for (size_t i = 0; i < n; i++) {
		double ch;
		if (header)
			ch = lc_pdf_text_height(doc, LC_PDF_SMALL_B, cols[i].title, cols[i].width - 2 * PAD_X, 3);
		else if (cells[i].badge)
			ch = 7.5 * 1.5;
		else
			ch = lc_pdf_text_height(doc, cols[i].style, cells[i].text, cols[i].width - 2 * PAD_X, CELL_LINES);
		h = ch > h ? ch : h;
	}
	return h + 2 * PAD_Y;
}

static void rule(lc_pdf_doc *doc, double y, double width, unsigned rgb)
{
	set_rgb(doc->cr, rgb);
	cairo_set_line_width(doc->cr, 0.4);
	cairo_move_to(doc->cr, LC_PDF_MARGIN, y);
	cairo_line_to(doc->cr, LC_PDF_MARGIN + width, y);
	cairo_stroke(doc->cr);
}

static double table_width(const lc_pdf_table *t)
{
	double w = 0;
	for (size_t i = 0; i < t->n_cols; i++)
		w += t->cols[i].width;
	return w;
}

static void header_row(lc_pdf_doc *doc, lc_pdf_table *t, double h)
{
	if (doc->err)
		return;
	double w = table_width(t), x = LC_PDF_MARGIN;
	set_rgb(doc->cr, 0xeeeeee);
	cairo_rectangle(doc->cr, LC_PDF_MARGIN, doc->y, w, h);
	cairo_fill(doc->cr);
	for (size_t i = 0; i < t->n_cols; i++) {
		lc_pdf_text_at(doc, LC_PDF_SMALL_B, t->cols[i].title, x + PAD_X, doc->y + PAD_Y, t->cols[i].width - 2 * PAD_X,
			       3, t->cols[i].align, 0);
		x += t->cols[i].width;
	}
	rule(doc, doc->y, w, 0x999999);
	doc->y += h;
	rule(doc, doc->y, w, 0x999999);
	t->header_page = doc->n_pages;
	t->rows_on_page = 0;
}

void lc_pdf_table_begin(lc_pdf_doc *doc, lc_pdf_table *t, const lc_pdf_column *cols, size_t n_cols)
{
	*t = (lc_pdf_table){cols, n_cols, 0, 0};
	(void)doc;
}

void lc_pdf_table_row(lc_pdf_doc *doc, lc_pdf_table *t, const lc_pdf_cell *cells)
{
	if (doc->err)
		return;
	double hh = row_height(doc, t->cols, t->n_cols, NULL, true);
	double rh = row_height(doc, t->cols, t->n_cols, cells, false);
	if (t->header_page != doc->n_pages) {
		/* The header row never ends a page alone: it goes with the first row below it. */
		lc_pdf_need(doc, hh + rh);
		header_row(doc, t, hh);
	} else if (doc->y + rh > LC_PDF_BOTTOM) {
		lc_pdf_new_page(doc);
		header_row(doc, t, hh);
	}
	if (doc->err)
		return;
	double x = LC_PDF_MARGIN;
	if (t->rows_on_page % 2 == 1) {
		set_rgb(doc->cr, 0xf7f7f7); /* banded rows: a long table is read across without a ruler */
		cairo_rectangle(doc->cr, LC_PDF_MARGIN, doc->y, table_width(t), rh);
		cairo_fill(doc->cr);
	}
	for (size_t i = 0; i < t->n_cols; i++) {
		const lc_pdf_column *c = &t->cols[i];
		if (cells[i].badge) {
			lc_pdf_badge_word(doc, x + PAD_X, doc->y + PAD_Y, cells[i].verdict, cells[i].word, 6.5);
		} else {
			lc_pdf_text_at(doc, c->style, cells[i].text, x + PAD_X, doc->y + PAD_Y, c->width - 2 * PAD_X,
				       CELL_LINES, c->align, cells[i].rgb);
		}
		x += c->width;
	}
	doc->y += rh;
	rule(doc, doc->y, table_width(t), 0xdddddd);
	t->rows_on_page++;
}

void lc_pdf_table_end(lc_pdf_doc *doc, lc_pdf_table *t)
{
	if (!doc->err && t->header_page == doc->n_pages)
		rule(doc, doc->y, table_width(t), 0x999999);
	doc->y += 4;
}
