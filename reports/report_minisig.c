/* report.json.minisig: the report's minisign signature and the trusted comment it carries (reports/report.h). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "reports/report.h"
#include "reports/report_format_priv.h"
#include "reports/report_json.h"
#include "reports/sign.h"

int lc_report_trusted_comment(const lc_result *r, char *buf, size_t size, lc_diag *diag)
{
	lc_result_dut d = lc_result_get_dut(r);
	char serial[256], when[32] = "unknown";
	/* The signed line names the serial whole or not at all: a cut serial would sign another cable's name. */
	if ((size_t)snprintf(serial, sizeof(serial), "%s", d.serial ? d.serial : "unknown") >= sizeof(serial))
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "trusted comment: the serial is longer than %zu bytes",
				   sizeof(serial) - 1);
	/* One line, tab-separated fields: a serial must not be able to forge another field. */
	for (char *p = serial; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	int64_t t = lc_result_end_ms(r) != LC_TIME_NONE ? lc_result_end_ms(r) : lc_result_start_ms(r);
	if (t != LC_TIME_NONE)
		lc_time_format(t, when, NULL);
	int n = snprintf(buf, size, "lanecert-report\tserial:%s\tverdict:%s\ttime:%s\tfile:report.json", serial,
			 lc_verdict_name(lc_result_verdict(r)), when);
	if (n < 0 || (size_t)n >= size)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "trusted comment too long");
	return 0;
}

static bool minisig_wanted(const lc_report_job *job)
{
	return job->key != NULL;
}

static int minisig_render(lc_report_job *job, lc_report_bytes *out, lc_diag *diag)
{
	char tc[LC_TRUSTED_COMMENT_MAX + 1];
	char *sig = NULL;
	int rc;
	if ((rc = lc_report_trusted_comment(job->result, tc, sizeof(tc), diag)) < 0 ||
	    (rc = lc_sign_buffer(job->key, job->json, job->json_len, tc, &sig, diag)) < 0)
		return rc;
	*out = (lc_report_bytes){.data = sig, .len = strlen(sig), .owned = sig};
	return 0;
}

/* No registered media type exists for minisign signatures: it is a text file. */
const lc_report_format lc_report_format_minisig = {
	.name = "minisig",
	.file = "report.json.minisig",
	.media_type = "text/plain",
	.path_offset = offsetof(lc_report_paths, sig),
	.wanted = minisig_wanted,
	.render = minisig_render,
};
