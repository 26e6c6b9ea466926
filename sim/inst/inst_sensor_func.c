/*
 * Logging and stability functions of the Keysight sensor tree, and their triggers (instrument-dialects.md
 * §1.1, §1.2): FUNC:PAR:LOGG points,atime / FUNC:PAR:STAB total,period,avg, FUNC:STAT LOGG,STAR|STOP,
 * FUNC:STAT? "LOGGING_STABILITY,PROGRESS|COMPLETE" or "NONE,COMPLETE", FUNC:RES? as a little-endian float32
 * block in W, TRIG:INP IGN|SME|CME|MME and TRIG NODEA.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "sim/inst/inst_sensor.h"

#define HOST(u) ((struct lc_sim_sensor_host *)(u))
#define GET(s, c, u)                                                                            \
	int err_##s = 0;                                                                        \
	struct lc_sim_sensor *s =                                                               \
		HOST(u)->at(HOST(u), (c), lc_sim_suffix((c), 0), lc_sim_suffix((c), 1), &err_##s); \
	if (!s)                                                                                 \
		return err_##s

/* Largest logging run kept in memory (the N774x allows up to 1 M points; a simulator need not). */
#define MAX_POINTS 100000

/* "Changing any setting while logging stops it" [S5]. */
static void stop(struct lc_sim_sensor *s)
{
	s->func_running = s->func_armed = false;
}

static double point_atime(const struct lc_sim_sensor *s)
{
	return s->func == LC_SIM_FUNC_LOGG ? s->log_atime : s->stab_avg;
}

static double point_period(const struct lc_sim_sensor *s)
{
	return s->func == LC_SIM_FUNC_LOGG ? s->log_atime : s->stab_period;
}

/* Take samples [n_result, upto) now; the run's instrument time passes as an overlapped operation. */
static int take(struct lc_sim_sensor_host *h, lc_sim_call *c, struct lc_sim_sensor *s, int upto)
{
	int first = s->n_result;
	for (; s->n_result < upto; s->n_result++) {
		double w;
		if (lc_sim_sensor_measure(h, s, point_atime(s), &w) < 0)
			return lc_sim_fail(c, -240, "sensor read failed");
		s->result[s->n_result] = (float)w;
	}
	double t = (upto - first) * point_period(s);
	lc_sim_pending(c, t);
	s->done_wall_us = lc_now_us() + lc_sim_clock_wall_us(h->clock, t);
	if (s->n_result == s->want_result)
		s->func_armed = false;
	return 0;
}

static int start(struct lc_sim_sensor_host *h, lc_sim_call *c, struct lc_sim_sensor *s)
{
	int n = s->func == LC_SIM_FUNC_LOGG ? s->log_points : s->stab_points;
	lc_sim_sensor_free(s);
	s->result = calloc((size_t)n, sizeof(float));
	if (!s->result)
		return lc_sim_fail(c, -225, "%d points", n);
	s->want_result = n;
	s->n_result = 0;
	s->func_running = true;
	s->func_armed = s->trig_in != LC_SIM_TRIG_IGN;
	s->done_wall_us = 0;
	return s->func_armed ? 0 : take(h, c, s, n);
}

static bool complete(const struct lc_sim_sensor *s)
{
	return s->func_running && !s->func_armed && s->n_result == s->want_result && lc_now_us() >= s->done_wall_us;
}

static int h_logg(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	long long n;
	lc_sim_numspec ns = {"S", 1e-6, 10, 1e-4};
	double at;
	int rc = lc_sim_arg_int(c, 0, 1, MAX_POINTS, &n);
	if (!rc)
		rc = lc_sim_arg_double(c, 1, &ns, &at);
	if (rc)
		return rc;
	stop(s);
	s->log_points = (int)n;
	s->log_atime = at;
	return 0;
}

static int q_logg(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_printf(c, "%+d,", s->log_points);
	lc_sim_out_keysight(c, s->log_atime);
	return 0;
}

static int h_stab(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_numspec ns = {"S", 1e-6, 360000, 1};
	double total, period, avg;
	int rc = lc_sim_arg_double(c, 0, &ns, &total);
	if (!rc)
		rc = lc_sim_arg_double(c, 1, &ns, &period);
	if (!rc)
		rc = lc_sim_arg_double(c, 2, &ns, &avg);
	if (rc)
		return rc;
	if (avg > period || period > total || total / period > MAX_POINTS)
		return lc_sim_fail(c, -222, "need avg <= period <= total, at most %d points", MAX_POINTS);
	stop(s);
	s->stab_total = total, s->stab_period = period, s->stab_avg = avg;
	s->stab_points = (int)(total / period + 0.5);
	return 0;
}

static int q_stab(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	/* The guide's example reply: "+1.00000,+1.00000000E-001,+1.00000000E-001". */
	lc_sim_out_printf(c, "%+.5f,", s->stab_total);
	lc_sim_out_keysight(c, s->stab_period);
	lc_sim_out_printf(c, ",");
	lc_sim_out_keysight(c, s->stab_avg);
	return 0;
}

static int h_func_stat(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	static const char *const funcs[] = {"LOGGing", "STABility", "MINMax", NULL};
	static const char *const acts[] = {"STARt", "STOP", NULL};
	int f, a;
	int rc = lc_sim_arg_choice(c, 0, funcs, &f);
	if (!rc)
		rc = lc_sim_arg_choice(c, 1, acts, &a);
	if (rc)
		return rc;
	if (f == 2) /* MINMax exists on the real meter; it is not simulated, so say so instead of faking it */
		return lc_sim_fail(c, -224, "MINMax function not simulated");
	if (a == 1) {
		stop(s);
		return 0;
	}
	s->func = f == 0 ? LC_SIM_FUNC_LOGG : LC_SIM_FUNC_STAB;
	return start(HOST(u), c, s);
}

static int q_func_stat(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	if (s->func == LC_SIM_FUNC_NONE || (!s->func_running && !s->result))
		lc_sim_out_printf(c, "NONE,COMPLETE");
	else
		lc_sim_out_printf(c, "LOGGING_STABILITY,%s", complete(s) ? "COMPLETE" : "PROGRESS");
	return 0;
}

static int q_func_res(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	if (!complete(s))
		return lc_sim_fail(c, -230, "no complete logging result");
	uint8_t *buf = malloc((size_t)s->n_result * 4 + 1);
	if (!buf)
		return lc_sim_fail(c, -225, NULL);
	for (int i = 0; i < s->n_result; i++) {
		uint32_t bits;
		memcpy(&bits, &s->result[i], 4);
		for (int b = 0; b < 4; b++)
			buf[i * 4 + b] = (uint8_t)(bits >> (8 * b));
	}
	lc_sim_out_block(c, buf, (size_t)s->n_result * 4);
	free(buf);
	return 0;
}

static const char *const trig_ins[] = {"IGNore", "SMEasure", "CMEasure", "MMEasure", NULL};
static const char *const trig_in_short[] = {"IGN", "SME", "CME", "MME"};

static int h_trig_in(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	int idx;
	int rc = lc_sim_arg_choice(c, 0, trig_ins, &idx);
	if (rc)
		return rc;
	stop(s);
	s->trig_in = (enum lc_sim_trig_in)idx;
	return 0;
}

static int q_trig_in(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_printf(c, "%s", trig_in_short[s->trig_in]);
	return 0;
}

static int h_trig_out(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	static const char *const outs[] = {"DISabled", "AVGover", "MEASure", NULL};
	int idx;
	int rc = lc_sim_arg_choice(c, 0, outs, &idx);
	if (rc)
		return rc;
	s->trig_out_enabled = idx != 0;
	return 0;
}

static int q_trig_out(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_printf(c, "%s", s->trig_out_enabled ? "AVG" : "DIS");
	return 0;
}

/* TRIG NODEA: the input trigger connector fired by software. CME starts an armed run, SME/MME take one
 * sample each. NODEB (the output connector) triggers nothing inside this instrument. */
static int h_trig(lc_sim_call *c, void *u)
{
	static const char *const nodes[] = {"NODEA", "NODEB", NULL};
	int idx;
	int rc = lc_sim_arg_choice(c, 0, nodes, &idx);
	if (rc || idx == 1)
		return rc;
	struct lc_sim_sensor_host *h = HOST(u);
	for (int i = 0; i < h->n_sensors && !rc; i++) {
		struct lc_sim_sensor *s = &h->sensors[i];
		if (!s->present || !s->func_armed)
			continue;
		rc = take(h, c, s, s->trig_in == LC_SIM_TRIG_CME ? s->want_result : s->n_result + 1);
	}
	return rc;
}

int lc_sim_sensor_func_register(lc_sim_scpi *e, struct lc_sim_sensor_host *h, lc_diag *diag)
{
	static const lc_sim_cmd cmds[] = {
		{"[SENSe#][:CHANnel#]:FUNCtion:PARameter:LOGGing", h_logg, q_logg},
		{"[SENSe#][:CHANnel#]:FUNCtion:PARameter:STABility", h_stab, q_stab},
		{"[SENSe#][:CHANnel#]:FUNCtion:STATe", h_func_stat, q_func_stat},
		{"[SENSe#][:CHANnel#]:FUNCtion:RESult", NULL, q_func_res},
		{"TRIGger#[:CHANnel#]:INPut", h_trig_in, q_trig_in},
		{"TRIGger#[:CHANnel#]:OUTPut", h_trig_out, q_trig_out},
		{"TRIGger", h_trig, NULL},
	};
	return lc_sim_add_cmds(e, cmds, sizeof(cmds) / sizeof(cmds[0]), h, diag);
}
