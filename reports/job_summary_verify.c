/* lc_job_summary_verify(): a job summary's signature, key id, trusted comment and measurements export. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "reports/job_summary_priv.h"
#include "reports/report_json.h"
#include "reports/sign.h"

#define JOB_JSON_MAX LC_REPORT_JSON_MAX

bool lc_job_summary_file(const char *path)
{
	char *text;
	size_t len;
	if (!path || lc_read_file(path, JOB_JSON_MAX, &text, &len, NULL) < 0)
		return false;
	json_t *root = json_loadb(text, len, 0, NULL);
	free(text);
	const char *f = json_string_value(json_object_get(root, "format"));
	bool yes = f && strcmp(f, LC_JOB_SUMMARY_FORMAT) == 0;
	json_decref(root);
	return yes;
}

/* The export named by the summary, when it is beside it: its bytes must be the ones signed for. */
static int check_csv(const json_t *root, const char *path, lc_job_summary_verify_info *info, lc_diag *diag)
{
	const json_t *csv = json_object_get(root, "measurements_csv");
	if (json_is_null(csv))
		return 0;
	const char *name = json_string_value(json_object_get(csv, "name"));
	const char *sha = json_string_value(json_object_get(csv, "sha256"));
	if (!name || !sha || strchr(name, '/'))
		return lc_diag_set(diag, LC_ERR_FORMAT, "measurements_csv: no plain name or no sha256");
	char file[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dl = slash ? (int)(slash - path) : 1;
	if ((size_t)snprintf(file, sizeof(file), "%.*s/%s", dl, slash ? path : ".", name) >= sizeof(file))
		return lc_diag_set(diag, LC_ERR_ARG, "path too long");
	char *data;
	size_t len;
	lc_diag d;
	int rc = lc_read_file(file, (size_t)1 << 32, &data, &len, &d);
	if (rc == LC_ERR_NOT_FOUND)
		return 0; /* not copied with the summary: nothing to check */
	if (rc < 0)
		return lc_diag_set(diag, rc, "%s", lc_diag_message(&d));
	char hex[LC_SHA256_HEX_LEN + 1];
	lc_result_sha256_hex(data, len, hex);
	free(data);
	if (strcmp(hex, sha) != 0)
		return lc_diag_set(diag, LC_ERR_VERIFY, "%s does not match the digest in the job summary", name);
	info->csv_checked = true;
	return 0;
}

int lc_job_summary_verify(const char *path, const char *sig_path, const lc_pubkey *pub,
			  lc_job_summary_verify_info *info, lc_diag *diag)
{
	if (!path || !pub)
		return lc_diag_set(diag, LC_ERR_ARG, "verify: no job summary or key");
	lc_job_summary_verify_info local;
	info = info ? info : &local;
	memset(info, 0, sizeof(*info));
	char sp[PATH_MAX];
	if (!sig_path) {
		if ((size_t)snprintf(sp, sizeof(sp), "%s.minisig", path) >= sizeof(sp))
			return lc_diag_set(diag, LC_ERR_ARG, "path too long");
		sig_path = sp;
	}
	char *json = NULL, *sig = NULL;
	size_t jlen, slen;
	json_t *root = NULL;
	int rc = lc_read_file(path, JOB_JSON_MAX, &json, &jlen, diag);
	if (rc < 0)
		return rc;
	if ((rc = lc_read_file(sig_path, 64 * 1024, &sig, &slen, diag)) < 0) {
		if (rc == LC_ERR_NOT_FOUND)
			lc_diag_set(diag, rc, "no signature %s: the summary is unsigned or the signature was not copied",
				    sig_path);
		goto out;
	}
	if (jlen == 0) {
		rc = lc_diag_set(diag, LC_ERR_TRUNCATED, "%s is empty", path);
		goto out;
	}
	if ((rc = lc_verify_buffer(pub, json, jlen, sig, slen, info->trusted_comment, diag)) < 0) {
		lc_diag_prefix(diag, "%s: ", sig_path);
		goto out;
	}
	lc_pubkey_id(pub, info->key_id);
	/* The signature holds: the bytes are the station's. Their content must agree with what was signed. */
	json_error_t je;
	if (!(root = json_loadb(json, jlen, JSON_REJECT_DUPLICATES, &je))) {
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s", path, je.text);
		goto out;
	}
	const char *f = json_string_value(json_object_get(root, "format"));
	if (!f || strcmp(f, LC_JOB_SUMMARY_FORMAT) != 0 || json_integer_value(json_object_get(root, "format_version")) != 1) {
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s is not a job summary of format %s 1", path, LC_JOB_SUMMARY_FORMAT);
		goto out;
	}
	const char *kid = json_string_value(json_object_get(root, "key_id"));
	if (!kid || strcmp(kid, info->key_id) != 0) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "the summary names signing key %s but was signed with key %s",
				 kid ? kid : "(none)", info->key_id);
		goto out;
	}
	char expect[LC_TRUSTED_COMMENT_MAX + 1];
	if ((rc = lc_job_summary_comment(root, expect, sizeof(expect), diag)) < 0)
		goto out;
	if (strcmp(expect, info->trusted_comment) != 0) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "the signed trusted comment does not describe this job summary");
		goto out;
	}
	snprintf(info->job, sizeof(info->job), "%s", json_string_value(json_object_get(root, "job")));
	info->cables = (int)json_array_size(json_object_get(root, "cables"));
	info->certified = (int)json_integer_value(json_object_get(json_object_get(root, "counts"), "pass"));
	rc = check_csv(root, path, info, diag);
out:
	json_decref(root);
	free(json), free(sig);
	return rc;
}
