/* Pieces shared by the minisign key and signature code (reports/ only). Thread safety: reentrant. */
#ifndef LC_REPORTS_SIGN_PRIV_H
#define LC_REPORTS_SIGN_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define LC_UNTRUSTED_PREFIX "untrusted comment: "
#define LC_TRUSTED_PREFIX "trusted comment: "

struct lc_sign_key {
	unsigned char keynum[8];
	unsigned char sk[64];
};

/* One text line: [*pos, end) up to '\n' (a '\r' right before it is dropped). need_newline: a last line without
 * '\n' is LC_ERR_TRUNCATED (signatures) or accepted (keys, which people edit by hand). Returns the line
 * length or a negative LC_ERR_*. what names the line in the error ("signature line 2"). */
int lc_sign_next_line(const char **pos, const char *end, const char **line, bool need_newline, const char *what,
		      lc_diag *diag);
/* Decode exactly n bytes of standard base64 (canonical padding) from line[0..len). */
int lc_sign_b64_exact(const char *line, size_t len, unsigned char *out, size_t n, const char *what, lc_diag *diag);
/* Encode as standard base64 with padding, followed by '\n', appended at *buf (which must have room). */
size_t lc_sign_b64_put(char *buf, const unsigned char *in, size_t n);
/* 0 once libsodium is initialised (thread-safe, idempotent). */
int lc_sign_init(lc_diag *diag);

#endif
