/*
 * libFuzzer target for the fixture loaders: the first byte chooses the parser (cable/chain, station, limits,
 * DUT), the rest is the document. Chains may "use" cable files by name: they resolve in the checkout's
 * fixtures/ (LC_SOURCE_DIR compiled in) or fail cleanly. Every input must give 0 or a negative LC_ERR_* with a
 * detail, never a crash, a leak or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/budget.h"
#include "fixtures/channel.h"
#include "fixtures/dut.h"
#include "fixtures/limits.h"
#include "fixtures/station.h"

static lc_limits *limits(void)
{
	static lc_limits *lim;
	static int tried;
	if (!tried) {
		lc_diag d;
		tried = 1;
		if (lc_limits_load(NULL, &lim, &d) < 0)
			lim = NULL;
	}
	return lim;
}

static void exercise_channel(const lc_channel *ch)
{
	lc_diag d;
	lc_budget b;
	lc_event ev[8];
	lc_segment seg[8];
	for (size_t i = 0; i < lc_channel_map_count(ch); i++)
		(void)lc_channel_route(ch, lc_channel_map(ch, i)->from, NULL);
	if (limits() && lc_channel_map_count(ch)) {
		(void)lc_channel_budget(ch, limits(), 1310, &b, &d);
		(void)lc_channel_path_events(ch, limits(), 0, 850, 1, ev, 8, &d);
		(void)lc_channel_path_segments(ch, limits(), 0, 1550, 0, seg, 8, &d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	lc_diag d;
	lc_diag_clear(&d);
	switch (data[0] % 4) {
	case 0: {
		lc_channel *ch = NULL;
		if (lc_channel_parse(text, len, "fuzz.json", NULL, &ch, &d) == 0) {
			exercise_channel(ch);
			lc_channel_free(ch);
		}
		break;
	}
	case 1: {
		lc_station *st = NULL;
		if (lc_station_parse(text, len, "fuzz.json", &st, &d) == 0) {
			char *j = lc_station_to_json(st);
			lc_station *back = NULL;
			if (j && lc_station_parse(j, strlen(j), "rt", &back, &d) != 0)
				abort(); /* what we write we must read */
			lc_station_free(back);
			free(j);
			lc_station_free(st);
		}
		break;
	}
	case 2: {
		lc_limits *lim = lc_limits_new();
		if (lim && lc_limits_add_json(lim, text, len, "fuzz.json", &d) == 0) {
			lc_check_result r;
			for (size_t i = 0; i < lc_limits_count(lim); i++)
				(void)lc_limit_check(lc_limits_at(lim, i), 1.0, &r);
		}
		lc_limits_free(lim);
		break;
	}
	default: {
		lc_dut *dut = NULL;
		if (lc_dut_parse(text, len, "fuzz.json", NULL, &dut, &d) == 0) {
			json_t *j = lc_dut_to_json(dut);
			json_decref(j);
			lc_dut_free(dut);
		}
		break;
	}
	}
	return 0;
}
