/*
 * lanecert-render DIR [--public-key LINE] [--pubkey-hint NAME] [--no-html] [--no-pdf] [-v]: the views of the
 * report.json staged in DIR (report.html with plots/, report.pdf), rendered into DIR. A program of its own,
 * installed beside lanecert-full (cli/full_program.h) and linking only what rendering needs: `lanecert run`
 * spawns it for each slot as the slot finishes, so that the certifying process never loads the renderers and
 * each renderer's peak RSS is rendering's alone; lc_report_publish_new() then adopts the views only when
 * DIR's report.json is the one it signs. Prints nothing on success; exit 0, or the error's exit code with the
 * reason on stderr.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/full_program.h"
#include <lanecert/results.h>
#include <lanecert/base.h>

int main(int argc, char **argv)
{
	enum { O_PUBKEY = 256, O_HINT, O_NOHTML, O_NOPDF };
	static const struct option opts[] = {
		{"public-key", required_argument, NULL, O_PUBKEY}, {"pubkey-hint", required_argument, NULL, O_HINT},
		{"no-html", no_argument, NULL, O_NOHTML},	  {"no-pdf", no_argument, NULL, O_NOPDF},
		{"help", no_argument, NULL, 'h'},		  {NULL, 0, NULL, 0},
	};
	const char *public_key = NULL;
	lc_report_options o = {0};
	int c, verbose = 0;
	optind = 1;
	while ((c = lc_cli_getopt("render", argc, argv, "hv", opts)) != -1) {
		switch (c) {
		case 'v': verbose++; break;
		case O_PUBKEY: public_key = optarg; break;
		case O_HINT: o.pubkey_hint = optarg; break;
		case O_NOHTML: o.no_html = true; break;
		case O_NOPDF: o.no_pdf = true; break;
		case 'h':
			printf("usage: lanecert-render DIR [--public-key LINE] [--pubkey-hint NAME] [--no-html] "
			       "[--no-pdf] [-v]\n\nRenders report.html (with plots/) and report.pdf from DIR/report.json into DIR "
			       "(lanecert run's renderer).\n");
			return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		lc_cli_error("render", "no folder: lanecert-render DIR");
		return LC_EXIT_USAGE;
	}
	if (optind + 1 < argc)
		return lc_cli_unexpected("render", argv[optind + 1]);
	lc_cli_setup_logging(verbose);
	/* the PDF's plots are drawn by lanecert-render-plots, found as lanecert finds this program */
	char plots[PATH_MAX];
	if (lc_cli_helper_path("lanecert-render-plots", plots, sizeof(plots)) == 0)
		o.plot_program = plots;
	lc_report_paths paths;
	lc_diag d;
	int rc = lc_report_render_folder(argv[optind], public_key, &o, &paths, &d);
	if (rc < 0)
		return lc_cli_fail("render", rc, &d, argv[optind]);
	/* `lanecert run -v` passes -v: the renderer's own figure, which bench run reads (its children, the plot
	 * drawer and qpdf, are said by the library as it reaps them) */
	lc_log(LC_LOG_INFO, "render-self", "peak RSS %ld KiB", lc_cli_peak_rss_kib());
	return LC_EXIT_OK;
}
