/* SHA-256 digests of raw data and reports, through libsodium. */
#include <sodium.h>

#include "reports/result_priv.h"

void lc_result_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	/* crypto_hash_sha256 needs no sodium_init(): it uses no random source and no CPU dispatch state. */
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}
