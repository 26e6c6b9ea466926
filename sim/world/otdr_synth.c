/* Synthetic OTDR traces (see otdr_synth.h). The trace is built in linear power (one-way dB = 5 log10 of the
 * received power) so that reflections add to the backscatter and noise adds to both, as in a receiver. */
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "formats/otdr_trace.h"
#include "sim/world/otdr_synth.h"

void lc_otdr_synth_init(lc_otdr_synth *p)
{
	memset(p, 0, sizeof(*p));
	p->pulse_ns = 10;
	p->group_index = 1.468;
	p->bc_db = -79.5;
	p->atten_db_km = 0.33;
	p->launch_db = -20;
	p->front_reflectance_db = -45;
	p->noise_db = -38;
	p->averages = 1;
	p->floor_db = -65;
	p->seed = 1;
}

/* xorshift64* and Box-Muller: a small deterministic normal source. */
static double uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return ((*s * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

static double normal(uint64_t *s)
{
	double u = uniform(s), v = uniform(s);
	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Fraction (0..1) of a rectangular pulse of length w that has passed x0 at x (a linear ramp). */
static double ramp(double x, double x0, double w)
{
	if (x <= x0)
		return 0;
	if (x >= x0 + w)
		return 1;
	return (x - x0) / w;
}

int lc_otdr_synth_trace(const lc_otdr_synth *p, const lc_otdr_synth_event *ev, size_t nev, double *out)
{
	if (!p || !out || p->n == 0 || !(p->dx_m > 0) || !(p->pulse_ns > 0) || p->averages == 0 ||
	    (nev && !ev))
		return LC_ERR_ARG;
	for (size_t k = 1; k < nev; k++)
		if (ev[k].position_m < ev[k - 1].position_m)
			return LC_ERR_ARG;
	double gi = p->group_index > 1.0 ? p->group_index : 1.468;
	double w = p->pulse_ns * 1e-9 * 299792458.0 / gi / 2.0; /* pulse length on the trace */
	double tau = 0.5 * w;                                     /* receiver recovery after a peak */
	double sigma = pow(10.0, p->noise_db / 5.0) / sqrt((double)p->averages);
	double floor_lin = pow(10.0, p->floor_db / 5.0);
	uint64_t seed = p->seed ? p->seed : 1;
	for (size_t i = 0; i < p->n; i++) {
		double x = (double)i * p->dx_m;
		/* backscatter: attenuation plus every loss already passed (smeared over the pulse) */
		double level = p->launch_db - p->atten_db_km * x / 1000.0;
		bool alive = true;
		double refl = 0;
		for (size_t k = 0; k < nev; k++) {
			double f = ramp(x, ev[k].position_m, w);
			if (ev[k].end) {
				if (f >= 1.0)
					alive = false;
				else
					level -= 30.0 * f; /* the backscatter vanishes within the pulse */
			} else {
				level -= ev[k].loss_db * f;
			}
		}
		double bs = alive ? pow(10.0, level / 5.0) : 0;
		/* reflections: a pulse-long plateau H dB above the local backscatter, then the recovery tail */
		double peaks[2] = {0, 0};
		for (size_t k = 0; k <= nev; k++) {
			double pos = k < nev ? ev[k].position_m : 0.0;
			double r = k < nev ? ev[k].reflectance_db : p->front_reflectance_db;
			/* like the loss ramp, the peak starts after the event: the point at its position is still on the
			 * backscatter line, which is where an OTDR places the event */
			if (!isfinite(r) || x <= pos)
				continue;
			double h = lc_otdr_peak_from_reflectance(r, p->pulse_ns, p->bc_db);
			double before = p->launch_db - p->atten_db_km * pos / 1000.0;
			for (size_t j = 0; j < nev && k < nev; j++)
				if (j < k)
					before -= ev[j].loss_db;
			double amp = pow(10.0, before / 5.0) * (pow(10.0, h / 5.0) - 1.0);
			double d = x - pos;
			double shape = d <= w ? 1.0 : exp(-(d - w) / tau);
			peaks[k < nev ? 0 : 1] += amp * shape;
		}
		refl = peaks[0] + peaks[1];
		double pw = bs + refl + sigma * normal(&seed);
		if (pw < floor_lin)
			pw = floor_lin;
		out[i] = 5.0 * log10(pw);
		if (out[i] > 0)
			out[i] = 0; /* the receiver saturates at full scale */
	}
	return 0;
}
