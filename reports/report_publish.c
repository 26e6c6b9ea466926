/* lc_report_publish_new(): the signed record written here, the views adopted from a folder another process
 * rendered them into (lanecert run's renderer child, issue 22): the certifying process links no renderer. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "reports/report.h"
#include "reports/report_format_priv.h"

const lc_report_format *const lc_report_record_formats[] = {
#define LC_REPORT_RECORD(id) &lc_report_format_##id,
#define LC_REPORT_VIEW(id)
#include "reports/report_formats.def"
#undef LC_REPORT_RECORD
#undef LC_REPORT_VIEW
	NULL,
};

int lc_report_publish_new(lc_result *r, int out_fd, const char *out_label, const char *name, const lc_sign_key *key,
			  int views_fd, lc_report_paths *paths, const lc_report_options *opt, lc_diag *diag)
{
	if (!r || out_fd < 0 || !out_label || !paths || !name || !*name || name[0] == '.' ||
	    strchr(name, '/'))
		return lc_diag_set(diag, LC_ERR_ARG,
				   "report: no result, folder, or a folder name that is not plain");
	return lc_report_write_with(lc_report_record_formats, views_fd < 0 ? LC_REPORT_VIEWS_MISSING : views_fd, r, out_fd, out_label, name, key, paths, opt,
				    diag);
}
