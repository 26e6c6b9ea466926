/* The dashboard's events socket takes messages from any local process of the station's group: each input is
 * one message, ingested into a hub (twice) and then read out as a Server-Sent Events stream. */
#include <stdint.h>
#include <stdlib.h>

#include "serve/live.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lc_live *l;
	if (lc_live_new(&l, NULL) < 0)
		return 0;
	lc_live_ingest(l, (const char *)data, size);
	lc_live_ingest(l, (const char *)data, size);
	lc_live_slot slots[LC_LIVE_SLOTS_MAX];
	char id[40], buf[16384];
	lc_live_slots(l, slots, LC_LIVE_SLOTS_MAX, id);
	bool reset = false;
	uint64_t next = lc_live_resume_point(l, "0.0", &reset);
	next = 1;
	lc_live_read(l, &next, &reset, buf, sizeof(buf), 0);
	lc_live_shutdown(l);
	lc_live_free(l);
	return 0;
}
