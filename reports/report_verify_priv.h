/* A report's verification from memory (reports/ only): the fleet ingest verifies the bytes a station sent.
 * Thread safety: reentrant. */
#ifndef LC_REPORTS_REPORT_VERIFY_PRIV_H
#define LC_REPORTS_REPORT_VERIFY_PRIV_H

#include <stddef.h>

#include "reports/report.h"

/* lc_report_verify() without files: the signature of json against pub, the key id the report records and the
 * trusted comment against the report (raw files are not checked: they are not here). info must be zeroed by
 * the caller. On success, out (may be NULL) receives the report read back (the caller frees it). */
int lc_report_verify_mem(const char *json, size_t jlen, const char *sig, size_t slen, const lc_pubkey *pub,
			 lc_report_verify_info *info, lc_result **out, lc_diag *diag);

#endif
