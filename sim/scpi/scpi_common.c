/*
 * Built-in commands: the IEEE 488.2 common commands with their status registers, SYSTem:ERRor and
 * SYSTem:VERSion. An instrument overrides any of them by registering the same pattern (its table is searched
 * first).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "sim/scpi/scpi_engine_priv.h"

/* Set ESR bit 0 for an *OPC whose pending operation has ended. */
void lc_sim_update_opc(lc_sim_scpi *e)
{
	if (e->pending_until_us && lc_now_us() >= e->pending_until_us)
		e->pending_until_us = 0;
	if (e->opc_armed && !e->pending_until_us) {
		e->esr |= 0x01;
		e->opc_armed = false;
	}
}

void lc_sim_wait_pending(lc_sim_scpi *e)
{
	int64_t t0 = lc_now_us();
	while (e->pending_until_us) {
		int64_t left = e->pending_until_us - lc_now_us();
		if (left <= 0)
			break;
		lc_sleep_ms(left / 1000 + 1);
	}
	/* The client is blocked in *OPC? or *WAI all this time: the station's totals count it as they count a
	 * blocking command (the instrument time was counted when the operation started, lc_sim_pending). */
	lc_sim_clock_add(e->clock, 0, (double)(lc_now_us() - t0) / 1e6, &e->acc);
	lc_sim_update_opc(e);
}

void lc_sim_pending(lc_sim_call *c, double seconds)
{
	lc_sim_scpi *e = c->e;
	int64_t end = lc_now_us() + lc_sim_clock_wall_us(e->clock, seconds);
	if (end > e->pending_until_us)
		e->pending_until_us = end;
	if (seconds > 0)
		e->acc.sim_s += seconds;
}

static void opc_fault_delay(lc_sim_scpi *e)
{
	if (e->faults_on && e->faults.opc_delay_ms > 0) {
		e->fault_count[LC_SIM_FAULT_OPC_DELAY]++;
		lc_sleep_ms(e->faults.opc_delay_ms);
	}
}

static int idn_q(lc_sim_call *c, void *u)
{
	const char *idn = lc_sim_fault_idn(c);
	if (!idn)
		idn = c->e->idn;
	lc_sim_out_raw(c, idn, strlen(idn));
	return lc_sim_arg_max(c, 0);
}

static int rst(lc_sim_call *c, void *u)
{
	int r = lc_sim_arg_max(c, 0);
	if (r)
		return r;
	lc_sim_scpi *e = c->e;
	e->pending_until_us = 0;
	e->opc_armed = false;
	if (e->reset)
		e->reset(e->user);
	return 0;
}

static int cls(lc_sim_call *c, void *u)
{
	int r = lc_sim_arg_max(c, 0);
	if (r)
		return r;
	lc_sim_scpi *e = c->e;
	lc_sim_errq_clear(e);
	e->esr = 0;
	e->opc_armed = false;
	return 0;
}

static int opc(lc_sim_call *c, void *u)
{
	int r = lc_sim_arg_max(c, 0);
	if (r)
		return r;
	opc_fault_delay(c->e);
	c->e->opc_armed = true;
	lc_sim_update_opc(c->e);
	return 0;
}

static int opc_q(lc_sim_call *c, void *u)
{
	int r = lc_sim_arg_max(c, 0);
	if (r)
		return r;
	lc_sim_wait_pending(c->e);
	opc_fault_delay(c->e);
	lc_sim_out_raw(c, "1", 1);
	return 0;
}

static int wai(lc_sim_call *c, void *u)
{
	int r = lc_sim_arg_max(c, 0);
	if (r)
		return r;
	lc_sim_wait_pending(c->e);
	opc_fault_delay(c->e);
	return 0;
}

static int esr_q(lc_sim_call *c, void *u)
{
	int r = lc_sim_arg_max(c, 0);
	if (r)
		return r;
	lc_sim_update_opc(c->e);
	lc_sim_out_int(c, c->e->esr);
	c->e->esr = 0; /* reading the event register clears it */
	return 0;
}

static int reg_set(lc_sim_call *c, uint8_t *reg)
{
	long long v;
	int r = lc_sim_arg_int(c, 0, 0, 255, &v);
	if (r)
		return r;
	if ((r = lc_sim_arg_max(c, 1)))
		return r;
	*reg = (uint8_t)v;
	return 0;
}

static int ese(lc_sim_call *c, void *u)
{
	return reg_set(c, &c->e->ese);
}

static int ese_q(lc_sim_call *c, void *u)
{
	lc_sim_out_int(c, c->e->ese);
	return lc_sim_arg_max(c, 0);
}

static int sre(lc_sim_call *c, void *u)
{
	/* bit 6 (MSS) cannot be enabled (IEEE 488.2 §11.3.2.3) */
	int r = reg_set(c, &c->e->sre);
	c->e->sre &= (uint8_t)~0x40;
	return r;
}

static int sre_q(lc_sim_call *c, void *u)
{
	lc_sim_out_int(c, c->e->sre);
	return lc_sim_arg_max(c, 0);
}

static int stb_q(lc_sim_call *c, void *u)
{
	lc_sim_update_opc(c->e);
	/* MAV: an earlier query of this message has output waiting */
	bool mav = c->unit_start > 0 && (*c->out)[c->unit_start - 1] == ';';
	lc_sim_out_int(c, lc_sim_scpi_stb(c->e, mav));
	return lc_sim_arg_max(c, 0);
}

static int tst_q(lc_sim_call *c, void *u)
{
	int r = c->e->self_test ? c->e->self_test(c->e->user) : 0;
	lc_sim_out_int(c, r);
	return lc_sim_arg_max(c, 0);
}

static void out_error(lc_sim_call *c, int code, const char *text)
{
	lc_sim_out_printf(c, "%d,", code);
	lc_sim_out_string(c, text);
}

static int err_q(lc_sim_call *c, void *u)
{
	char text[LC_SIM_ERR_TEXT];
	int code = lc_sim_errq_pop(c->e, text, sizeof(text));
	out_error(c, code, text);
	return lc_sim_arg_max(c, 0);
}

static int err_count_q(lc_sim_call *c, void *u)
{
	lc_sim_out_int(c, c->e->qcount);
	return lc_sim_arg_max(c, 0);
}

static int err_all_q(lc_sim_call *c, void *u)
{
	char text[LC_SIM_ERR_TEXT];
	int code, n = 0;
	do {
		code = lc_sim_errq_pop(c->e, text, sizeof(text));
		if (code == 0 && n > 0)
			break;
		if (n++)
			lc_sim_out_sep(c);
		out_error(c, code, text);
	} while (code != 0);
	return lc_sim_arg_max(c, 0);
}

static int vers_q(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "1999.0");
	return lc_sim_arg_max(c, 0);
}

static const struct {
	const char *pattern;
	lc_sim_handler set, query;
} builtin_defs[] = {
	{"*IDN", NULL, idn_q},
	{"*RST", rst, NULL},
	{"*CLS", cls, NULL},
	{"*OPC", opc, opc_q},
	{"*WAI", wai, NULL},
	{"*ESR", NULL, esr_q},
	{"*ESE", ese, ese_q},
	{"*SRE", sre, sre_q},
	{"*STB", NULL, stb_q},
	{"*TST", NULL, tst_q},
	{"SYSTem:ERRor[:NEXT]", NULL, err_q},
	{"SYSTem:ERRor:COUNt", NULL, err_count_q},
	{"SYSTem:ERRor:ALL", NULL, err_all_q},
	{"SYSTem:VERSion", NULL, vers_q},
};

#define NBUILTIN (sizeof(builtin_defs) / sizeof(builtin_defs[0]))
static struct lc_sim_cmd builtins[NBUILTIN];
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

static void builtins_make(void)
{
	for (size_t i = 0; i < NBUILTIN; i++) {
		/* the table above is known-good; a failure here is a programming error caught by the tests */
		lc_sim_pattern_parse(builtin_defs[i].pattern, &builtins[i], NULL);
		builtins[i].set = builtin_defs[i].set;
		builtins[i].query = builtin_defs[i].query;
	}
}

void lc_sim_builtins_init(void)
{
	pthread_once(&builtins_once, builtins_make);
}

const struct lc_sim_cmd *lc_sim_builtin_find(bool common, const struct lc_sim_hnode *h, int nh, int *suffix)
{
	for (size_t i = 0; i < NBUILTIN; i++)
		if (lc_sim_pattern_match(&builtins[i], common, h, nh, suffix))
			return &builtins[i];
	return NULL;
}
