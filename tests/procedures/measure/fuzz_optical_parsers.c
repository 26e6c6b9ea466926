/*
 * libFuzzer target for the text the optical drivers parse: *IDN? replies (with the registry match), the 816x
 * module layout, reference-method names, SCPI numbers, and map inference/wording on arbitrary matrices.
 * The first byte picks the parser; the rest is its input.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/instrument_priv.h"
#include "procedures/measure/map.h"
#include "procedures/measure/reference.h"
#include "instruments/power_meter/keysight_816x.h"
#include "instruments/registry.h"

static void fuzz_map(const uint8_t *p, size_t n)
{
	size_t k = n > 0 ? (size_t)(p[0] % 8) + 1 : 1;
	double m[64];
	int exp[8], act[8];
	for (size_t i = 0; i < k * k; i++)
		m[i] = i + 1 < n ? (double)p[i + 1] - 200.0 : -INFINITY;
	lc_map_infer(m, k, k, -60, act);
	for (size_t i = 0; i < k; i++)
		exp[i] = (int)((i + (n > 1 ? p[1] : 0)) % k);
	static const char *const lab[] = {"1", "2", "3", "4", "5", "6", "7", "8"};
	static const int group[] = {0, 0, 1, 1, 2, 2, 3, 3};
	static const char *const legs[] = {"L1", "L2", "L3", "L4"};
	lc_map_labels l = {.in = lab, .out = lab, .out_group = group, .group = legs, .n_groups = 4};
	char buf[96];
	lc_map_describe(act, exp, k, k, &l, buf, sizeof(buf));
	lc_map_polarity(act, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0: {
		lc_idn idn;
		const lc_model *m;
		if (lc_idn_parse(s, &idn, NULL) == 0)
			lc_registry_match(&idn, &m, NULL);
		break;
	}
	case 1: {
		lc_816x_layout l;
		lc_816x_layout_parse(s, 0, 17, &l, NULL);
		break;
	}
	case 2:
		lc_ref_method_parse(s);
		break;
	case 3: {
		double v;
		lc_parse_number(s, &v);
		break;
	}
	case 4:
		fuzz_map(data + 1, size - 1);
		break;
	}
	free(s);
	return 0;
}
