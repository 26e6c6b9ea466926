/*
 * QA approval of a report (reports/report.h): a second minisign signature, by an approver's own key, over
 * the same report.json bytes the station signed, in a file of its own per approver
 * (report.json.approval-KEYID.minisig). Stock minisign verifies it
 * (`minisign -Vm report.json -x report.json.approval-KEYID.minisig -p approver.pub`); lanecert also checks
 * that its trusted comment describes this report (serial, verdict) and names the approver and the time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "reports/report.h"
#include "reports/report_json.h"
#include "reports/sign.h"

#define APPROVAL_TAG "lanecert-approval"

static void printable(char *s)
{
	/* One line, tab-separated fields: a serial must not be able to forge another field. */
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int lc_report_approval_comment(const lc_result *r, const char *approver, int64_t time_ms, char *buf, size_t size,
			       lc_diag *diag)
{
	if (!r || !approver || !*approver || !buf)
		return lc_diag_set(diag, LC_ERR_ARG, "approval: no report or no approver's name");
	for (const char *p = approver; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return lc_diag_set(diag, LC_ERR_ARG, "approval: the approver's name has a control character");
	if (strlen(approver) > 200)
		return lc_diag_set(diag, LC_ERR_ARG, "approval: the approver's name is longer than 200 bytes");
	char when[32];
	int rc = lc_time_format(time_ms, when, diag);
	if (rc < 0)
		return rc;
	lc_result_dut d = lc_result_get_dut(r);
	char serial[256];
	snprintf(serial, sizeof(serial), "%s", d.serial ? d.serial : "unknown");
	printable(serial);
	int n = snprintf(buf, size, APPROVAL_TAG "\tserial:%s\tverdict:%s\tapprover:%s\ttime:%s\tfile:report.json",
			 serial, lc_verdict_name(lc_result_verdict(r)), approver, when);
	if (n < 0 || (size_t)n >= size)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "approval: trusted comment too long");
	return 0;
}

int lc_report_approval_path(const char *report_path, const lc_pubkey *approver, char *buf, size_t size,
			    lc_diag *diag)
{
	if (!report_path || !approver || !buf)
		return lc_diag_set(diag, LC_ERR_ARG, "approval: no report or key");
	char id[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey_id(approver, id);
	int n = snprintf(buf, size, "%s.approval-%s.minisig", report_path, id);
	if (n < 0 || (size_t)n >= size)
		return lc_diag_set(diag, LC_ERR_ARG, "approval: path too long");
	return 0;
}

int lc_report_approve(const char *report_path, const lc_sign_key *key, const char *approver, int64_t time_ms,
		      char *sig_path, size_t sig_path_size, lc_diag *diag)
{
	if (!report_path || !key)
		return lc_diag_set(diag, LC_ERR_ARG, "approval: no report or key");
	char *json = NULL, *sig = NULL, tc[LC_TRUSTED_COMMENT_MAX + 1], path[PATH_MAX];
	size_t jlen;
	lc_result *r = NULL;
	lc_pubkey pub;
	lc_sign_key_public(key, &pub);
	int rc = lc_read_file(report_path, LC_REPORT_JSON_MAX, &json, &jlen, diag);
	if (rc < 0)
		return rc;
	/* Only a report lanecert can read is approved: a signature over garbage approves nothing. */
	if ((rc = lc_report_json_read(json, jlen, &r, diag)) < 0) {
		lc_diag_prefix(diag, "%s: ", report_path);
		goto out;
	}
	if ((rc = lc_report_approval_comment(r, approver, time_ms, tc, sizeof(tc), diag)) < 0 ||
	    (rc = lc_report_approval_path(report_path, &pub, path, sizeof(path), diag)) < 0 ||
	    (rc = lc_sign_buffer(key, json, jlen, tc, &sig, diag)) < 0)
		goto out;
	if ((rc = lc_atomic_write(path, sig, strlen(sig), 0644, LC_ATOMIC_NOREPLACE, diag)) < 0)
		goto out;
	if (sig_path && sig_path_size)
		snprintf(sig_path, sig_path_size, "%s", path);
out:
	lc_result_free(r);
	free(json), free(sig);
	return rc;
}

/* The value of "\tNAME:" in a trusted comment, up to the next tab, into out; false when absent. */
static bool field(const char *tc, const char *name, char *out, size_t size)
{
	char key[32];
	snprintf(key, sizeof(key), "\t%s:", name);
	const char *p = strstr(tc, key);
	if (!p)
		return false;
	p += strlen(key);
	size_t n = strcspn(p, "\t");
	if (n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

int lc_report_verify_approval(const char *report_path, const char *sig_path, const lc_pubkey *approver,
			      lc_report_approval_info *info, lc_diag *diag)
{
	if (!report_path || !approver)
		return lc_diag_set(diag, LC_ERR_ARG, "approval: no report or key");
	lc_report_approval_info local;
	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	char sp[PATH_MAX];
	int rc;
	if (!sig_path) {
		if ((rc = lc_report_approval_path(report_path, approver, sp, sizeof(sp), diag)) < 0)
			return rc;
		sig_path = sp;
	}
	char *json = NULL, *sig = NULL;
	size_t jlen, slen;
	lc_result *r = NULL;
	if ((rc = lc_read_file(report_path, LC_REPORT_JSON_MAX, &json, &jlen, diag)) < 0)
		return rc;
	if ((rc = lc_read_file(sig_path, 64 * 1024, &sig, &slen, diag)) < 0) {
		if (rc == LC_ERR_NOT_FOUND)
			lc_diag_set(diag, rc, "no approval %s: this key did not approve the report", sig_path);
		goto out;
	}
	if ((rc = lc_verify_buffer(approver, json, jlen, sig, slen, info->trusted_comment, diag)) < 0) {
		lc_diag_prefix(diag, "%s: ", sig_path);
		goto out;
	}
	lc_pubkey_id(approver, info->key_id);
	if ((rc = lc_report_json_read(json, jlen, &r, diag)) < 0) {
		lc_diag_prefix(diag, "%s: ", report_path);
		goto out;
	}
	/* The signature holds; the comment it covers must be an approval of this very report. */
	char when[32];
	int64_t t;
	if (strncmp(info->trusted_comment, APPROVAL_TAG "\t", strlen(APPROVAL_TAG) + 1) != 0 ||
	    !field(info->trusted_comment, "approver", info->approver, sizeof(info->approver)) ||
	    !field(info->trusted_comment, "time", when, sizeof(when)) || lc_time_parse(when, &t, NULL) < 0) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "%s: not a lanecert approval (trusted comment: %s)", sig_path,
				 info->trusted_comment);
		goto out;
	}
	char expect[LC_TRUSTED_COMMENT_MAX + 1];
	if ((rc = lc_report_approval_comment(r, info->approver, t, expect, sizeof(expect), diag)) < 0)
		goto out;
	if (strcmp(expect, info->trusted_comment) != 0) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "%s: the approval does not describe this report", sig_path);
		goto out;
	}
	info->time_ms = t;
out:
	lc_result_free(r);
	free(json), free(sig);
	return rc;
}
