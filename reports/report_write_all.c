/* lc_report_write() and lc_report_write_new(): the writer of reports/report_write.c with every format of the
 * table rendered in this process. In a file of its own: a program that only publishes views rendered
 * elsewhere (lc_report_publish_new) does not link the renderers and their libraries. */
#include <string.h>

#include "reports/report.h"
#include "reports/report_format_priv.h"

int lc_report_write_new(lc_result *r, int out_fd, const char *out_label, const char *name, const lc_sign_key *key,
			lc_report_paths *paths, const lc_report_options *opt, lc_diag *diag)
{
	if (!r || out_fd < 0 || !out_label || !paths || !name || !*name || name[0] == '.' || strchr(name, '/'))
		return lc_diag_set(diag, LC_ERR_ARG, "report: no result, folder, or a folder name that is not plain");
	return lc_report_write_with(lc_report_formats, -1, r, out_fd, out_label, name, key, paths, opt, diag);
}

int lc_report_write(lc_result *r, const char *out_dir, const lc_sign_key *key, lc_report_paths *paths,
		    const lc_report_options *opt, lc_diag *diag)
{
	if (!r || !out_dir || !*out_dir || !paths)
		return lc_diag_set(diag, LC_ERR_ARG, "report: no result, directory or paths");
	return lc_report_write_with(lc_report_formats, -1, r, -1, out_dir, NULL, key, paths, opt, diag);
}
