/*
 * A small page layout engine for the PDF report (reports/report_pdf.c): a cursor running down A4 pages,
 * paragraphs, headings kept with what follows, tables whose rows wrap and that continue on the next page with
 * their header row repeated, verdict badges and empty frames for the plots (reports/pdf_plotter_priv.h).
 *
 * A document is laid out twice, by the same calls, so that each footer can say "page N of M" while no page is
 * kept once it is done (issue 22: the renderer's peak RSS; keeping every page as a cairo recording to replay
 * at the end cost 0.5-1.6 MiB):
 *     lc_pdf_doc_init(doc, ...);  BODY;          the measuring pass: the pages are counted and the text heights
 *                                                noted, no text is drawn and each page is dropped when the next
 *                                                one starts
 *     lc_pdf_doc_draw(doc, write_fn, ...);  BODY;  the drawing pass: the same calls draw straight onto the PDF,
 *                                                each page written out when the next one starts
 *     lc_pdf_doc_finish(doc);                    the last page and the PDF's end; LC_ERR_STATE when the passes
 *                                                did not come out alike (BODY must depend only on its input)
 * BODY must make the same calls with the same arguments both times; a text height noted in the first pass is
 * reused in the second (each text is shaped once to measure and once to draw, as with one pass).
 *
 * Errors are sticky: the first failure is kept in doc->err / doc->diag and later calls do nothing, so the
 * section code reads straight through and the caller checks once.
 *
 * Thread safety: a document belongs to one thread.
 */
#ifndef LC_REPORTS_PDF_LAYOUT_PRIV_H
#define LC_REPORTS_PDF_LAYOUT_PRIV_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixtures/verdict.h"
#include "base/error.h"
#include "reports/result.h"

/* A4 in PostScript points, and the printable frame. */
#define LC_PDF_PAGE_W 595.276
#define LC_PDF_PAGE_H 841.890
#define LC_PDF_MARGIN 40.0
#define LC_PDF_TOP 58.0     /* below the running header */
#define LC_PDF_BOTTOM 800.0 /* above the footer */
#define LC_PDF_WIDTH (LC_PDF_PAGE_W - 2 * LC_PDF_MARGIN)

enum lc_pdf_style {
	LC_PDF_BODY,    /* 9 pt */
	LC_PDF_SMALL,   /* 7.5 pt: table cells, footers */
	LC_PDF_SMALL_B, /* 7.5 pt bold: table header rows */
	LC_PDF_MONO,    /* 7.5 pt monospace: digests, key ids, commands */
	LC_PDF_H1,      /* 17 pt bold */
	LC_PDF_H2,      /* 12 pt bold: sections */
	LC_PDF_H3,      /* 10 pt bold: steps */
	LC_PDF_MISSING, /* 9 pt italic, dark red: what could not be shown */
	LC_PDF_STYLE_COUNT
};

enum lc_pdf_align { LC_PDF_LEFT, LC_PDF_RIGHT };

/* A text height noted in the measuring pass: key is a hash of the text and how it is laid out. */
typedef struct lc_pdf_height {
	uint64_t key;
	double h;
} lc_pdf_height;

typedef struct lc_pdf_doc {
	PangoFontMap *fontmap;
	PangoContext *pango;
	PangoFontDescription *fonts[LC_PDF_STYLE_COUNT];
	bool measuring;          /* the first pass: nothing is drawn that stays */
	size_t n_pages;          /* pages started in this pass */
	size_t total_pages;      /* the measuring pass's count, in the drawing pass */
	cairo_surface_t *page;   /* measuring pass: a throwaway recording of the current page */
	cairo_surface_t *pdf;    /* drawing pass: the PDF being written */
	char *footer;            /* drawing pass: the footer's text */
	cairo_t *cr;             /* drawing onto the current page */
	lc_pdf_height *heights;  /* noted by the measuring pass, in call order */
	struct lc_pdf_memo *memo; /* heights of short texts already shaped in this document (pdf_layout.c) */
	size_t n_heights, cap_heights, next_height; /* next_height: SIZE_MAX once the passes part ways */
	double y;                /* cursor, points from the top of the page */
	char running[512];       /* running header text of pages after the first */
	enum lc_verdict verdict; /* shown in the running header */
	const char *verdict_word; /* NULL, or what the running header's badge says instead (NOT CERTIFIED) */
	int err;
	lc_diag diag;
} lc_pdf_doc;

typedef struct lc_pdf_column {
	const char *title;
	double width;            /* points */
	enum lc_pdf_align align;
	enum lc_pdf_style style; /* of the body cells (the header row is LC_PDF_SMALL_B) */
} lc_pdf_column;

/* A cell of a table row: text (NULL: an em dash, "not recorded"), an optional colour (0: black) and, for
 * verdict columns, a badge instead of text. */
typedef struct lc_pdf_cell {
	const char *text;
	unsigned rgb;
	bool badge;
	enum lc_verdict verdict;
	const char *word;        /* a badge's text instead of the verdict's name (NOT CERTIFIED), may be NULL */
} lc_pdf_cell;

typedef struct lc_pdf_table {
	const lc_pdf_column *cols;
	size_t n_cols;
	size_t rows_on_page;     /* rows drawn since the header row was last drawn */
	size_t header_page;      /* the page (1-based count) where the header row was last drawn; 0: none */
} lc_pdf_table;

/* A PDF in memory: lc_pdf_doc_draw(doc, lc_pdf_mem_write, &mem, ...) appends to mem.p, which the caller
 * frees (also when drawing or finishing failed), after lc_pdf_doc_free(). */
typedef struct lc_pdf_mem {
	char *p;
	size_t len, cap;
} lc_pdf_mem;

cairo_status_t lc_pdf_mem_write(void *closure, const unsigned char *data, unsigned int n);

/* Starts the measuring pass (see above). */
int lc_pdf_doc_init(lc_pdf_doc *doc, const char *running, enum lc_verdict verdict);
void lc_pdf_doc_free(lc_pdf_doc *doc);
/* Ends the measuring pass and starts the drawing pass onto a PDF written through write_fn, each page with the
 * footer (left text, "page N of M"). metadata: title, author, subject, creator, create date (ISO 8601) — each
 * may be NULL. */
int lc_pdf_doc_draw(lc_pdf_doc *doc, cairo_write_func_t write_fn, void *closure, const char *footer,
		    const char *const metadata[5]);
/* Ends the drawing pass: the last page and the end of the PDF. */
int lc_pdf_doc_finish(lc_pdf_doc *doc);

void lc_pdf_new_page(lc_pdf_doc *doc);
/* Start a new page unless h points still fit above the footer. */
void lc_pdf_need(lc_pdf_doc *doc, double h);
void lc_pdf_space(lc_pdf_doc *doc, double h);

/* Height of text laid out in width (ellipsized after max_lines; 0: no limit), and drawing it. */
double lc_pdf_text_height(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double width, int max_lines);
void lc_pdf_text_at(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double x, double y, double width,
		    int max_lines, enum lc_pdf_align align, unsigned rgb);
/* A paragraph at the cursor, indented by indent, breaking to a new page when it does not fit. */
void lc_pdf_paragraph(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double indent, unsigned rgb);
/* A heading kept together with keep points of what follows, followed by a verdict badge if with_badge. */
void lc_pdf_heading(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double keep, bool with_badge,
		    enum lc_verdict verdict);

/* The same with the badge's own word (NULL: the verdict's name), as lc_pdf_badge_word(). */
void lc_pdf_heading_word(lc_pdf_doc *doc, enum lc_pdf_style st, const char *text, double keep, bool with_badge,
			 enum lc_verdict verdict, const char *word);
/* A verdict badge (coloured box, upper-case name) at x, y (top left) of font size pt; returns its width. */
double lc_pdf_badge(lc_pdf_doc *doc, double x, double y, enum lc_verdict v, double pt);
/* The same with a word of its own (NULL: the verdict's name); a word is drawn in the colours of an
 * inconclusive result, never a pass's green. */
double lc_pdf_badge_word(lc_pdf_doc *doc, double x, double y, enum lc_verdict v, const char *word, double pt);
/* Colours of a verdict: badge background and text. */
unsigned lc_pdf_verdict_bg(enum lc_verdict v);
unsigned lc_pdf_verdict_fg(enum lc_verdict v);

void lc_pdf_table_begin(lc_pdf_doc *doc, lc_pdf_table *t, const lc_pdf_column *cols, size_t n_cols);
void lc_pdf_table_row(lc_pdf_doc *doc, lc_pdf_table *t, const lc_pdf_cell *cells);
void lc_pdf_table_end(lc_pdf_doc *doc, lc_pdf_table *t);


/* The closing sections of the report (reports/pdf_equipment.c): instruments, references, raw data digests. */
void lc_pdf_equipment(lc_pdf_doc *doc, const lc_result *r);

#endif
