/*
 * The files of a report folder, in one table like hal/'s transports: each format is one lc_report_format
 * entry at the bottom of its writer's own file, listed once in reports/report_formats.def. lc_report_write()
 * (reports/report_write.c) walks the table in its order; nothing else names a format.
 *
 * Thread safety: the table is constant; a lc_report_job belongs to one writer.
 */
#ifndef LC_REPORTS_REPORT_FORMAT_PRIV_H
#define LC_REPORTS_REPORT_FORMAT_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "reports/plot.h"
#include "reports/report.h"

#define LC_REPORT_NO_PATH ((size_t)-1)

/* One report being written: what every format renders from and what the formats share. */
typedef struct lc_report_job {
	const lc_result *result;
	const char *json;              /* report.json's canonical bytes: every view is rendered from them */
	size_t json_len;
	const lc_sign_key *key;        /* NULL: unsigned */
	const char *public_key;        /* the signing key's base64 line for the views when key is NULL (a renderer
	                                * that holds no secret key, lc_report_render_folder); NULL: from key */
	const lc_report_options *opt;  /* never NULL */
	int dirfd;                     /* the report folder, for a format's companion files (plots/) */
	lc_report_paths *paths;        /* plots_drawn / plots_missing */
	lc_plot_set plots;             /* drawn once, by the first view that draws them; freed by the writer */
	bool have_plots;               /* plots holds drawings the next view reuses (gnuplot runs once) */
	const struct lc_pdf_plotter *plotter; /* who draws the PDF's plots (reports/pdf_plotter_priv.h) */
} lc_report_job;

/* What render() produced: data (len bytes) is written as the format's file; owned (may be NULL) is freed
 * afterwards. data may point into the job (report.json is the job's own bytes). */
typedef struct lc_report_bytes {
	const char *data;
	size_t len;
	char *owned;
} lc_report_bytes;

typedef struct lc_report_format {
	const char *name;        /* "html": how docs and messages name it */
	const char *file;        /* "report.html": the file in the report folder */
	const char *media_type;  /* "text/html": the IANA media type of that file */
	size_t path_offset;      /* where lc_report_paths keeps the file's path (offsetof), or LC_REPORT_NO_PATH
	                          * for a file callers find by its name in the folder */
	/* Whether this report gets the file (NULL: always). */
	bool (*wanted)(const lc_report_job *job);
	/* Render the file's bytes. Returns 0 or a negative LC_ERR_* (diag says why; *out is then untouched). */
	int (*render)(lc_report_job *job, lc_report_bytes *out, lc_diag *diag);
} lc_report_format;

#define LC_REPORT_RECORD(id) extern const lc_report_format lc_report_format_##id;
#define LC_REPORT_VIEW(id) extern const lc_report_format lc_report_format_##id;
#include "reports/report_formats.def"
#undef LC_REPORT_RECORD
#undef LC_REPORT_VIEW

/* The tables, each NULL-terminated in writing order (report_formats.def), each in its own file so that a
 * program linking the static library gets the rendering libraries (cairo, pango, librsvg) only when it
 * references a table with the views:
 *   lc_report_formats[]        every format (reports/report_formats.c: lc_report_write(), lc_report_write_new())
 *   lc_report_record_formats[] the signed record only (reports/report_publish.c: lc_report_publish_new(), whose
 *                              views were rendered by another process)
 *   lc_report_view_formats[]   the views only (reports/report_render_folder.c: lc_report_render_folder()) */
extern const lc_report_format *const lc_report_formats[];
/* report.pdf with its plots drawn in this process (reports/pdf_svg.c): lc_report_formats' PDF */
extern const lc_report_format lc_report_format_here_pdf;
extern const lc_report_format *const lc_report_record_formats[];
extern const lc_report_format *const lc_report_view_formats[];

/* The writer of reports/report_write.c, with the formats to render in this process (formats) and, when
 * views_fd >= 0, the views to adopt from that folder (lc_report_publish_new()); views_fd
 * LC_REPORT_VIEWS_MISSING: views were wanted but none could be rendered (the report fails as an error); -1:
 * no views but those of formats. out_fd < 0 writes into the folder out_label (lc_report_write()). */
#define LC_REPORT_VIEWS_MISSING (-2)
int lc_report_write_with(const lc_report_format *const *formats, int views_fd, lc_result *r, int out_fd,
			 const char *out_label, const char *name, const lc_sign_key *key, lc_report_paths *paths,
			 const lc_report_options *opt, lc_diag *diag);

/* The views' file names: the views tables name them, and lc_report_publish_new() adopts them by name. */
#define LC_REPORT_HTML_FILE "report.html"
#define LC_REPORT_PDF_FILE "report.pdf"

/* Write the drawn plots of ps into dirfd's plots/ folder (created on the first one), counting them in
 * paths->plots_drawn and paths->plots_missing. 0 or a negative LC_ERR_*. (reports/report_view_files.c) */
int lc_report_write_plots(int dirfd, const lc_plot_set *ps, lc_report_paths *paths, lc_diag *diag);


/* Open the sub-folder name of dirfd (created first when create), never through a symlink or a file planted
 * in its place (LC_ERR_BUSY then). The descriptor, the caller's to close, or a negative LC_ERR_*.
 * (reports/report_view_files.c) */
int lc_report_open_subdir(int dirfd, const char *name, bool create, lc_diag *diag);

#endif
