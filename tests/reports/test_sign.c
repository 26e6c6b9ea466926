#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/sign.h"
#include "tests/reports/helpers.h"

static const char msg[] = "{\"hello\": \"world\"}\n";

Test(sign, round_trip_unencrypted_and_key_id)
{
	lc_sign_key *k;
	cr_assert_eq(lc_sign_key_generate(&k, NULL), 0);
	lc_pubkey pub, pub2;
	lc_sign_key_public(k, &pub);
	char *pt, *st, *sig;
	cr_assert_eq(lc_pubkey_format(&pub, &pt, NULL), 0);
	cr_assert_eq(lc_sign_key_format(k, NULL, lc_kdf_minimum(), &st, NULL), 0);
	cr_assert_eq(lc_pubkey_parse(pt, strlen(pt), &pub2, NULL), 0);
	cr_expect_eq(memcmp(&pub, &pub2, sizeof(pub)), 0);
	char id[17];
	lc_pubkey_id(&pub, id);
	cr_expect(strstr(pt, id) != NULL, "public key comment names the key id");
	cr_expect_eq(lc_sign_key_is_encrypted(st, strlen(st), NULL), 0);
	lc_sign_key *k2;
	cr_assert_eq(lc_sign_key_parse(st, strlen(st), NULL, &k2, NULL), 0);
	cr_assert_eq(lc_sign_buffer(k2, msg, strlen(msg), "serial:S1\tverdict:pass", &sig, NULL), 0);
	char tc[LC_TRUSTED_COMMENT_MAX + 1];
	cr_expect_eq(lc_verify_buffer(&pub, msg, strlen(msg), sig, strlen(sig), tc, NULL), 0);
	cr_expect_str_eq(tc, "serial:S1\tverdict:pass");
	free(pt), free(st), free(sig);
	lc_sign_key_free(k), lc_sign_key_free(k2);
}

Test(sign, encrypted_key_needs_the_right_password)
{
	lc_sign_key *k, *k2 = NULL;
	cr_assert_eq(lc_sign_key_generate(&k, NULL), 0);
	char *st;
	lc_diag d;
	cr_assert_eq(lc_sign_key_format(k, "correct horse", lc_kdf_minimum(), &st, NULL), 0);
	cr_expect_eq(lc_sign_key_is_encrypted(st, strlen(st), NULL), 1);
	cr_expect_eq(lc_sign_key_parse(st, strlen(st), NULL, &k2, &d), LC_ERR_PERMISSION);
	cr_expect(strstr(d.text, "password"));
	cr_expect_eq(lc_sign_key_parse(st, strlen(st), "wrong", &k2, &d), LC_ERR_VERIFY);
	cr_expect(strstr(d.text, "wrong password"));
	cr_assert_eq(lc_sign_key_parse(st, strlen(st), "correct horse", &k2, NULL), 0);
	lc_pubkey a, b;
	lc_sign_key_public(k, &a);
	lc_sign_key_public(k2, &b);
	cr_expect_eq(memcmp(&a, &b, sizeof(a)), 0);
	free(st);
	lc_sign_key_free(k), lc_sign_key_free(k2);
}

Test(sign, malformed_inputs_have_clear_errors)
{
	lc_pubkey pub;
	lc_signature sig;
	lc_sign_key *k = NULL;
	lc_diag d;
	cr_expect_eq(lc_pubkey_parse("", 0, &pub, &d), LC_ERR_TRUNCATED);
	cr_expect(strstr(d.text, "empty"));
	const char *one = "untrusted comment: x\n";
	cr_expect_eq(lc_pubkey_parse(one, strlen(one), &pub, &d), LC_ERR_TRUNCATED);
	const char *nocomment = "RWSpjjR/UIVZYYsLKzxNoc/tVb95TsOmFc98HgOhA2dOql6GjGrgLiCj\n";
	cr_expect_eq(lc_pubkey_parse(nocomment, strlen(nocomment), &pub, &d), LC_ERR_FORMAT);
	const char *bad64 = "untrusted comment: x\nRWSpjjR/UIVZYYsLKzxN!c/tVb95TsOmFc98HgOhA2dOql6GjGrgLiCj\n";
	cr_expect_eq(lc_pubkey_parse(bad64, strlen(bad64), &pub, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "base64"));
	const char *shortk = "untrusted comment: x\nRWSpjjR/UIVZ\n";
	cr_expect_eq(lc_pubkey_parse(shortk, strlen(shortk), &pub, &d), LC_ERR_FORMAT);
	cr_expect_eq(lc_signature_parse("", 0, &sig, &d), LC_ERR_TRUNCATED);
	const char *s2 = "untrusted comment: signature from minisign secret key\nRUSp\n";
	cr_expect_eq(lc_signature_parse(s2, strlen(s2), &sig, &d), LC_ERR_FORMAT);
	cr_expect_eq(lc_sign_key_parse("", 0, NULL, &k, &d), LC_ERR_TRUNCATED);
	cr_expect_eq(lc_sign_key_parse(bad64, strlen(bad64), NULL, &k, &d), LC_ERR_FORMAT);
	cr_expect_null(k);
}

Test(sign, key_files_permissions_and_no_overwrite)
{
	char *dir = th_scratch_dir("sign-files");
	char *pubp = th_path(dir, "s.pub"), *keyp = th_path(dir, "s.key");
	lc_sign_key *k, *k2 = NULL;
	lc_diag d;
	cr_assert_eq(lc_sign_key_generate(&k, NULL), 0);
	cr_assert_eq(lc_keypair_write(pubp, keyp, k, NULL, lc_kdf_minimum(), &d), 0, "%s", d.text);
	struct stat st;
	cr_assert_eq(stat(keyp, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	cr_expect_eq(lc_keypair_write(pubp, keyp, k, NULL, lc_kdf_minimum(), &d), LC_ERR_BUSY);
	cr_expect(strstr(d.text, "already exists"));
	cr_expect_eq(lc_sign_key_load(keyp, NULL, &k2, &d), 0);
	lc_sign_key_free(k2);
	chmod(keyp, 0640);
	cr_expect_eq(lc_sign_key_load(keyp, NULL, &k2, &d), LC_ERR_PERMISSION);
	cr_expect(strstr(d.text, "chmod 600"));
	lc_pubkey pub;
	cr_expect_eq(lc_pubkey_load(pubp, &pub, NULL), 0);
	char *missing = th_path(dir, "none.pub");
	cr_expect_eq(lc_pubkey_load(missing, &pub, &d), LC_ERR_NOT_FOUND);
	lc_sign_key_free(k);
	free(dir), free(pubp), free(keyp), free(missing);
}

/* Interoperability with the stock minisign, in both directions. */
Test(sign, minisign_verifies_ours_and_we_verify_minisigns)
{
	th_require("minisign", "minisign");
	char *dir = th_scratch_dir("sign-minisign");
	char *pubp = th_path(dir, "st.pub"), *keyp = th_path(dir, "st.key"), *m = th_path(dir, "m.json");
	char *sigp = th_path(dir, "m.json.minisig");
	lc_sign_key *k;
	cr_assert_eq(lc_sign_key_generate(&k, NULL), 0);
	cr_assert_eq(lc_keypair_write(pubp, keyp, k, NULL, lc_kdf_minimum(), NULL), 0);
	th_spit(m, msg, strlen(msg));
	char *sig;
	cr_assert_eq(lc_sign_buffer(k, msg, strlen(msg), "lanecert serial:S1 verdict:pass", &sig, NULL), 0);
	th_spit(sigp, sig, strlen(sig));
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "minisign -Vm '%s' -p '%s' >/dev/null", m, pubp);
	cr_expect_eq(th_run(cmd), 0, "minisign rejected our signature");
	/* minisign signs with our (unencrypted) key; we verify. */
	unlink(sigp);
	snprintf(cmd, sizeof(cmd), "minisign -S -s '%s' -m '%s' -t 'from minisign' >/dev/null </dev/null", keyp, m);
	cr_assert_eq(th_run(cmd), 0, "minisign could not sign with our key");
	size_t n;
	char *theirs = th_slurp(sigp, &n);
	lc_pubkey pub;
	cr_assert_eq(lc_pubkey_load(pubp, &pub, NULL), 0);
	char tc[LC_TRUSTED_COMMENT_MAX + 1];
	lc_diag d;
	cr_expect_eq(lc_verify_buffer(&pub, msg, strlen(msg), theirs, n, tc, &d), 0, "%s", d.text);
	cr_expect_str_eq(tc, "from minisign");
	/* A key generated by minisign -W loads and signs. */
	char *p2 = th_path(dir, "mk.pub"), *k2p = th_path(dir, "mk.key");
	snprintf(cmd, sizeof(cmd), "minisign -G -W -p '%s' -s '%s' >/dev/null", p2, k2p);
	cr_assert_eq(th_run(cmd), 0);
	lc_sign_key *k2;
	cr_assert_eq(lc_sign_key_load(k2p, NULL, &k2, &d), 0, "%s", d.text);
	free(sig);
	cr_assert_eq(lc_sign_buffer(k2, msg, strlen(msg), "x", &sig, NULL), 0);
	th_spit(sigp, sig, strlen(sig));
	snprintf(cmd, sizeof(cmd), "minisign -Vm '%s' -p '%s' >/dev/null", m, p2);
	cr_expect_eq(th_run(cmd), 0);
	lc_sign_key_free(k), lc_sign_key_free(k2);
	free(sig), free(theirs), free(dir), free(pubp), free(keyp), free(m), free(sigp), free(p2), free(k2p);
}

/* One encrypted round trip through minisign: it must derive the same key from our stored scrypt limits. */
Test(sign, minisign_reads_our_encrypted_key)
{
	th_require("minisign", "minisign");
	char *dir = th_scratch_dir("sign-enc");
	char *pubp = th_path(dir, "e.pub"), *keyp = th_path(dir, "e.key"), *m = th_path(dir, "m.txt");
	lc_sign_key *k;
	cr_assert_eq(lc_sign_key_generate(&k, NULL), 0);
	cr_assert_eq(lc_keypair_write(pubp, keyp, k, "pw-123", lc_kdf_minimum(), NULL), 0);
	th_spit(m, msg, strlen(msg));
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "echo pw-123 | minisign -S -s '%s' -m '%s' >/dev/null 2>&1 && minisign -Vm '%s' -p '%s' >/dev/null",
		 keyp, m, m, pubp);
	cr_expect_eq(th_run(cmd), 0, "minisign could not use our encrypted key");
	lc_sign_key_free(k);
	free(dir), free(pubp), free(keyp), free(m);
}

/* Every byte of a signature file, each bit and the whole byte flipped, fails; and high bytes never pass for
 * base64 characters (libsodium's decoder sign-extends them: '/' ^ 0x80 decoded like '/'). */
Test(sign, every_byte_and_bit_of_a_signature_matters, .timeout = 100)
{
	lc_sign_key *k;
	cr_assert_eq(lc_sign_key_generate(&k, NULL), 0);
	lc_pubkey pub;
	lc_sign_key_public(k, &pub);
	char *sig;
	cr_assert_eq(lc_sign_buffer(k, msg, strlen(msg), "lanecert-report\tserial:S\tverdict:pass", &sig, NULL), 0);
	size_t n = strlen(sig);
	char *c = malloc(n);
	static const unsigned char masks[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff};
	for (size_t pos = 0; pos < n; pos++)
		for (size_t m = 0; m < sizeof(masks); m++) {
			memcpy(c, sig, n);
			c[pos] = (char)(c[pos] ^ masks[m]);
			cr_expect_lt(lc_verify_buffer(&pub, msg, strlen(msg), c, n, NULL, NULL), 0, "byte %zu ^ 0x%02x", pos,
				     masks[m]);
		}
	const char *slash = strchr(strchr(sig, '\n') + 1, '/');
	if (slash) {
		memcpy(c, sig, n);
		c[slash - sig] = (char)0xaf;
		lc_diag d;
		cr_expect_eq(lc_verify_buffer(&pub, msg, strlen(msg), c, n, NULL, &d), LC_ERR_FORMAT);
		cr_expect(strstr(d.text, "outside base64"), "%s", d.text);
	}
	free(c), free(sig);
	lc_sign_key_free(k);
}

/* No byte of a signature file may change unnoticed: a CRLF copy, or one extra CR, is refused (stricter than
 * minisign, whose reader trims CRs), while the untouched file verifies. */
Test(sign, a_carriage_return_in_the_signature_is_refused)
{
	lc_sign_key *k;
	cr_assert_eq(lc_sign_key_generate(&k, NULL), 0);
	lc_pubkey pub;
	lc_sign_key_public(k, &pub);
	const char *doc = "{\"verdict\":\"pass\"}";
	char *sig = NULL, tc[LC_TRUSTED_COMMENT_MAX + 1];
	lc_diag d;
	cr_assert_eq(lc_sign_buffer(k, doc, strlen(doc), "lanecert-report", &sig, &d), 0, "%s", d.text);
	cr_expect_eq(lc_verify_buffer(&pub, doc, strlen(doc), sig, strlen(sig), tc, &d), 0, "%s", d.text);
	char crlf[2048] = "", extra[2048];
	size_t o = 0;
	for (const char *p = sig; *p && o + 2 < sizeof(crlf); p++) {
		if (*p == '\n')
			crlf[o++] = '\r';
		crlf[o++] = *p;
	}
	crlf[o] = '\0';
	cr_expect_eq(lc_verify_buffer(&pub, doc, strlen(doc), crlf, strlen(crlf), tc, &d), LC_ERR_VERIFY);
	cr_expect(strstr(d.text, "carriage return"), "%s", d.text);
	size_t n = strlen(sig);
	snprintf(extra, sizeof(extra), "%.*s\r\n", (int)(n - 1), sig);
	cr_expect_eq(lc_verify_buffer(&pub, doc, strlen(doc), extra, strlen(extra), tc, &d), LC_ERR_VERIFY);
	free(sig);
	lc_sign_key_free(k);
}
