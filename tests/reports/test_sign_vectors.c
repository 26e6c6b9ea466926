/* Signatures against fixed vectors made by Debian's stock minisign (tests/data/minisign/README.md), so the
 * checks are not circular: lanecert must accept minisign's signatures, and minisign must accept lanecert's
 * signatures made with minisign's key. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/report.h"
#include "reports/sign.h"
#include "tests/reports/helpers.h"

static char *vec(const char *name)
{
	const char *src = getenv("LC_SOURCE_DIR");
	cr_assert(src, "LC_SOURCE_DIR is not set: run the test through ctest");
	char *dir = th_path(src, "tests/data/minisign"), *p = th_path(dir, name);
	free(dir);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0, "test vector %s is missing", p);
	return p;
}

static lc_pubkey stock_pub(void)
{
	char *p = vec("stock.pub");
	lc_pubkey pub;
	lc_diag d;
	cr_assert_eq(lc_pubkey_load(p, &pub, &d), 0, "%s: %s", p, d.text);
	free(p);
	return pub;
}

Test(sign_vectors, key_id_of_minisigns_key)
{
	lc_pubkey pub = stock_pub();
	char id[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey_id(&pub, id);
	cr_expect_str_eq(id, "1AC8FD68E4CB717A", "minisign printed this id when it made the key");
}

static void expect_minisign_signature(const char *msg_name, const char *trusted)
{
	lc_pubkey pub = stock_pub();
	char *mp = vec(msg_name), sig_name[128];
	snprintf(sig_name, sizeof(sig_name), "%s.minisig", msg_name);
	char *sp = vec(sig_name);
	size_t ml, sl;
	char *m = th_slurp(mp, &ml), *s = th_slurp(sp, &sl);
	cr_assert(m && s);
	char tc[LC_TRUSTED_COMMENT_MAX + 1];
	lc_diag d;
	cr_expect_eq(lc_verify_buffer(&pub, m, ml, s, sl, tc, &d), 0, "%s: %s", sig_name, d.text);
	cr_expect_str_eq(tc, trusted);
	/* one flipped byte of the message: refused */
	m[0] ^= 1;
	cr_expect_eq(lc_verify_buffer(&pub, m, ml, s, sl, tc, &d), LC_ERR_VERIFY, "%s on a changed message", sig_name);
	free(m), free(s), free(mp), free(sp);
}

Test(sign_vectors, lanecert_accepts_minisigns_prehashed_signature)
{
	expect_minisign_signature("message.txt", "trusted: prehashed signature by minisign 0.11");
}

Test(sign_vectors, lanecert_accepts_minisigns_legacy_signature)
{
	expect_minisign_signature("message-legacy.txt", "trusted: legacy signature by minisign 0.11");
}

/* A lanecert report whose signature minisign made: the whole report check holds (key id, trusted comment). */
Test(sign_vectors, report_signed_by_minisign_verifies)
{
	lc_pubkey pub = stock_pub();
	char *rp = vec("report/report.json");
	lc_report_verify_info info;
	lc_diag d;
	cr_assert_eq(lc_report_verify(rp, NULL, &pub, &info, &d), 0, "%s", d.text);
	cr_expect_str_eq(info.key_id, "1AC8FD68E4CB717A");
	cr_expect_str_eq(info.serial, "VECTOR-0001");
	cr_expect_eq(info.verdict, LC_VERDICT_PASS);
	/* the same report changed by one byte, under minisign's signature: refused */
	char *dir = th_scratch_dir("sign-vectors-report"), *copy = th_path(dir, "report.json");
	char *sigp = th_path(dir, "report.json.minisig"), *orig_sig = vec("report/report.json.minisig");
	size_t n, sn;
	char *json = th_slurp(rp, &n), *sig = th_slurp(orig_sig, &sn);
	char *at = strstr(json, "VECTOR-0001");
	cr_assert(at);
	at[10] = '2';
	th_spit(copy, json, n);
	th_spit(sigp, sig, sn);
	cr_expect_eq(lc_report_verify(copy, NULL, &pub, NULL, &d), LC_ERR_VERIFY, "a changed report: %s", d.text);
	free(json), free(sig), free(dir), free(copy), free(sigp), free(orig_sig), free(rp);
}

/* lanecert signs with minisign's key; Debian's minisign verifies against minisign's public key. */
Test(sign_vectors, minisign_accepts_lanecerts_signature_with_its_key)
{
	th_require("minisign", "minisign");
	char *dir = th_scratch_dir("sign-vectors");
	char *kp = th_path(dir, "stock.key"), *m = th_path(dir, "m.txt"), *sp = th_path(dir, "m.txt.minisig");
	char *src = vec("stock.key"), *pubp = vec("stock.pub");
	size_t kl;
	char *key = th_slurp(src, &kl);
	th_spit(kp, key, kl);
	cr_assert_eq(chmod(kp, 0600), 0); /* git keeps no modes; lanecert refuses keys others can read */
	lc_sign_key *k;
	lc_diag d;
	cr_assert_eq(lc_sign_key_load(kp, NULL, &k, &d), 0, "%s", d.text);
	static const char text[] = "signed by lanecert with a key minisign made\n";
	th_spit(m, text, strlen(text));
	char *sig;
	cr_assert_eq(lc_sign_buffer(k, text, strlen(text), "from lanecert", &sig, &d), 0, "%s", d.text);
	th_spit(sp, sig, strlen(sig));
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "minisign -Vqm '%s' -p '%s'", m, pubp);
	cr_expect_eq(th_run(cmd), 0, "minisign rejects lanecert's signature");
	snprintf(cmd, sizeof(cmd), "minisign -Vm '%s' -p '%s' | grep -qx 'Trusted comment: from lanecert'", m, pubp);
	cr_expect_eq(th_run(cmd), 0, "minisign shows another trusted comment");
	lc_sign_key_free(k);
	free(sig), free(key), free(src), free(pubp), free(kp), free(m), free(sp), free(dir);
}
