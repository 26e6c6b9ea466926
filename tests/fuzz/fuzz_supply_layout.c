/*
 * Fuzz target of a supply's station layout ("1:A,2:B", instruments/supply/supply.h): any text is either
 * refused with LC_ERR_ARG and a reason, or gives pairs that hold what the parser promises (outputs 1..8
 * and ends of letters and digits, each named once, at most cap of them).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/supply/supply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t cap = 1 + data[0] % LC_SUPPLY_OUTPUTS_MAX;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	lc_supply_feed feeds[LC_SUPPLY_OUTPUTS_MAX];
	lc_diag d;
	lc_diag_clear(&d);
	int n = lc_supply_layout_parse(text, feeds, cap, &d);
	if (n < 0) {
		if (n != LC_ERR_ARG || !d.text[0])
			abort();
	} else {
		if (n < 1 || (size_t)n > cap)
			abort();
		for (int i = 0; i < n; i++) {
			size_t len = strnlen(feeds[i].end, sizeof(feeds[i].end));
			if (feeds[i].output < 1 || feeds[i].output > LC_SUPPLY_OUTPUTS_MAX || len == 0 ||
			    len >= sizeof(feeds[i].end))
				abort();
			for (size_t k = 0; k < len; k++)
				if (!isalnum((unsigned char)feeds[i].end[k]))
					abort();
			for (int j = 0; j < i; j++)
				if (feeds[j].output == feeds[i].output || !strcmp(feeds[j].end, feeds[i].end))
					abort();
		}
	}
	free(text);
	return 0;
}
