/* The digest of the channel model a run used as its expectation (procedures/channel_digest.c). */
#ifndef LC_PROCEDURES_CHANNEL_DIGEST_H
#define LC_PROCEDURES_CHANNEL_DIGEST_H

#include "fixtures/channel.h"
#include "fixtures/limits.h"
#include "reports/result.h"

/* SHA-256 (lowercase hex) of the channel's canonical expectation: name, PMD, wavelengths, expected fiber map,
 * and each path's budget total per wavelength (lim may be NULL: no budgets). 0, LC_ERR_ARG or LC_ERR_NOMEM
 * (hex is then ""). Reentrant. */
int lc_channel_digest(const lc_channel *ch, const lc_limits *lim, char hex[LC_SHA256_HEX_LEN + 1]);

#endif
