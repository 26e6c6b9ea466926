/* minisign signatures: prehashed ("ED") Ed25519 plus the global signature over sig || trusted comment. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/sign.h"
#include "reports/sign_priv.h"

#define SIG_BYTES 74 /* "ED" keynum[8] sig[64] */
#define LANECERT_COMMENT "signature from lanecert secret key "
#define MINISIGN_COMMENT "signature from minisign secret key"

static void prehash(const void *msg, size_t len, unsigned char h[crypto_generichash_BYTES_MAX])
{
	crypto_generichash(h, crypto_generichash_BYTES_MAX, msg, len, NULL, 0);
}

int lc_sign_buffer(const lc_sign_key *key, const void *msg, size_t len, const char *trusted_comment,
		   char **sig_text, lc_diag *diag)
{
	int rc = lc_sign_init(diag);
	if (rc < 0)
		return rc;
	if (!key || (!msg && len) || !trusted_comment || !sig_text)
		return lc_diag_set(diag, LC_ERR_ARG, "sign: missing key, message or comment");
	size_t tlen = strlen(trusted_comment);
	if (tlen > LC_TRUSTED_COMMENT_MAX || strpbrk(trusted_comment, "\r\n"))
		return lc_diag_set(diag, LC_ERR_ARG, "trusted comment must be one line of at most %d bytes",
				   LC_TRUSTED_COMMENT_MAX);
	unsigned char raw[SIG_BYTES], h[crypto_generichash_BYTES_MAX], global[64];
	memcpy(raw, "ED", 2);
	memcpy(raw + 2, key->keynum, 8);
	prehash(msg, len, h);
	crypto_sign_detached(raw + 10, NULL, h, sizeof(h), key->sk);
	unsigned char *st = malloc(64 + tlen);
	if (!st)
		return lc_diag_set(diag, LC_ERR_NOMEM, "sign: out of memory");
	memcpy(st, raw + 10, 64);
	memcpy(st + 64, trusted_comment, tlen);
	crypto_sign_detached(global, NULL, st, 64 + tlen, key->sk);
	free(st);

	lc_pubkey pub;
	memcpy(pub.keynum, key->keynum, 8);
	char id[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey_id(&pub, id);
	size_t cap = 256 + tlen + 2 * sodium_base64_ENCODED_LEN(SIG_BYTES, sodium_base64_VARIANT_ORIGINAL);
	char *t = malloc(cap);
	if (!t)
		return lc_diag_set(diag, LC_ERR_NOMEM, "sign: out of memory");
	size_t n = (size_t)snprintf(t, cap, LC_UNTRUSTED_PREFIX LANECERT_COMMENT "%s\n", id);
	n += lc_sign_b64_put(t + n, raw, sizeof(raw));
	n += (size_t)snprintf(t + n, cap - n, LC_TRUSTED_PREFIX "%s\n", trusted_comment);
	lc_sign_b64_put(t + n, global, sizeof(global));
	*sig_text = t;
	return 0;
}

/* The untrusted comment is not signed (minisign's design); we accept only the two texts a signer writes so
 * that an edit to it is still noticed (reports/sign.h). */
static int check_untrusted(const char *c, size_t n, lc_diag *diag)
{
	size_t lp = strlen(LC_UNTRUSTED_PREFIX), ll = strlen(LANECERT_COMMENT);
	if (n < lp || memcmp(c, LC_UNTRUSTED_PREFIX, lp) != 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "signature line 1 does not start with \"" LC_UNTRUSTED_PREFIX "\"");
	c += lp, n -= lp;
	if (n == strlen(MINISIGN_COMMENT) && memcmp(c, MINISIGN_COMMENT, n) == 0)
		return 0;
	if (n == ll + LC_KEY_ID_HEX_LEN && memcmp(c, LANECERT_COMMENT, ll) == 0 &&
	    strspn(c + ll, "0123456789ABCDEF") >= LC_KEY_ID_HEX_LEN)
		return 1; /* the key id in it is checked against the signature's */
	return lc_diag_set(diag, LC_ERR_VERIFY, "the untrusted comment of the signature was altered");
}

int lc_signature_parse(const char *text, size_t len, lc_signature *sig, lc_diag *diag)
{
	int rc = lc_sign_init(diag);
	if (rc < 0)
		return rc;
	if (!text || len == 0)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "signature file is empty");
	/* minisign's own reader trims a CR before each LF (its trim()), so a CRLF copy still verifies there. We
	 * are stricter on purpose: every line of minisign's format ends in a bare LF, the signer never writes a
	 * CR (nor lets one into the trusted comment), and no byte of the file may change unnoticed. */
	const char *cr = memchr(text, '\r', len);
	if (cr)
		return lc_diag_set(diag, LC_ERR_VERIFY, "signature file has a carriage return at byte %zu: its lines end "
				   "in LF only, so it was altered (e.g. by a CRLF conversion)", (size_t)(cr - text));
	const char *pos = text, *end = text + len, *line;
	int n = lc_sign_next_line(&pos, end, &line, true, "signature line 1 (untrusted comment)", diag);
	if (n < 0)
		return n;
	int lanecert_comment = check_untrusted(line, (size_t)n, diag);
	if (lanecert_comment < 0)
		return lanecert_comment;
	const char *comment_id = line + strlen(LC_UNTRUSTED_PREFIX) + strlen(LANECERT_COMMENT);
	unsigned char raw[SIG_BYTES];
	if ((n = lc_sign_next_line(&pos, end, &line, true, "signature line 2 (signature)", diag)) < 0 ||
	    (rc = lc_sign_b64_exact(line, (size_t)n, raw, sizeof(raw), "signature", diag)) < 0)
		return n < 0 ? n : rc;
	if (memcmp(raw, "ED", 2) != 0 && memcmp(raw, "Ed", 2) != 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "signature algorithm is neither \"ED\" nor \"Ed\"");
	if ((n = lc_sign_next_line(&pos, end, &line, true, "signature line 3 (trusted comment)", diag)) < 0)
		return n;
	size_t tp = strlen(LC_TRUSTED_PREFIX);
	if ((size_t)n < tp || memcmp(line, LC_TRUSTED_PREFIX, tp) != 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "signature line 3 does not start with \"" LC_TRUSTED_PREFIX "\"");
	if ((size_t)n - tp > LC_TRUSTED_COMMENT_MAX)
		return lc_diag_set(diag, LC_ERR_FORMAT, "trusted comment longer than %d bytes", LC_TRUSTED_COMMENT_MAX);
	memcpy(sig->trusted_comment, line + tp, (size_t)n - tp);
	sig->trusted_comment[(size_t)n - tp] = 0;
	if ((n = lc_sign_next_line(&pos, end, &line, true, "signature line 4 (global signature)", diag)) < 0 ||
	    (rc = lc_sign_b64_exact(line, (size_t)n, sig->global_sig, 64, "global signature", diag)) < 0)
		return n < 0 ? n : rc;
	if (pos != end)
		return lc_diag_set(diag, LC_ERR_FORMAT, "signature file has data after line 4");
	memcpy(sig->alg, raw, 2);
	memcpy(sig->keynum, raw + 2, 8);
	memcpy(sig->sig, raw + 10, 64);
	if (lanecert_comment) {
		lc_pubkey p;
		memcpy(p.keynum, sig->keynum, 8);
		char id[LC_KEY_ID_HEX_LEN + 1];
		lc_pubkey_id(&p, id);
		if (memcmp(id, comment_id, LC_KEY_ID_HEX_LEN) != 0)
			return lc_diag_set(diag, LC_ERR_VERIFY, "the untrusted comment of the signature was altered");
	}
	return 0;
}

int lc_verify_buffer(const lc_pubkey *pub, const void *msg, size_t len, const char *sig_text, size_t sig_len,
		     char *trusted_comment, lc_diag *diag)
{
	if (!pub || (!msg && len))
		return lc_diag_set(diag, LC_ERR_ARG, "verify: missing key or message");
	lc_signature *s = malloc(sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "verify: out of memory");
	int rc = lc_signature_parse(sig_text, sig_len, s, diag);
	if (rc < 0)
		goto out;
	if (memcmp(s->keynum, pub->keynum, 8) != 0) {
		lc_pubkey sp;
		memcpy(sp.keynum, s->keynum, 8);
		char a[LC_KEY_ID_HEX_LEN + 1], b[LC_KEY_ID_HEX_LEN + 1];
		lc_pubkey_id(&sp, a);
		lc_pubkey_id(pub, b);
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "signed with key %s, but the public key is %s", a, b);
		goto out;
	}
	unsigned char h[crypto_generichash_BYTES_MAX];
	int bad;
	if (memcmp(s->alg, "ED", 2) == 0) {
		prehash(msg, len, h);
		bad = crypto_sign_verify_detached(s->sig, h, sizeof(h), pub->pk);
	} else {
		bad = crypto_sign_verify_detached(s->sig, msg, len, pub->pk);
	}
	if (bad) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "signature verification failed: the file was modified or "
						      "signed by another key");
		goto out;
	}
	size_t tlen = strlen(s->trusted_comment);
	unsigned char *st = malloc(64 + tlen);
	if (!st) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "verify: out of memory");
		goto out;
	}
	memcpy(st, s->sig, 64);
	memcpy(st + 64, s->trusted_comment, tlen);
	bad = crypto_sign_verify_detached(s->global_sig, st, 64 + tlen, pub->pk);
	free(st);
	if (bad) {
		rc = lc_diag_set(diag, LC_ERR_VERIFY, "trusted comment signature verification failed");
		goto out;
	}
	if (trusted_comment)
		memcpy(trusted_comment, s->trusted_comment, tlen + 1);
out:
	free(s);
	return rc;
}
