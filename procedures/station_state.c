/* Files of a station's state folder (station_state.h). */
#include "procedures/station_state.h"

#include <ctype.h>
#include <stdio.h>

#include "fixtures/station.h"

int lc_station_state_path(const char *dir, const char *station, const char *what, char *buf, size_t cap,
			  lc_diag *diag)
{
	if (!dir || !*dir || !station || !*station || !what)
		return lc_diag_set(diag, LC_ERR_ARG, "station state: no folder or station");
	char name[LC_NAME_MAX];
	size_t k = 0;
	for (const char *c = station; *c && k + 1 < sizeof(name); c++)
		name[k++] = (isalnum((unsigned char)*c) || *c == '-' || *c == '_') ? *c : '_';
	name[k] = '\0';
	int n = snprintf(buf, cap, "%s/%s-%s.json", dir, name, what);
	if (n < 0 || (size_t)n >= cap)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "station state folder path too long: %s", dir);
	return 0;
}
