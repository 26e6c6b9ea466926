/*
 * lc_report_render_folder(): the views of a report (report_formats.def's VIEW lines: report.html with plots/,
 * report.pdf) rendered from the report.json in a folder, in a process of their own: `lanecert run` stages each
 * slot's report.json and lets its renderer child (lanecert-full render-views) draw them while the other slots
 * still measure, and the certifying process never loads cairo, pango or librsvg (issue 22: its peak RSS).
 * lc_report_publish_new() then adopts the views only when they were rendered from the very bytes it signs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/atomic_file.h"
#include "reports/pdf_layout_priv.h"
#include "reports/pdf_plotter_priv.h"
#include "reports/plot.h"
#include "reports/report.h"
#include "reports/report_format_priv.h"

const lc_report_format *const lc_report_view_formats[] = {
#define LC_REPORT_RECORD(id)
#define LC_REPORT_VIEW(id) &lc_report_format_##id,
#include "reports/report_formats.def"
#undef LC_REPORT_RECORD
#undef LC_REPORT_VIEW
	NULL,
};

/* The key line the views will show must be the key that signs the report: a well-formed minisign Ed25519 key
 * whose id is report.json's key_id. */
static int check_key_line(const char *public_key, const char *json, size_t jlen, lc_diag *diag)
{
	char text[160];
	lc_pubkey pub;
	if ((size_t)snprintf(text, sizeof(text), "untrusted comment: the views' key\n%s\n", public_key) >= sizeof(text) ||
	    lc_pubkey_parse(text, strlen(text), &pub, NULL) < 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "render: the public key '%.80s' is no minisign Ed25519 key line",
				   public_key);
	char id[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey_id(&pub, id);
	json_t *root = json_loadb(json, jlen, 0, NULL);
	const char *named = json_string_value(json_object_get(root, "key_id"));
	int rc = 0;
	if (!named || strcmp(named, id) != 0)
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "render: the public key (id %s) is not the key report.json names "
				 "(%s)", id, named ? named : "none");
	json_decref(root);
	return rc;
}

int lc_report_render_folder(const char *dir, const char *public_key, const lc_report_options *opt,
			    lc_report_paths *paths, lc_diag *diag)
{
	lc_report_options none = {0};
	if (!dir || !*dir || !paths)
		return lc_diag_set(diag, LC_ERR_ARG, "render: no folder or paths");
	if (!opt)
		opt = &none;
	memset(paths, 0, sizeof(*paths));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lc_diag_set(diag, errno == ENOENT ? LC_ERR_NOT_FOUND : LC_ERR_IO, "cannot open %s: %s", dir,
				   strerror(errno));
	char path[PATH_MAX], *json = NULL;
	size_t jlen = 0;
	int rc = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/report.json", dir) >= sizeof(path))
		rc = lc_diag_set(diag, LC_ERR_ARG, "path too long: %s", dir);
	if (rc == 0)
		rc = lc_read_file(path, LC_REPORT_JSON_MAX, &json, &jlen, diag);
	if (rc == 0 && public_key)
		rc = check_key_line(public_key, json, jlen, diag);
	lc_result_sha256_hex(json ? json : "", jlen, paths->sha256);
	/* the PDF's plots are drawn by lanecert-render-plots and laid over the text's pages by qpdf, so that this
	 * process never loads librsvg (reports/pdf_plotter_priv.h) */
	lc_pdf_plotter plotter = lc_pdf_plotter_child(opt->plot_program);
	lc_report_job job = {.json = json, .json_len = jlen, .public_key = public_key, .opt = opt, .dirfd = dfd,
			     .paths = paths, .plotter = &plotter};
	for (size_t i = 0; rc == 0 && lc_report_view_formats[i]; i++) {
		const lc_report_format *f = lc_report_view_formats[i];
		lc_report_bytes b = {0};
		if (f->wanted && !f->wanted(&job))
			continue;
		if ((rc = f->render(&job, &b, diag)) < 0)
			break;
		rc = lc_atomic_write_at(dfd, f->file, b.data, b.len, 0644, LC_ATOMIC_REPLACE, diag);
		free(b.owned);
		if (rc == 0 && f->path_offset != LC_REPORT_NO_PATH &&
		    (size_t)snprintf((char *)paths + f->path_offset, PATH_MAX, "%s/%s", dir, f->file) >= PATH_MAX)
			rc = lc_diag_set(diag, LC_ERR_ARG, "path too long: %s", dir);
	}
	lc_plots_free(&job.plots);
	free(json);
	close(dfd);
	return rc;
}

void lc_report_render_warm(const lc_report_options *opt)
{
	/* started first: they load their libraries while we load ours */
	if (!(opt && ((opt->no_html && opt->no_pdf) || (opt->gnuplot && !*opt->gnuplot)))) /* "": no plots */
		lc_gnuplot_keep(opt ? opt->gnuplot : NULL);
	if (opt && opt->plot_program && *opt->plot_program)
		lc_pdf_drawer_keep(opt->plot_program);
	lc_pdf_doc doc;
	if (lc_pdf_doc_init(&doc, NULL, LC_VERDICT_NONE) == 0)
		for (int st = 0; st < LC_PDF_STYLE_COUNT; st++)
			lc_pdf_text_height(&doc, (enum lc_pdf_style)st, "Insertion loss 0.25 dB \xe2\x80\x94 PASS", 200, 1);
	lc_pdf_doc_free(&doc);
}

void lc_report_render_end(void)
{
	lc_gnuplot_drop();
	lc_pdf_drawer_drop();
}
