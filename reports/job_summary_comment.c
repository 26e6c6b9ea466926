/* The trusted comment of a job summary (reports/job_summary_priv.h): apart from the writer
 * (reports/job_summary.c, which renders the views), so that the verifier (reports/job_summary_verify.c) links
 * no renderer and `lanecert verify` runs in lanecert itself (docs/HACKING.md, "The programs"). */
#include <jansson.h>
#include <stdio.h>

#include "reports/job_summary_priv.h"

int lc_job_summary_comment(const json_t *root, char *buf, size_t size, lc_diag *diag)
{
	const char *job = json_string_value(json_object_get(root, "job"));
	const char *created = json_string_value(json_object_get(root, "created"));
	const json_t *cables = json_object_get(root, "cables");
	const json_t *pass = json_object_get(json_object_get(root, "counts"), "pass");
	if (!job || !created || !json_is_array(cables) || !json_is_integer(pass))
		return lc_diag_set(diag, LC_ERR_FORMAT, "job summary: job, created, cables or counts.pass missing");
	char safe[256];
	snprintf(safe, sizeof(safe), "%s", job);
	for (char *p = safe; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	int n = snprintf(buf, size, "lanecert-job\tjob:%s\tcables:%zu\tcertified:%lld\ttime:%s\tfile:job.json", safe,
			 json_array_size(cables), (long long)json_integer_value(pass), created);
	if (n < 0 || (size_t)n >= size)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "job summary: trusted comment too long");
	return 0;
}
