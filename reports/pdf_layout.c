/* Pages, text and the final PDF of the report's layout engine (reports/pdf_layout_priv.h). */
#include "reports/pdf_layout_priv.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* DejaVu (fonts-dejavu-core) is on every Debian system with fontconfig; pango falls back through fontconfig
 * when it is not, so a missing font changes the looks, never the content. */
static const char *const font_names[LC_PDF_STYLE_COUNT] = {
	[LC_PDF_BODY] = "DejaVu Sans 9",
	[LC_PDF_SMALL] = "DejaVu Sans 7.5",
	[LC_PDF_SMALL_B] = "DejaVu Sans Bold 7.5",
	[LC_PDF_MONO] = "DejaVu Sans Mono 7.5",
	[LC_PDF_H1] = "DejaVu Sans Bold 17",
	[LC_PDF_H2] = "DejaVu Sans Bold 12",
	[LC_PDF_H3] = "DejaVu Sans Bold 10",
	[LC_PDF_MISSING] = "DejaVu Sans Oblique 9",
};

static void set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

static int fail(lc_pdf_doc *doc, int code, const char *what, cairo_status_t st)
{
	if (!doc->err)
		doc->err = lc_diag_set(&doc->diag, code, "PDF: %s: %s", what, cairo_status_to_string(st));
	return doc->err;
}

int lc_pdf_doc_init(lc_pdf_doc *doc, const char *running, enum lc_verdict verdict)
{
	memset(doc, 0, sizeof(*doc));
	snprintf(doc->running, sizeof(doc->running), "%s", running ? running : "");
	doc->verdict = verdict;
	/* pango's default font map is per thread (pango >= 1.32), so reports rendered in several slot threads do
	 * not share it; keeping it between reports keeps fontconfig's matches: about a third of the time of a
	 * report without plots, against a map of our own per call. */
	doc->fontmap = pango_cairo_font_map_get_default();
	if (doc->fontmap)
		g_object_ref(doc->fontmap);
	if (!doc->fontmap || !(doc->pango = pango_font_map_create_context(doc->fontmap)))
		return doc->err = lc_diag_set(&doc->diag, LC_ERR_NOMEM, "PDF: no pango context");
	/* One unit is one point: sizes in font_names are points, as on paper. Unhinted metrics, since a PDF is
	 * scaled by whoever views it and hinting to a device grid would only shift glyphs. */
	pango_cairo_context_set_resolution(doc->pango, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(doc->pango, fo);
	cairo_font_options_destroy(fo);
	for (int i = 0; i < LC_PDF_STYLE_COUNT; i++)
		if (!(doc->fonts[i] = pango_font_description_from_string(font_names[i])))
			return doc->err = lc_diag_set(&doc->diag, LC_ERR_NOMEM, "PDF: no font description");
	doc->measuring = true;
	lc_pdf_new_page(doc);
	doc->y = LC_PDF_MARGIN; /* the first page has the full header instead of the running one */
	return doc->err;
}

void lc_pdf_doc_free(lc_pdf_doc *doc)
{
	if (doc->cr)
		cairo_destroy(doc->cr);
	if (doc->page)
		cairo_surface_destroy(doc->page);
	if (doc->pdf)
		cairo_surface_destroy(doc->pdf);
	free(doc->footer);
	free(doc->heights);
	free(doc->memo);
	for (int i = 0; i < LC_PDF_STYLE_COUNT; i++)
		if (doc->fonts[i])
			pango_font_description_free(doc->fonts[i]);
	if (doc->pango)
		g_object_unref(doc->pango);
	if (doc->fontmap)
		g_object_unref(doc->fontmap);
	memset(doc, 0, sizeof(*doc));
}

static PangoLayout *layout(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double width, int max_lines,
			   enum lc_pdf_align align)
{
	PangoLayout *l = pango_layout_new(doc->pango);
	pango_layout_set_font_description(l, doc->fonts[st]);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	/* Digests, resources and key ids have no spaces: break them anywhere rather than overflow a cell. */
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (max_lines > 0) {
		pango_layout_set_height(l, -max_lines);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_set_alignment(l, align == LC_PDF_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	if (!text)
		text = "\xe2\x80\x94"; /* em dash: not recorded */
	/* pango shapes the whole text before it ellipsizes, and cairo keeps the elided part as the ellipsis'
	 * ActualText: a 64 MiB report with one huge string must not cost that. No line of the frame holds more
	 * than ~200 characters, so max_lines * 256 bytes (cut at a UTF-8 boundary) loses nothing visible. */
	size_t len = strlen(text), cap = max_lines > 0 ? (size_t)max_lines * 256 : len;
	if (len > cap) {
		while (cap > 0 && ((unsigned char)text[cap] & 0xc0) == 0x80)
			cap--;
		len = cap;
	}
	pango_layout_set_text(l, text, (int)len);
	return l;
}

/* FNV-1a over how a text is laid out and its bytes: the key of a noted height. */
static uint64_t height_key(enum lc_pdf_style st, const char *text, double width, int max_lines)
{
	uint64_t k = 0xcbf29ce484222325u;
	int64_t w = (int64_t)(width * 1024);
	unsigned char head[sizeof(st) + sizeof(w) + sizeof(max_lines)];
	memcpy(head, &st, sizeof(st));
	memcpy(head + sizeof(st), &w, sizeof(w));
	memcpy(head + sizeof(st) + sizeof(w), &max_lines, sizeof(max_lines));
	for (size_t i = 0; i < sizeof(head); i++)
		k = (k ^ head[i]) * 0x100000001b3u;
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++)
		k = (k ^ *p) * 0x100000001b3u;
	return text ? k : ~k;
}

/* Heights already shaped in this document, by text and how it is laid out. A table measures its header row
 * with every row it lays out, and its cells repeat (units, limits, lane numbers, verdict words): shaping each
 * again was about a fifth of a report's rendering CPU (issue 22). Only short texts, stored whole and compared
 * in full, so that a hash collision can never give a text another's height. */
#define MEMO_SLOTS 1024 /* a power of two */
#define MEMO_PROBES 8
#define MEMO_TEXT_MAX 64

struct lc_pdf_memo {
	struct {
		uint64_t key;
		double width, h;
		int style, max_lines;
		char text[MEMO_TEXT_MAX]; /* "" marks a free slot (an empty text is not kept) */
	} e[MEMO_SLOTS];
};

static bool memo_same(const struct lc_pdf_memo *m, size_t i, uint64_t key, enum lc_pdf_style st, const char *text,
		      double width, int max_lines)
{
	return m->e[i].key == key && m->e[i].style == (int)st && m->e[i].width == width &&
	       m->e[i].max_lines == max_lines && strcmp(m->e[i].text, text) == 0;
}

/* The slot of a kept height (*found), or a free slot to keep it in; SIZE_MAX: not kept and no room. */
static size_t memo_slot(lc_pdf_doc *doc, uint64_t key, enum lc_pdf_style st, const char *text, double width,
			int max_lines, bool *found)
{
	*found = false;
	if (!text || !text[0] || strlen(text) >= MEMO_TEXT_MAX)
		return SIZE_MAX;
	if (!doc->memo && !(doc->memo = calloc(1, sizeof(*doc->memo))))
		return SIZE_MAX; /* no memory for it: shape every time, as before */
	for (size_t p = 0; p < MEMO_PROBES; p++) {
		size_t i = (size_t)(key + p) & (MEMO_SLOTS - 1);
		if (!doc->memo->e[i].text[0])
			return i;
		if (memo_same(doc->memo, i, key, st, text, width, max_lines)) {
			*found = true;
			return i;
		}
	}
	return SIZE_MAX;
}

double lc_pdf_text_height(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double width, int max_lines)
{
	if (doc->err)
		return 0;
	uint64_t key = height_key(st, text, width, max_lines);
	/* The drawing pass asks for the heights in the measuring pass's order: shaping them again would cost
	 * as much as the measuring did. */
	if (!doc->measuring && doc->next_height < doc->n_heights) {
		if (doc->heights[doc->next_height].key == key)
			return doc->heights[doc->next_height++].h;
		doc->next_height = SIZE_MAX; /* the passes parted ways: measure from here on (finish will say) */
	}
	bool kept;
	size_t slot = memo_slot(doc, key, st, text, width, max_lines, &kept);
	double height;
	if (kept) {
		height = doc->memo->e[slot].h;
	} else {
		PangoLayout *l = layout(doc, st, text, width, max_lines, LC_PDF_LEFT);
		int w, h;
		pango_layout_get_size(l, &w, &h);
		g_object_unref(l);
		height = (double)h / PANGO_SCALE;
		if (slot != SIZE_MAX) {
			doc->memo->e[slot].key = key, doc->memo->e[slot].width = width, doc->memo->e[slot].h = height;
			doc->memo->e[slot].style = (int)st, doc->memo->e[slot].max_lines = max_lines;
			snprintf(doc->memo->e[slot].text, MEMO_TEXT_MAX, "%s", text);
		}
	}
	if (doc->measuring && doc->next_height != SIZE_MAX) {
		if (doc->n_heights == doc->cap_heights) {
			size_t cap = doc->cap_heights ? doc->cap_heights * 2 : 256;
			lc_pdf_height *nh = realloc(doc->heights, cap * sizeof(*nh));
			if (!nh) {
				doc->next_height = SIZE_MAX; /* no notes: the drawing pass measures again */
				return height;
			}
			doc->heights = nh, doc->cap_heights = cap;
		}
		doc->heights[doc->n_heights++] = (lc_pdf_height){key, height};
	}
	return height;
}

void lc_pdf_text_at(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double x, double y, double width,
		    int max_lines, enum lc_pdf_align align, unsigned rgb)
{
	if (doc->err || doc->measuring)
		return;
	PangoLayout *l = layout(doc, st, text, width, max_lines, align);
	set_rgb(doc->cr, st == LC_PDF_MISSING && !rgb ? 0x8b1010 : rgb ? rgb : 0x222222);
	cairo_move_to(doc->cr, x, y);
	pango_cairo_show_layout(doc->cr, l);
	g_object_unref(l);
}

static void running_header(lc_pdf_doc *doc)
{
	double bw = lc_pdf_badge_word(doc, 0, -100, doc->verdict, doc->verdict_word, 7.5); /* measured off the page */
	lc_pdf_text_at(doc, LC_PDF_SMALL, doc->running, LC_PDF_MARGIN, 26, LC_PDF_WIDTH - bw - 10, 1, LC_PDF_LEFT,
		       0x555555);
	lc_pdf_badge_word(doc, LC_PDF_PAGE_W - LC_PDF_MARGIN - bw, 24, doc->verdict, doc->verdict_word, 7.5);
	set_rgb(doc->cr, 0xbbbbbb);
	cairo_set_line_width(doc->cr, 0.5);
	cairo_move_to(doc->cr, LC_PDF_MARGIN, 42);
	cairo_line_to(doc->cr, LC_PDF_PAGE_W - LC_PDF_MARGIN, 42);
	cairo_stroke(doc->cr);
}

static void footer(lc_pdf_doc *doc, size_t page, size_t pages);

/* Ends the current page: the measuring pass drops it, the drawing pass gives it its footer and writes it. */
static void end_page(lc_pdf_doc *doc)
{
	if (!doc->cr)
		return;
	if (!doc->measuring && !doc->err) {
		footer(doc, doc->n_pages, doc->total_pages);
		cairo_show_page(doc->cr);
	}
	cairo_status_t st = cairo_status(doc->cr);
	cairo_destroy(doc->cr);
	doc->cr = NULL;
	if (doc->page) {
		cairo_surface_destroy(doc->page);
		doc->page = NULL;
	}
	if (st != CAIRO_STATUS_SUCCESS)
		fail(doc, st == CAIRO_STATUS_NO_MEMORY ? LC_ERR_NOMEM : LC_ERR_IO, "drawing a page", st);
#ifdef __GLIBC__
	/* A page's transient allocations (its layouts, the paginated surface's recording of it) leave free holes
	 * inside the heap, which glibc's free() keeps resident (it only trims the heap's top): handing their
	 * pages back after each page lowers the renderer's peak RSS by 0.2-0.4 MiB (issue 22). */
	malloc_trim(0);
#endif
}

void lc_pdf_new_page(lc_pdf_doc *doc)
{
	if (doc->err)
		return;
	end_page(doc);
	if (doc->err)
		return;
	cairo_surface_t *target = doc->pdf;
	if (doc->measuring) {
		cairo_rectangle_t a4 = {0, 0, LC_PDF_PAGE_W, LC_PDF_PAGE_H};
		target = doc->page = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
	}
	doc->n_pages++;
	doc->cr = cairo_create(target); /* a fresh state on each page, in both passes */
	if (cairo_status(doc->cr) != CAIRO_STATUS_SUCCESS) {
		fail(doc, LC_ERR_NOMEM, "new page", cairo_status(doc->cr));
		return;
	}
	doc->y = LC_PDF_TOP;
	if (doc->n_pages > 1)
		running_header(doc);
}

void lc_pdf_need(lc_pdf_doc *doc, double h)
{
	/* At the top of a page already: a new page would not help, draw what fits. */
	if (!doc->err && doc->y + h > LC_PDF_BOTTOM && doc->y > LC_PDF_TOP + 1)
		lc_pdf_new_page(doc);
}

void lc_pdf_space(lc_pdf_doc *doc, double h)
{
	doc->y += h;
}

void lc_pdf_paragraph(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double indent, unsigned rgb)
{
	/* 40 lines at most: a reason or an error text never grows beyond a page. */
	double h = lc_pdf_text_height(doc, st, text, LC_PDF_WIDTH - indent, 40);
	lc_pdf_need(doc, h);
	lc_pdf_text_at(doc, st, text, LC_PDF_MARGIN + indent, doc->y, LC_PDF_WIDTH - indent, 40, LC_PDF_LEFT, rgb);
	doc->y += h + 2;
}

void lc_pdf_heading(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double keep, bool with_badge,
		    enum lc_verdict verdict)
{
	lc_pdf_heading_word(doc, st, text, keep, with_badge, verdict, NULL);
}

void lc_pdf_heading_word(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double keep, bool with_badge,
			 enum lc_verdict verdict, const char *word)
{
	double h = lc_pdf_text_height(doc, st, text, LC_PDF_WIDTH - 80, 2);
	lc_pdf_space(doc, st == LC_PDF_H2 ? 10 : 6);
	lc_pdf_need(doc, h + keep);
	lc_pdf_text_at(doc, st, text, LC_PDF_MARGIN, doc->y, LC_PDF_WIDTH - 80, 2, LC_PDF_LEFT, 0);
	if (with_badge && !doc->err) {
		PangoLayout *l = layout(doc, st, text, LC_PDF_WIDTH - 80, 2, LC_PDF_LEFT);
		PangoRectangle ink, logical;
		pango_layout_get_pixel_extents(l, &ink, &logical);
		g_object_unref(l);
		lc_pdf_badge_word(doc, LC_PDF_MARGIN + logical.width + 8, doc->y + 1, verdict, word, 7.5);
	}
	doc->y += h + 3;
	if (st == LC_PDF_H2 && !doc->err) {
		set_rgb(doc->cr, 0xcccccc);
		cairo_set_line_width(doc->cr, 0.6);
		cairo_move_to(doc->cr, LC_PDF_MARGIN, doc->y);
		cairo_line_to(doc->cr, LC_PDF_PAGE_W - LC_PDF_MARGIN, doc->y);
		cairo_stroke(doc->cr);
		doc->y += 5;
	}
}

static void footer(lc_pdf_doc *doc, size_t page, size_t pages)
{
	cairo_t *cr = doc->cr;
	set_rgb(cr, 0xbbbbbb);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, LC_PDF_MARGIN, 808);
	cairo_line_to(cr, LC_PDF_PAGE_W - LC_PDF_MARGIN, 808);
	cairo_stroke(cr);
	char num[64];
	snprintf(num, sizeof(num), "page %zu of %zu", page, pages);
	lc_pdf_text_at(doc, LC_PDF_MONO, doc->footer, LC_PDF_MARGIN, 813, LC_PDF_WIDTH - 80, 1, LC_PDF_LEFT, 0x444444);
	lc_pdf_text_at(doc, LC_PDF_SMALL, num, LC_PDF_PAGE_W - LC_PDF_MARGIN - 80, 813, 80, 1, LC_PDF_RIGHT, 0x444444);
}

int lc_pdf_doc_draw(lc_pdf_doc *doc, cairo_write_func_t write_fn, void *closure, const char *footer_text,
		    const char *const metadata[5])
{
	if (doc->err)
		return doc->err;
	if (!doc->measuring)
		return doc->err = lc_diag_set(&doc->diag, LC_ERR_STATE, "PDF: the drawing pass has begun already");
	end_page(doc);
	if (doc->err)
		return doc->err;
	doc->measuring = false;
	doc->total_pages = doc->n_pages;
	doc->n_pages = 0;
	if (doc->next_height != SIZE_MAX)
		doc->next_height = 0;
	if (!(doc->footer = strdup(footer_text ? footer_text : "")))
		return doc->err = lc_diag_set(&doc->diag, LC_ERR_NOMEM, "PDF: out of memory");
	doc->pdf = cairo_pdf_surface_create_for_stream(write_fn, closure, LC_PDF_PAGE_W, LC_PDF_PAGE_H);
	if (cairo_surface_status(doc->pdf) != CAIRO_STATUS_SUCCESS)
		return fail(doc, LC_ERR_NOMEM, "PDF surface", cairo_surface_status(doc->pdf));
	static const cairo_pdf_metadata_t keys[5] = {CAIRO_PDF_METADATA_TITLE, CAIRO_PDF_METADATA_AUTHOR,
						     CAIRO_PDF_METADATA_SUBJECT, CAIRO_PDF_METADATA_CREATOR,
						     CAIRO_PDF_METADATA_CREATE_DATE};
	for (int i = 0; i < 5 && metadata; i++)
		if (metadata[i])
			cairo_pdf_surface_set_metadata(doc->pdf, keys[i], metadata[i]);
	lc_pdf_new_page(doc);
	doc->y = LC_PDF_MARGIN;
	return doc->err;
}

int lc_pdf_doc_finish(lc_pdf_doc *doc)
{
	if (doc->err)
		return doc->err;
	if (doc->measuring || !doc->pdf)
		return doc->err = lc_diag_set(&doc->diag, LC_ERR_STATE, "PDF: finished before the drawing pass");
	end_page(doc);
	if (doc->err)
		return doc->err;
	if (doc->n_pages != doc->total_pages)
		return doc->err = lc_diag_set(&doc->diag, LC_ERR_STATE,
					      "PDF: the drawing pass made %zu pages, the measuring pass %zu", doc->n_pages,
					      doc->total_pages);
	cairo_surface_finish(doc->pdf);
	cairo_status_t st = cairo_surface_status(doc->pdf);
	cairo_surface_destroy(doc->pdf);
	doc->pdf = NULL;
	if (st != CAIRO_STATUS_SUCCESS)
		return fail(doc, st == CAIRO_STATUS_NO_MEMORY ? LC_ERR_NOMEM : LC_ERR_IO, "writing the PDF", st);
	return doc->err;
}

cairo_status_t lc_pdf_mem_write(void *closure, const unsigned char *data, unsigned int n)
{
	lc_pdf_mem *k = closure;
	if (k->len + n > k->cap) {
		size_t cap = k->cap ? k->cap : 65536;
		while (k->len + n > cap)
			cap *= 2;
		char *np = realloc(k->p, cap);
		if (!np)
			return CAIRO_STATUS_WRITE_ERROR;
		k->p = np, k->cap = cap;
	}
	memcpy(k->p + k->len, data, n);
	k->len += n;
	return CAIRO_STATUS_SUCCESS;
}
