/*
 * The OTDR trace as both sides see it, whatever made it: levels in dB encoded as SOR DataPts, and the
 * relation between an event's reflectance and the height of its peak above the backscatter for a given
 * pulse width and backscatter coefficient (the coefficient SOR's FxdParams carry). The analysis measures
 * reflectance with it, the simulator draws peaks with it; it lives here, on base/ alone, so that neither
 * takes it from the other.
 *
 * Thread safety: pure functions, no global state.
 */
#ifndef LC_FORMATS_OTDR_TRACE_H
#define LC_FORMATS_OTDR_TRACE_H

#include <stddef.h>
#include <stdint.h>

/* Reflectance (dB) of a peak H dB above the backscatter for a pulse of pulse_ns with backscatter
 * coefficient bc_db at 1 ns: R = BC + 10 log10(pulse) + 10 log10(10^(H/5) - 1). NAN when H <= 0 or the
 * pulse is not positive. */
double lc_otdr_reflectance_from_peak(double peak_db, double pulse_ns, double bc_db);
/* Inverse: the peak height a reflectance produces. NAN when the pulse is not positive. */
double lc_otdr_peak_from_reflectance(double refl_db, double pulse_ns, double bc_db);

/* Levels in dB to SOR DataPts values at scale 1000 (dB x 1000, loss positive, clamped to 0..65535). */
void lc_otdr_levels_to_sor(const double *level_db, size_t n, uint16_t *out);

#endif
