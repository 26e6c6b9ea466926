/*
 * Ed25519 signatures in minisign's formats, through libsodium, so that a customer can check a report with
 * the stock `minisign -Vm report.json -p station.pub` as well as with `lanecert verify`.
 *
 * Formats (minisign 0.11, src/minisign.h):
 *   public key  "untrusted comment: minisign public key <KEYID>\n" base64("Ed" keynum[8] pk[32]) "\n"
 *   secret key  "untrusted comment: <text>\n" base64("Ed" kdf[2] "B2" salt[32] opslimit_le[8] memlimit_le[8]
 *               keynum[8] sk[64] chk[32]) "\n"; kdf "Sc": keynum..chk XORed with scrypt(password) (scryptsalsa208
 *               sha256, the stored limits); kdf "\0\0": unencrypted; chk = BLAKE2b-256("Ed" keynum sk).
 *   signature   "untrusted comment: <text>\n" base64("ED" keynum[8] sig[64]) "\n" "trusted comment: <tc>\n"
 *               base64(global_sig[64]) "\n"; sig = Ed25519(BLAKE2b-512(file)), global_sig = Ed25519(sig || tc).
 * KEYID is the keynum read as a little-endian 64-bit number, printed as 16 uppercase hex digits.
 *
 * lanecert is stricter than minisign on one point: the untrusted comment of a signature must be exactly the
 * one lanecert writes ("signature from lanecert secret key <KEYID>") or minisign's default ("signature from
 * minisign secret key"). minisign never signs that line; refusing edits to it means no byte of a certified
 * record can change unnoticed.
 *
 * Thread safety: keys are immutable after loading and may be shared between threads; every function is
 * reentrant. Secret key material lives in sodium_malloc'ed memory and is wiped by lc_sign_key_free().
 */
#ifndef LC_REPORTS_SIGN_H
#define LC_REPORTS_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define LC_KEY_ID_HEX_LEN 16
#define LC_TRUSTED_COMMENT_MAX 8000 /* minisign accepts up to 8192 bytes with its prefix */

typedef struct lc_sign_key lc_sign_key;

typedef struct lc_pubkey {
	unsigned char keynum[8];
	unsigned char pk[32];
} lc_pubkey;

/* scrypt limits for an encrypted secret key. minisign writes SENSITIVE (1 GiB, slow on purpose); it reads any
 * limits stored in the file, so lighter ones are interoperable too. */
typedef struct lc_kdf_limits {
	uint64_t opslimit;
	uint64_t memlimit;
} lc_kdf_limits;
lc_kdf_limits lc_kdf_sensitive(void);   /* minisign's default */
lc_kdf_limits lc_kdf_interactive(void); /* libsodium's interactive limits (16 MiB) */
lc_kdf_limits lc_kdf_minimum(void);     /* libsodium's minimum: tests only */

/* A fresh key pair (random keynum). */
int lc_sign_key_generate(lc_sign_key **key, lc_diag *diag);
void lc_sign_key_free(lc_sign_key *key);
/* The public half of a secret key. */
void lc_sign_key_public(const lc_sign_key *key, lc_pubkey *pub);
/* KEYID as 16 uppercase hex digits and a NUL. */
void lc_pubkey_id(const lc_pubkey *pub, char hex[LC_KEY_ID_HEX_LEN + 1]);

/* File contents (malloc'ed, NUL-terminated). password NULL writes an unencrypted key: an explicit choice
 * for unattended stations, to be paired with file permissions. */
int lc_pubkey_format(const lc_pubkey *pub, char **text, lc_diag *diag);
int lc_sign_key_format(const lc_sign_key *key, const char *password, lc_kdf_limits limits, char **text,
		       lc_diag *diag);

/* Parsers. An encrypted key without a password is LC_ERR_PERMISSION ("encrypted: a password is needed"); a
 * wrong password is LC_ERR_VERIFY. Malformed text is LC_ERR_FORMAT, an empty or cut file LC_ERR_TRUNCATED. */
int lc_pubkey_parse(const char *text, size_t len, lc_pubkey *pub, lc_diag *diag);
int lc_sign_key_parse(const char *text, size_t len, const char *password, lc_sign_key **key, lc_diag *diag);
/* True if the secret key text is encrypted (kdf "Sc"); negative LC_ERR_* if it is not a secret key. */
int lc_sign_key_is_encrypted(const char *text, size_t len, lc_diag *diag);

/* Files. Loading a secret key readable or writable by group or others is LC_ERR_PERMISSION. Writing refuses
 * to overwrite (LC_ERR_BUSY); the secret key file is created with mode 0600. */
int lc_pubkey_load(const char *path, lc_pubkey *pub, lc_diag *diag);
int lc_sign_key_load(const char *path, const char *password, lc_sign_key **key, lc_diag *diag);
int lc_keypair_write(const char *pub_path, const char *key_path, const lc_sign_key *key, const char *password,
		     lc_kdf_limits limits, lc_diag *diag);

/* A .minisig for msg (prehashed "ED" signature and global signature over sig || trusted_comment).
 * trusted_comment: one line, no CR/LF, at most LC_TRUSTED_COMMENT_MAX bytes. *sig_text is malloc'ed. */
int lc_sign_buffer(const lc_sign_key *key, const void *msg, size_t len, const char *trusted_comment,
		   char **sig_text, lc_diag *diag);

typedef struct lc_signature {
	unsigned char alg[2];        /* "ED" (prehashed) or "Ed" (legacy) */
	unsigned char keynum[8];
	unsigned char sig[64];
	char trusted_comment[LC_TRUSTED_COMMENT_MAX + 1];
	unsigned char global_sig[64];
} lc_signature;

int lc_signature_parse(const char *text, size_t len, lc_signature *sig, lc_diag *diag);
/* Check msg against a .minisig text. Returns 0 when both signatures verify; LC_ERR_VERIFY with the reason
 * (key id mismatch, signature, trusted comment) otherwise. trusted_comment (may be NULL) receives the verified
 * comment, at least LC_TRUSTED_COMMENT_MAX + 1 bytes. */
int lc_verify_buffer(const lc_pubkey *pub, const void *msg, size_t len, const char *sig_text, size_t sig_len,
		     char *trusted_comment, lc_diag *diag);

#endif
