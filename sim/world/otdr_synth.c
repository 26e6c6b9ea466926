/* Synthetic OTDR traces (see otdr_synth.h). The signal is built in linear power (one-way dB = 5 log10 of the
 * received power) on a grid fine enough for the pulse and the receiver's rise (the trace's points are then
 * samples of it, as an OTDR's ADC samples its receiver's output): the fibre's response, convolved with the
 * pulse and the receiver's impulse response, plus noise that the same receiver filters, clipped at full
 * scale and at the floor. Nothing is shaped in dB, so the dead zones, the rounded feet of the edges, the
 * tails and the noise's growth with distance follow from the physics, not from the analysis's notion of
 * them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "formats/otdr_trace.h"
#include "sim/world/otdr_synth.h"

#define C_M_PER_NS 0.299792458
/* at most this many points on the fine grid (the trace's points times the oversampling) */
#define MAX_FINE ((size_t)1 << 22)

void lc_otdr_synth_receiver(lc_otdr_synth *p, double pulse_ns)
{
	p->pulse_ns = pulse_ns;
	/* Measured on the samples (docs/sor.md, "Synthetic traces"): a reflection's leading edge rises (10-90 %)
	 * in about 0.45 of the pulse (EXFO 10 ns, Anritsu MT9090A 100 ns; 0.2-0.3 on Noyes 30 ns and MT1000A
	 * 100 ns), never under a few ns; after a 22-26 dB reflection the trace is back within 1 / 0.5 / 0.1 dB
	 * of the backscatter 8 / 11 / 16-17 pulse lengths on (the same on 10 ns EXFO and 100 ns Anritsu
	 * traces): an exponential of 3 pulse widths carrying 3e-4 of the light; the backscatter of averaged
	 * traces carries a ripple of about 0.005 dB correlated over a pulse length (Anritsu MT9090A, Noyes). */
	p->rise_ns = fmax(3.0, 0.4 * pulse_ns);
	p->tail_frac = 3e-4;
	p->tail_ns = 3.0 * pulse_ns;
	p->ripple_db = 0.005;
	double gi = p->group_index > 1.0 ? p->group_index : 1.468;
	p->ripple_m = 0.6 * pulse_ns * C_M_PER_NS / gi / 2.0;
}

void lc_otdr_synth_init(lc_otdr_synth *p)
{
	memset(p, 0, sizeof(*p));
	p->group_index = 1.468;
	p->bc_db = -79.5;
	p->atten_db_km = 0.33;
	p->launch_db = -20;
	p->front_reflectance_db = -45;
	p->noise_db = -38;
	p->averages = 1;
	p->floor_db = -65;
	p->full_scale_db = 0;
	p->seed = 1;
	lc_otdr_synth_receiver(p, 10);
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

/* One causal first-order low-pass pole (time constant tau, in grid steps) over v, in place, from rest. */
static void pole(double *v, size_t n, double tau)
{
	if (!(tau > 0))
		return;
	double a = 1.0 - exp(-1.0 / tau), s = 0;
	for (size_t j = 0; j < n; j++) {
		s += a * (v[j] - s);
		v[j] = s;
	}
}

/* Sum of the squared impulse response of two identical poles of time constant tau (grid steps): the factor
 * by which they scale the variance of white noise. */
static double two_pole_noise_gain(double tau)
{
	if (!(tau > 0))
		return 1.0;
	double a = 1.0 - exp(-1.0 / tau), s1 = 0, s2 = 0, g = 0;
	for (size_t k = 0; k < (size_t)(60 * tau) + 64; k++) {
		s1 += a * ((k == 0 ? 1.0 : 0.0) - s1);
		s2 += a * (s1 - s2);
		g += s2 * s2;
	}
	return g;
}

/* The fibre's loss (dB, one-way) passed at x, and whether x is past the end. */
static double passed_loss(const lc_otdr_synth_event *ev, size_t nev, double x, bool *dead)
{
	double l = 0;
	*dead = false;
	for (size_t k = 0; k < nev && ev[k].position_m < x; k++) {
		if (ev[k].end) {
			*dead = true;
			break;
		}
		l += ev[k].loss_db;
	}
	return l;
}

/* Prefix integral C at fractional grid position u (linear between grid points; 0 before the start). */
static double integral_at(const double *C, size_t N, double u)
{
	if (u <= 0)
		return 0;
	size_t j = (size_t)u;
	if (j >= N)
		return C[N];
	double f = u - (double)j;
	return C[j] + f * (C[j + 1] - C[j]);
}

int lc_otdr_synth_trace(const lc_otdr_synth *p, const lc_otdr_synth_event *ev, size_t nev, double *out)
{
	if (!p || !out || p->n == 0 || !(p->dx_m > 0) || !(p->pulse_ns > 0) || p->averages == 0 ||
	    (nev && !ev) || p->rise_ns < 0 || p->tail_frac < 0 || p->tail_frac >= 1 || p->ripple_db < 0)
		return LC_ERR_ARG;
	for (size_t k = 1; k < nev; k++)
		if (ev[k].position_m < ev[k - 1].position_m)
			return LC_ERR_ARG;
	double gi = p->group_index > 1.0 ? p->group_index : 1.468;
	double m_per_ns = C_M_PER_NS / gi / 2.0;
	double w = p->pulse_ns * m_per_ns; /* pulse length on the trace */
	double rise_m = p->rise_ns * m_per_ns;
	/* the fine grid: 8 steps a pulse, 4 a rise time, a whole number of steps a trace point */
	double fine = w / 8.0;
	if (rise_m > 0 && rise_m / 4.0 < fine)
		fine = rise_m / 4.0;
	size_t s = p->dx_m <= fine ? 1 : (size_t)ceil(p->dx_m / fine);
	if (s > 64)
		s = 64;
	if (p->n > MAX_FINE)
		s = 1;
	else if (p->n * s > MAX_FINE)
		s = MAX_FINE / p->n;
	if (s < 1)
		s = 1;
	size_t N = p->n * s;
	double h = p->dx_m / (double)s;
	double *C = malloc((N + 1) * sizeof(double)), *v = malloc(N * sizeof(double)),
	       *z = malloc(N * sizeof(double));
	if (!C || !v || !z) {
		free(C), free(v), free(z);
		return LC_ERR_NOMEM;
	}
	/* 1. the fibre's response: backscatter density per metre (its pulse average is the trace level), each
	 * grid cell the mean over the cell of the density (a loss or the end inside it weighs by the part of the
	 * cell on either side); C its prefix integral */
	C[0] = 0;
	for (size_t j = 0; j < N; j++) {
		double a = (double)j * h, b = a + h, mid = a + h / 2;
		double acc = 0, from = a;
		bool dead;
		for (size_t k = 0; k < nev; k++) {
			if (ev[k].position_m <= a || ev[k].position_m >= b)
				continue;
			double lv = passed_loss(ev, nev, (from + ev[k].position_m) / 2, &dead);
			if (!dead)
				acc += (ev[k].position_m - from) * pow(10.0, (p->launch_db - p->atten_db_km * mid / 1000.0 - lv) / 5.0);
			from = ev[k].position_m;
		}
		double lv = passed_loss(ev, nev, (from + b) / 2, &dead);
		if (!dead)
			acc += (b - from) * pow(10.0, (p->launch_db - p->atten_db_km * mid / 1000.0 - lv) / 5.0);
		C[j + 1] = C[j] + acc;
	}
	/* reflections: impulses whose pulse-long plateau stands H above the backscatter before them. They start
	 * after the position (the point at it is still on the backscatter line, where an OTDR places the
	 * event): added to the integral from the next grid point on. */
	for (size_t k = 0; k <= nev; k++) {
		double pos = k < nev ? ev[k].position_m : 0.0;
		double r = k < nev ? ev[k].reflectance_db : p->front_reflectance_db;
		if (!isfinite(r))
			continue;
		double H = lc_otdr_peak_from_reflectance(r, p->pulse_ns, p->bc_db);
		bool dead;
		double before = p->launch_db - p->atten_db_km * pos / 1000.0 - passed_loss(ev, nev, pos, &dead);
		double E = w * pow(10.0, before / 5.0) * (pow(10.0, H / 5.0) - 1.0);
		size_t j0 = (size_t)floor(pos / h) + 1;
		for (size_t j = j0; j <= N; j++)
			C[j] += E;
	}
	/* 2. the pulse: the level at x is the light of the fibre from x - w to x (a rectangular pulse) */
	double wn = w / h;
	for (size_t j = 0; j < N; j++)
		v[j] = (C[j] - integral_at(C, N, (double)j - wn)) / w;
	/* 3. the receiver: two fast poles (the rise time) and a slow component (the recovery tail) */
	double tau = rise_m > 0 ? rise_m / 3.36 / h : 0; /* two equal poles: 10-90 % in 3.36 tau */
	double tail_tau = p->tail_ns * m_per_ns / h;
	if (p->tail_frac > 0 && tail_tau > 0) {
		memcpy(z, v, N * sizeof(double));
		pole(z, N, tail_tau);
	}
	pole(v, N, tau);
	pole(v, N, tau);
	if (p->tail_frac > 0 && tail_tau > 0)
		for (size_t j = 0; j < N; j++)
			v[j] = (1.0 - p->tail_frac) * v[j] + p->tail_frac * z[j];
	/* 4. the ripple: multiplicative, a correlated Gaussian of the given rms (in dB) */
	uint64_t seed = p->seed ? p->seed : 1;
	if (p->ripple_db > 0 && p->ripple_m > 0) {
		double rt = p->ripple_m / h;
		for (size_t j = 0; j < N; j++)
			z[j] = normal(&seed);
		pole(z, N, rt);
		pole(z, N, rt);
		double g = sqrt(two_pole_noise_gain(rt)), eps = p->ripple_db * log(10.0) / 5.0 / g;
		for (size_t j = 0; j < N; j++)
			v[j] *= 1.0 + eps * z[j];
	}
	/* 5. the noise, in linear power, through the receiver's fast poles: its rms at the output is the
	 * detector's noise over the square root of the averages */
	double sigma = pow(10.0, p->noise_db / 5.0) / sqrt((double)p->averages);
	double sin = sigma / sqrt(two_pole_noise_gain(tau));
	for (size_t j = 0; j < N; j++)
		z[j] = sin * normal(&seed);
	pole(z, N, tau);
	pole(z, N, tau);
	/* 6. sampling, full scale (a saturated reflection's flat top) and the floor */
	double floor_lin = pow(10.0, p->floor_db / 5.0), fs = pow(10.0, p->full_scale_db / 5.0);
	for (size_t i = 0; i < p->n; i++) {
		double pw = v[i * s] + z[i * s];
		if (pw > fs)
			pw = fs;
		if (pw < floor_lin)
			pw = floor_lin;
		out[i] = 5.0 * log10(pw);
	}
	free(C), free(v), free(z);
	return 0;
}
