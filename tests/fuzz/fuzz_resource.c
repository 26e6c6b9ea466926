/* libFuzzer target: resource strings. Every input either parses, and then its canonical form parses back
 * to the same canonical form, or fails with LC_ERR_ARG and a non-empty detail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/resource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[LC_RESOURCE_MAX * 2];
	lc_resource r, r2;
	lc_diag d;
	char a[LC_RESOURCE_MAX], b[LC_RESOURCE_MAX];

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	int e = lc_resource_parse(s, &r, &d);
	if (e != 0) {
		if (e != LC_ERR_ARG || d.text[0] == '\0')
			abort();
		return 0;
	}
	int n = lc_resource_format(&r, a, sizeof(a));
	if (n <= 0) {
		/* the canonical form may only be longer than the input by the defaults written out */
		if (n != LC_ERR_OVERFLOW)
			abort();
		return 0;
	}
	if (lc_resource_parse(a, &r2, &d) != 0)
		abort();
	if (lc_resource_format(&r2, b, sizeof(b)) != n || strcmp(a, b) != 0)
		abort();
	return 0;
}
