/* Reflectance <-> peak height and SOR DataPts encoding (formats/otdr_trace.h). */
#include <math.h>

#include "formats/otdr_trace.h"

double lc_otdr_reflectance_from_peak(double peak_db, double pulse_ns, double bc_db)
{
	if (!(peak_db > 0) || !(pulse_ns > 0))
		return NAN;
	return bc_db + 10.0 * log10(pulse_ns) + 10.0 * log10(pow(10.0, peak_db / 5.0) - 1.0);
}

double lc_otdr_peak_from_reflectance(double refl_db, double pulse_ns, double bc_db)
{
	if (!(pulse_ns > 0))
		return NAN;
	double bse = bc_db + 10.0 * log10(pulse_ns);
	return 5.0 * log10(1.0 + pow(10.0, (refl_db - bse) / 10.0));
}

void lc_otdr_levels_to_sor(const double *level_db, size_t n, uint16_t *out)
{
	for (size_t i = 0; i < n; i++) {
		double v = -level_db[i] * 1000.0;
		out[i] = v <= 0 ? 0 : v >= 65535 ? 65535 : (uint16_t)lround(v);
	}
}
