/*
 * lanecert-render DIR [--public-key LINE] [--pubkey-hint NAME] [--no-html] [--no-pdf] [-v]: the views of the
 * report.json staged in DIR (report.html with plots/, report.pdf), rendered into DIR. A program of its own,
 * installed beside lanecert-full (cli/full_program.h) and linking only what rendering needs, so that the
 * certifying process never loads the renderers and each renderer's peak RSS is rendering's alone;
 * lc_report_publish_new() then adopts the views only when DIR's report.json is the one it signs. Prints
 * nothing on success; exit 0, or the error's exit code with the reason on stderr.
 *
 * lanecert-render --serve [--public-key LINE] [...] [-v]: the same for one folder after another, as `lanecert
 * run` uses it (cli/run_reports.c): it starts its renderers before the slots measure, so that their start (the
 * program, fontconfig, pango) is paid while the instruments work, and hands each a slot's folder as the slot
 * finishes. Requests on stdin: a folder's path ended by a NUL byte; for each, one line on stdout: "ok", or
 * "error N" (N the exit code a one-folder run would have returned; the reason on stderr). Exit 0 at the end of
 * stdin, 65 on a request that is not NUL-ended.
 */
#include <getopt.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/full_program.h"
#include <lanecert/results.h>
#include <lanecert/base.h>

/* One folder's views; 0 or the exit code, the reason said on stderr. */
static int render_one(const char *dir, const char *public_key, const lc_report_options *o)
{
	lc_report_paths paths;
	lc_diag d;
	int rc = lc_report_render_folder(dir, public_key, o, &paths, &d);
	return rc < 0 ? lc_cli_fail("render", rc, &d, dir) : LC_EXIT_OK;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* --serve: folders from stdin until its end (the head of this file). */
static int serve(const char *public_key, const lc_report_options *o)
{
	char *dir = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = LC_EXIT_OK;
	lc_report_render_warm(o); /* while lanecert run's slots still measure */
	while ((n = getdelim(&dir, &cap, '\0', stdin)) > 0) {
		if (dir[n - 1] != '\0') { /* the end of stdin inside a request: its sender went away */
			lc_cli_error("render", "a request without its NUL end (%zd bytes)", n);
			rc = LC_EXIT_DATAERR;
			break;
		}
		char reply[32];
		int one = render_one(dir, public_key, o);
		snprintf(reply, sizeof(reply), one == LC_EXIT_OK ? "ok\n" : "error %d\n", one);
		if (write_all(1, reply, strlen(reply)) < 0)
			break; /* nobody waits for the answer any more */
	}
	free(dir);
	lc_report_render_end();
	return rc;
}

int main(int argc, char **argv)
{
	enum { O_PUBKEY = 256, O_HINT, O_NOHTML, O_NOPDF, O_SERVE };
	static const struct option opts[] = {
		{"public-key", required_argument, NULL, O_PUBKEY}, {"pubkey-hint", required_argument, NULL, O_HINT},
		{"no-html", no_argument, NULL, O_NOHTML},	  {"no-pdf", no_argument, NULL, O_NOPDF},
		{"serve", no_argument, NULL, O_SERVE},
		{"help", no_argument, NULL, 'h'},		  {NULL, 0, NULL, 0},
	};
	const char *public_key = NULL;
	lc_report_options o = {0};
	int c, verbose = 0;
	bool serving = false;
	optind = 1;
	while ((c = lc_cli_getopt("render", argc, argv, "hv", opts)) != -1) {
		switch (c) {
		case 'v': verbose++; break;
		case O_PUBKEY: public_key = optarg; break;
		case O_HINT: o.pubkey_hint = optarg; break;
		case O_NOHTML: o.no_html = true; break;
		case O_NOPDF: o.no_pdf = true; break;
		case O_SERVE: serving = true; break;
		case 'h':
			printf("usage: lanecert-render DIR|--serve [--public-key LINE] [--pubkey-hint NAME] [--no-html] "
			       "[--no-pdf] [-v]\n\nRenders report.html (with plots/) and report.pdf from DIR/report.json into DIR "
			       "(lanecert run's renderer). --serve: for each NUL-ended folder on stdin, one line on stdout,\n"
			       "\"ok\" or \"error N\".\n");
			return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind >= argc && !serving) {
		lc_cli_error("render", "no folder: lanecert-render DIR");
		return LC_EXIT_USAGE;
	}
	if (optind + (serving ? 0 : 1) < argc)
		return lc_cli_unexpected("render", argv[optind + (serving ? 0 : 1)]);
	lc_cli_setup_logging(verbose);
	/* the PDF's plots are drawn by lanecert-render-plots, found as lanecert finds this program */
	char plots[PATH_MAX];
	if (lc_cli_helper_path("lanecert-render-plots", plots, sizeof(plots)) == 0)
		o.plot_program = plots;
	int rc = serving ? serve(public_key, &o) : render_one(argv[optind], public_key, &o);
	if (rc != LC_EXIT_OK && !serving)
		return rc;
	/* `lanecert run -v` passes -v: the renderer's own figure, which bench run reads (its children, the plot
	 * drawer and qpdf, are said by the library as it reaps them) */
	lc_log(LC_LOG_INFO, "render-self", "peak RSS %ld KiB", lc_cli_peak_rss_kib());
	return rc;
}
