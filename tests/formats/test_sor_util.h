/* Helpers of the SOR tests: the sample list and loading a sample from
 * $LC_SOURCE_DIR/tests/data/sor (see its README for where each file comes from). */
#ifndef LC_TEST_SOR_UTIL_H
#define LC_TEST_SOR_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "formats/sor.h"

#define LC_SOR_N_SAMPLES 27
extern const char *const lc_sor_samples[LC_SOR_N_SAMPLES];

/* Full path of a sample (static buffer). */
const char *sor_sample_path(const char *name);
/* The whole file (malloc'ed, never NULL); fails the test naming the path if it is missing or short. */
uint8_t *sor_sample_bytes(const char *name, size_t *len);
/* Read a sample; fails the test if it does not parse. */
lc_sor *sor_sample(const char *name);

#endif
