/* Fuzz the simulator's own parsers: scenario files and the GP600's word-command translator. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/inst/inst_kind.h"
#include "sim/world/scenario.h"
#include "sim/world/world.h"

extern const lc_sim_inst_kind lc_sim_kind_dicon_gp600;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[256];
	lc_sim_kind_dicon_gp600.translate((const char *)data, size, out, sizeof(out));
	char fx[1024];
	const char *src = getenv("LC_SOURCE_DIR");
	snprintf(fx, sizeof(fx), "%s/fixtures", src ? src : ".");
	lc_diag d;
	lc_sim_scenario *sc = NULL;
	/* without LC_SOURCE_DIR the library finds the fixtures of the tree it was built from */
	if (lc_sim_scenario_parse((const char *)data, size, "fuzz.json", src ? fx : NULL, &sc, &d) == 0) {
		lc_sim_world *w = NULL;
		if (lc_sim_world_create(sc, &w, &d) == 0)
			lc_sim_world_destroy(w);
		lc_sim_scenario_free(sc);
	}
	return 0;
}
