/* Running gnuplot as a child process: script on stdin, SVG on stdout, errors on stderr, with a deadline
 * (reports/child_run.c does the running, as for the PDF's plot drawer and qpdf). */
#include <stdlib.h>
#include <string.h>

#include "reports/child_run_priv.h"
#include "reports/plot.h"

int lc_gnuplot_run(const char *gnuplot, const char *script, size_t len, int timeout_ms, char **svg,
		   lc_diag *diag)
{
	const char *const argv[] = {gnuplot && *gnuplot ? gnuplot : "gnuplot", NULL};
	char *out;
	size_t out_len;
	int rc = lc_child_run(argv, "gnuplot", NULL, NULL, 0, script, len, timeout_ms, 64u << 20, &out, &out_len,
			      diag);
	if (rc < 0)
		return rc;
	if (!strstr(out, "<svg")) { /* exit 0 without a plot: a script that set no svg terminal, say */
		free(out);
		return lc_diag_set(diag, LC_ERR_IO, "gnuplot failed: no SVG produced");
	}
	*svg = out;
	return 0;
}
