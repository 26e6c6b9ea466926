/*
 * Inside the job summary (reports/job_summary*.c): the views rendered from job.json's bytes and the trusted
 * comment both the writer and the verifier make from them.
 *
 * Thread safety: reentrant.
 */
#ifndef LC_REPORTS_JOB_SUMMARY_PRIV_H
#define LC_REPORTS_JOB_SUMMARY_PRIV_H

#include <jansson.h>
#include <stddef.h>

#include "reports/job_summary.h"

/* The trusted comment of a job summary from its parsed job.json (root): "lanecert-job\tjob:J\tcables:N\t
 * certified:K\ttime:T\tfile:job.json" (control characters of the job replaced by '?'). LC_ERR_FORMAT when
 * root lacks a member it needs, LC_ERR_OVERFLOW when size is too small. */
int lc_job_summary_comment(const json_t *root, char *buf, size_t size, lc_diag *diag);

/* The HTML view of job.json (root parsed from its bytes), malloc'ed into *html (*len without the NUL).
 * pubkey_hint and public_key (the .pub's base64 line, may be NULL) are shown in "verify with". */
int lc_job_summary_html(const json_t *root, const char *pubkey_hint, const char *public_key, char **html,
			size_t *len, lc_diag *diag);
/* The PDF view (A4, reports/pdf_layout_priv.h) into *pdf (malloc'ed, *len bytes). */
int lc_job_summary_pdf(const json_t *root, const char *pubkey_hint, const char *public_key, char **pdf,
		       size_t *len, lc_diag *diag);

#endif
