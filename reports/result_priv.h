/* Helpers shared inside reports/ only. Thread safety: all are reentrant. */
#ifndef LC_REPORTS_RESULT_PRIV_H
#define LC_REPORTS_RESULT_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/* Strict UTF-8 without NUL, overlong forms or surrogates: exactly what jansson accepts. */
bool lc_result_utf8_valid(const char *s, size_t n);
/* A plain file name for raw data beside the report: [A-Za-z0-9._-]+, no leading '.', not report.* */
bool lc_result_raw_name_ok(const char *name);
/* SHA-256 of data as 64 lowercase hex digits and a NUL (libsodium crypto_hash_sha256). */
void lc_result_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
