/* minisign public and secret key files (reports/sign.h for the formats). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "reports/sign.h"
#include "reports/sign_priv.h"

#define PK_BYTES 42  /* "Ed" keynum[8] pk[32] */
#define SK_BYTES 158 /* "Ed" kdf[2] "B2" salt[32] ops[8] mem[8] keynum[8] sk[64] chk[32] */
#define SK_ENC_OFF 54 /* keynum..chk, the part scrypt's stream covers */
#define SK_ENC_LEN 104
#define KEY_FILE_MAX 4096

int lc_sign_init(lc_diag *diag)
{
	if (sodium_init() < 0)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "libsodium could not be initialised");
	return 0;
}

int lc_sign_next_line(const char **pos, const char *end, const char **line, bool need_newline, const char *what,
		      lc_diag *diag)
{
	const char *p = *pos;
	if (p >= end)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "%s is missing (file ends early)", what);
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len;
	if (!nl) {
		if (need_newline)
			return lc_diag_set(diag, LC_ERR_TRUNCATED, "%s is not terminated by a newline (file cut?)", what);
		len = (size_t)(end - p);
		*pos = end;
	} else {
		len = (size_t)(nl - p);
		*pos = nl + 1;
		if (len && p[len - 1] == '\r')
			len--;
	}
	if (memchr(p, 0, len))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s contains a NUL byte", what);
	*line = p;
	return (int)(len > 0x7fffffff ? 0x7fffffff : len);
}

int lc_sign_b64_exact(const char *line, size_t len, unsigned char *out, size_t n, const char *what, lc_diag *diag)
{
	size_t got = 0;
	const char *stop = NULL;
	/* libsodium's decoder (1.0.18) sign-extends the input characters, so a byte >= 0x80 can decode like
	 * '+' or '/' (found by the bit-flip property test): only the alphabet itself is let through. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
		      c == '/' || c == '='))
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s has a character outside base64 at column %zu", what,
					   i + 1);
	}
	/* Strict decoding: no whitespace, canonical padding bits, nothing after the padding. */
	if (sodium_base642bin(out, n, line, len, NULL, &got, &stop, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    stop != line + len)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s is not valid base64 of %zu bytes", what, n);
	if (got != n)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s holds %zu bytes instead of %zu", what, got, n);
	return 0;
}

size_t lc_sign_b64_put(char *buf, const unsigned char *in, size_t n)
{
	sodium_bin2base64(buf, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), in, n,
			  sodium_base64_VARIANT_ORIGINAL);
	size_t l = strlen(buf);
	buf[l++] = '\n';
	buf[l] = 0;
	return l;
}

lc_kdf_limits lc_kdf_sensitive(void)
{
	return (lc_kdf_limits){crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE,
			       crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE};
}

lc_kdf_limits lc_kdf_interactive(void)
{
	return (lc_kdf_limits){crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
			       crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE};
}

lc_kdf_limits lc_kdf_minimum(void)
{
	return (lc_kdf_limits){crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
			       crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN};
}

static uint64_t le64_load(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void le64_store(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

void lc_pubkey_id(const lc_pubkey *pub, char hex[LC_KEY_ID_HEX_LEN + 1])
{
	snprintf(hex, LC_KEY_ID_HEX_LEN + 1, "%016llX", (unsigned long long)le64_load(pub->keynum));
}

int lc_sign_key_generate(lc_sign_key **key, lc_diag *diag)
{
	int rc = lc_sign_init(diag);
	if (rc < 0)
		return rc;
	lc_sign_key *k = sodium_malloc(sizeof(*k));
	if (!k)
		return lc_diag_set(diag, LC_ERR_NOMEM, "secret key: out of memory");
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	randombytes_buf(k->keynum, sizeof(k->keynum));
	crypto_sign_keypair(pk, k->sk);
	*key = k;
	return 0;
}

void lc_sign_key_free(lc_sign_key *key)
{
	if (key)
		sodium_free(key); /* wipes the memory */
}

void lc_sign_key_public(const lc_sign_key *key, lc_pubkey *pub)
{
	memcpy(pub->keynum, key->keynum, 8);
	crypto_sign_ed25519_sk_to_pk(pub->pk, key->sk);
}

int lc_pubkey_format(const lc_pubkey *pub, char **text, lc_diag *diag)
{
	unsigned char raw[PK_BYTES];
	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, pub->keynum, 8);
	memcpy(raw + 10, pub->pk, 32);
	char id[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey_id(pub, id);
	char *t = malloc(256);
	if (!t)
		return lc_diag_set(diag, LC_ERR_NOMEM, "public key: out of memory");
	int n = snprintf(t, 256, LC_UNTRUSTED_PREFIX "minisign public key %s\n", id);
	lc_sign_b64_put(t + n, raw, sizeof(raw));
	*text = t;
	return 0;
}

static void seckey_chk(const unsigned char *raw, unsigned char chk[32])
{
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	crypto_generichash_update(&hs, raw, 2);            /* sig_alg */
	crypto_generichash_update(&hs, raw + SK_ENC_OFF, 72); /* keynum, sk */
	crypto_generichash_final(&hs, chk, 32);
}

static int kdf_stream(unsigned char *stream, const char *password, const unsigned char *salt, uint64_t ops,
		      uint64_t mem, lc_diag *diag)
{
	if (crypto_pwhash_scryptsalsa208sha256(stream, SK_ENC_LEN, password, strlen(password), salt,
					       (unsigned long long)ops, (size_t)mem) != 0)
		return lc_diag_set(diag, LC_ERR_NOMEM, "scrypt key derivation failed (out of memory?)");
	return 0;
}

int lc_sign_key_format(const lc_sign_key *key, const char *password, lc_kdf_limits limits, char **text,
		       lc_diag *diag)
{
	int rc = lc_sign_init(diag);
	if (rc < 0)
		return rc;
	if (password && !*password)
		return lc_diag_set(diag, LC_ERR_ARG, "empty password: use an unencrypted key explicitly instead");
	unsigned char *raw = sodium_malloc(SK_BYTES), *stream = sodium_malloc(SK_ENC_LEN);
	char *t = malloc(512);
	if (!raw || !stream || !t) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "secret key: out of memory");
		goto out;
	}
	memset(raw, 0, SK_BYTES);
	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, password ? "Sc" : "\0\0", 2);
	memcpy(raw + 4, "B2", 2);
	memcpy(raw + SK_ENC_OFF, key->keynum, 8);
	memcpy(raw + SK_ENC_OFF + 8, key->sk, 64);
	/* The checksum is written for unencrypted keys too: minisign ignores it there, we use it to catch a
	 * corrupted key file before it signs anything. */
	seckey_chk(raw, raw + SK_ENC_OFF + 72);
	if (password) {
		randombytes_buf(raw + 6, 32);
		le64_store(raw + 38, limits.opslimit);
		le64_store(raw + 46, limits.memlimit);
		if ((rc = kdf_stream(stream, password, raw + 6, limits.opslimit, limits.memlimit, diag)) < 0)
			goto out;
		for (size_t i = 0; i < SK_ENC_LEN; i++)
			raw[SK_ENC_OFF + i] ^= stream[i];
	}
	int n = snprintf(t, 512, LC_UNTRUSTED_PREFIX "%s\n",
			 password ? "minisign encrypted secret key" : "lanecert unencrypted secret key");
	lc_sign_b64_put(t + n, raw, SK_BYTES);
	*text = t;
	t = NULL;
out:
	sodium_free(raw);
	sodium_free(stream);
	if (t) {
		sodium_memzero(t, 512);
		free(t);
	}
	return rc;
}

static int comment_line(const char **pos, const char *end, bool need_nl, const char *what, lc_diag *diag)
{
	const char *line;
	int n = lc_sign_next_line(pos, end, &line, need_nl, what, diag);
	if (n < 0)
		return n;
	if ((size_t)n < strlen(LC_UNTRUSTED_PREFIX) || memcmp(line, LC_UNTRUSTED_PREFIX, strlen(LC_UNTRUSTED_PREFIX)))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s does not start with \"" LC_UNTRUSTED_PREFIX "\"", what);
	return 0;
}

static int empty_check(const char *text, size_t len, const char *what, lc_diag *diag)
{
	if (!text || len == 0)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "%s is empty", what);
	return 0;
}

int lc_pubkey_parse(const char *text, size_t len, lc_pubkey *pub, lc_diag *diag)
{
	int rc = empty_check(text, len, "public key file", diag);
	if (rc < 0)
		return rc;
	const char *pos = text, *end = text + len, *line;
	if ((rc = comment_line(&pos, end, false, "public key comment line", diag)) < 0)
		return rc;
	int n = lc_sign_next_line(&pos, end, &line, false, "public key line", diag);
	if (n < 0)
		return n;
	unsigned char raw[PK_BYTES];
	if ((rc = lc_sign_b64_exact(line, (size_t)n, raw, sizeof(raw), "public key", diag)) < 0)
		return rc;
	if (memcmp(raw, "Ed", 2) != 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "public key algorithm is not Ed25519 (\"Ed\")");
	memcpy(pub->keynum, raw + 2, 8);
	memcpy(pub->pk, raw + 10, 32);
	return 0;
}

static int decode_seckey(const char *text, size_t len, unsigned char *raw, lc_diag *diag)
{
	int rc = empty_check(text, len, "secret key file", diag);
	if (rc < 0)
		return rc;
	const char *pos = text, *end = text + len, *line;
	if ((rc = comment_line(&pos, end, false, "secret key comment line", diag)) < 0)
		return rc;
	int n = lc_sign_next_line(&pos, end, &line, false, "secret key line", diag);
	if (n < 0)
		return n;
	if ((rc = lc_sign_b64_exact(line, (size_t)n, raw, SK_BYTES, "secret key", diag)) < 0)
		return rc;
	if (memcmp(raw, "Ed", 2) != 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "secret key algorithm is not Ed25519 (\"Ed\")");
	if (memcmp(raw + 4, "B2", 2) != 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "secret key checksum is not BLAKE2b (\"B2\")");
	if (memcmp(raw + 2, "Sc", 2) == 0)
		return 1;
	if (memcmp(raw + 2, "\0\0", 2) == 0)
		return 0;
	return lc_diag_set(diag, LC_ERR_FORMAT, "secret key: unknown key derivation function");
}

int lc_sign_key_is_encrypted(const char *text, size_t len, lc_diag *diag)
{
	unsigned char raw[SK_BYTES];
	int rc = decode_seckey(text, len, raw, diag);
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int lc_sign_key_parse(const char *text, size_t len, const char *password, lc_sign_key **key, lc_diag *diag)
{
	int rc = lc_sign_init(diag);
	if (rc < 0)
		return rc;
	unsigned char *raw = sodium_malloc(SK_BYTES), *stream = sodium_malloc(SK_ENC_LEN);
	if (!raw || !stream) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "secret key: out of memory");
		goto out;
	}
	int enc = rc = decode_seckey(text, len, raw, diag);
	if (rc < 0)
		goto out;
	bool chk_zero = sodium_is_zero(raw + SK_ENC_OFF + 72, 32);
	if (enc) {
		uint64_t ops = le64_load(raw + 38), mem = le64_load(raw + 46);
		lc_kdf_limits max = lc_kdf_sensitive(), min = lc_kdf_minimum();
		/* Bounds before scrypt runs: a crafted file must not make us allocate terabytes. */
		if (ops > max.opslimit || mem > max.memlimit || ops < min.opslimit || mem < min.memlimit) {
			rc = lc_diag_set(diag, LC_ERR_FORMAT,
					 "secret key: scrypt limits (ops %llu, mem %llu) outside minisign's range",
					 (unsigned long long)ops, (unsigned long long)mem);
			goto out;
		}
		if (!password) {
			rc = lc_diag_set(diag, LC_ERR_PERMISSION, "the secret key is encrypted: a password is needed");
			goto out;
		}
		if ((rc = kdf_stream(stream, password, raw + 6, ops, mem, diag)) < 0)
			goto out;
		for (size_t i = 0; i < SK_ENC_LEN; i++)
			raw[SK_ENC_OFF + i] ^= stream[i];
		chk_zero = false; /* an encrypted key always has its checksum */
	}
	unsigned char chk[32];
	seckey_chk(raw, chk);
	/* minisign -W leaves the checksum of an unencrypted key zero; any other value must match. */
	if (!chk_zero && sodium_memcmp(chk, raw + SK_ENC_OFF + 72, 32) != 0) {
		rc = enc ? lc_diag_set(diag, LC_ERR_VERIFY, "wrong password for this secret key")
			 : lc_diag_set(diag, LC_ERR_FORMAT, "secret key checksum mismatch (corrupted key file)");
		goto out;
	}
	lc_sign_key *k = sodium_malloc(sizeof(*k));
	if (!k) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "secret key: out of memory");
		goto out;
	}
	memcpy(k->keynum, raw + SK_ENC_OFF, 8);
	memcpy(k->sk, raw + SK_ENC_OFF + 8, 64);
	*key = k;
	rc = 0;
out:
	sodium_free(raw);
	sodium_free(stream);
	return rc;
}

/* Reads a small file; for a secret key (check_private) refuses group/other permission bits first. */
static int read_key_file(const char *path, bool check_private, char *buf, size_t *len, lc_diag *diag)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return lc_diag_set(diag, e == ENOENT ? LC_ERR_NOT_FOUND : e == EACCES ? LC_ERR_PERMISSION : LC_ERR_IO,
				   "cannot open %s: %s", path, strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return lc_diag_set(diag, LC_ERR_IO, "%s is not a regular file", path);
	}
	if (check_private && (st.st_mode & 077)) {
		close(fd);
		return lc_diag_set(diag, LC_ERR_PERMISSION,
				   "%s is accessible by group or others (mode %04o): chmod 600 it", path,
				   (unsigned)(st.st_mode & 07777));
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, KEY_FILE_MAX - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			return lc_diag_set(diag, LC_ERR_IO, "cannot read %s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == KEY_FILE_MAX) {
			close(fd);
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s is too large for a key file", path);
		}
	}
	close(fd);
	*len = n;
	return 0;
}

int lc_pubkey_load(const char *path, lc_pubkey *pub, lc_diag *diag)
{
	char buf[KEY_FILE_MAX];
	size_t n;
	int rc = read_key_file(path, false, buf, &n, diag);
	if (rc == 0 && (rc = lc_pubkey_parse(buf, n, pub, diag)) < 0)
		lc_diag_prefix(diag, "%s: ", path);
	return rc;
}

int lc_sign_key_load(const char *path, const char *password, lc_sign_key **key, lc_diag *diag)
{
	int init = lc_sign_init(diag);
	if (init < 0)
		return init;
	char *buf = sodium_malloc(KEY_FILE_MAX);
	if (!buf)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	size_t n;
	int rc = read_key_file(path, true, buf, &n, diag);
	if (rc == 0 && (rc = lc_sign_key_parse(buf, n, password, key, diag)) < 0)
		lc_diag_prefix(diag, "%s: ", path);
	sodium_free(buf);
	return rc;
}

int lc_keypair_write(const char *pub_path, const char *key_path, const lc_sign_key *key, const char *password,
		     lc_kdf_limits limits, lc_diag *diag)
{
	if (!pub_path || !key_path || !key)
		return lc_diag_set(diag, LC_ERR_ARG, "keypair: missing path or key");
	/* Checked before the (slow) key derivation so that an existing pair is reported at once. */
	if (access(key_path, F_OK) == 0)
		return lc_diag_set(diag, LC_ERR_BUSY, "%s already exists: not overwritten", key_path);
	if (access(pub_path, F_OK) == 0)
		return lc_diag_set(diag, LC_ERR_BUSY, "%s already exists: not overwritten", pub_path);
	lc_pubkey pub;
	lc_sign_key_public(key, &pub);
	char *sk_text = NULL, *pk_text = NULL;
	int rc = lc_sign_key_format(key, password, limits, &sk_text, diag);
	if (rc == 0)
		rc = lc_pubkey_format(&pub, &pk_text, diag);
	if (rc == 0)
		rc = lc_atomic_write(key_path, sk_text, strlen(sk_text), 0600, LC_ATOMIC_NOREPLACE, diag);
	if (rc == 0 && (rc = lc_atomic_write(pub_path, pk_text, strlen(pk_text), 0644, LC_ATOMIC_NOREPLACE, diag)) < 0)
		unlink(key_path); /* no half pair: a secret key without its public key would be unusable */
	if (sk_text) {
		sodium_memzero(sk_text, strlen(sk_text));
		free(sk_text);
	}
	free(pk_text);
	return rc;
}
