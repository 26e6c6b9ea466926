/* lc_report_verify(): signature, key id, trusted comment and raw data digests of a report (reports/report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "reports/report.h"
#include "reports/report_verify_priv.h"
#include "reports/report_json.h"
#include "reports/result_priv.h"

static int check_raw(const lc_result *r, const char *report_path, lc_report_verify_info *info, lc_diag *diag)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", report_path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	for (size_t i = 0; i < lc_result_raw_count(r); i++) {
		const lc_result_raw *raw = lc_result_raw_at(r, i);
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, raw->name) >= sizeof(path))
			return lc_diag_set(diag, LC_ERR_ARG, "path too long");
		char *data;
		size_t len;
		lc_diag d;
		int rc = lc_read_file(path, (size_t)1 << 32, &data, &len, &d);
		if (rc == LC_ERR_NOT_FOUND) {
			info->raw_missing++;
			continue;
		}
		if (rc < 0)
			return lc_diag_set(diag, rc, "%s", lc_diag_message(&d));
		char hex[LC_SHA256_HEX_LEN + 1];
		lc_result_sha256_hex(data, len, hex);
		free(data);
		if (strcmp(hex, raw->sha256) != 0 || len != raw->size)
			return lc_diag_set(diag, LC_ERR_VERIFY, "raw data %s does not match the digest in the report", raw->name);
		info->raw_checked++;
	}
	return 0;
}

int lc_report_verify_mem(const char *json, size_t jlen, const char *sig, size_t slen, const lc_pubkey *pub,
			 lc_report_verify_info *info, lc_result **out, lc_diag *diag)
{
	lc_result *r = NULL;
	int rc;
	if (jlen == 0)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "the report is empty");
	if ((rc = lc_verify_buffer(pub, json, jlen, sig, slen, info->trusted_comment, diag)) < 0)
		return rc;
	lc_pubkey_id(pub, info->key_id);
	/* The signature holds: the JSON is what the station wrote. Now its content must agree with it. */
	if ((rc = lc_report_json_read(json, jlen, &r, diag)) < 0)
		return rc;
	const char *kid = lc_result_key_id(r);
	if (!kid || strcmp(kid, info->key_id) != 0) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "the report names signing key %s but was signed with key %s",
				 kid ? kid : "(none)", info->key_id);
		goto out;
	}
	char expect[LC_TRUSTED_COMMENT_MAX + 1];
	if ((rc = lc_report_trusted_comment(r, expect, sizeof(expect), diag)) < 0)
		goto out;
	if (strcmp(expect, info->trusted_comment) != 0) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "the signed trusted comment does not describe this report");
		goto out;
	}
	info->verdict = lc_result_verdict(r);
	lc_result_dut d = lc_result_get_dut(r);
	snprintf(info->serial, sizeof(info->serial), "%s", d.serial ? d.serial : "");
out:
	if (rc == 0 && out)
		*out = r;
	else
		lc_result_free(r);
	return rc;
}

int lc_report_verify(const char *report_path, const char *sig_path, const lc_pubkey *pub,
		     lc_report_verify_info *info, lc_diag *diag)
{
	if (!report_path || !pub)
		return lc_diag_set(diag, LC_ERR_ARG, "verify: no report or key");
	lc_report_verify_info local;
	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	char sp[PATH_MAX];
	if (!sig_path) {
		if ((size_t)snprintf(sp, sizeof(sp), "%s.minisig", report_path) >= sizeof(sp))
			return lc_diag_set(diag, LC_ERR_ARG, "path too long");
		sig_path = sp;
	}
	char *json = NULL, *sig = NULL;
	size_t jlen, slen;
	lc_result *r = NULL;
	int rc = lc_read_file(report_path, LC_REPORT_JSON_MAX, &json, &jlen, diag);
	if (rc < 0)
		return rc;
	if ((rc = lc_read_file(sig_path, 64 * 1024, &sig, &slen, diag)) < 0) {
		if (rc == LC_ERR_NOT_FOUND)
			lc_diag_set(diag, rc, "no signature %s: the report is unsigned or the signature was not copied",
				    sig_path);
		goto out;
	}
	if (jlen == 0) {
		rc = lc_diag_set(diag, LC_ERR_TRUNCATED, "%s is empty", report_path);
		goto out;
	}
	if ((rc = lc_verify_buffer(pub, json, jlen, sig, slen, info->trusted_comment, diag)) < 0) {
		lc_diag_prefix(diag, "%s: ", sig_path);
		goto out;
	}
	if ((rc = lc_report_verify_mem(json, jlen, sig, slen, pub, info, &r, diag)) < 0) {
		lc_diag_prefix(diag, "%s: ", report_path);
		goto out;
	}
	rc = check_raw(r, report_path, info, diag);
out:
	lc_result_free(r);
	free(json), free(sig);
	return rc;
}
