/*
 * Fuzz the simulator's input path: the block-aware message splitter and the SCPI engine (headers, the ';'
 * tree rule, every parameter kind, common commands, the error queue) on the generic test instrument's
 * command set. The first byte picks the splitter's input cap so the overflow path is reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/net/endpoint_lines.h"
#include "sim/scpi/scpi_engine.h"

static lc_sim_scpi *E;
static uint8_t *reply;
static size_t reply_cap;

static int echo_q(lc_sim_call *c, void *u)
{
	for (int i = 0; i < lc_sim_arg_count(c); i++) {
		const lc_sim_param *p = lc_sim_arg(c, i);
		if (p->kind == LC_SIM_P_BLOCK)
			lc_sim_out_block(c, p->text, p->len);
		else if (p->kind == LC_SIM_P_STRING)
			lc_sim_out_string(c, p->text);
		else if (p->kind == LC_SIM_P_NUMBER)
			lc_sim_out_nr3(c, p->number);
		lc_sim_out_sep(c);
	}
	lc_sim_out_int(c, lc_sim_suffix(c, 0));
	return 0;
}

static int num_set(lc_sim_call *c, void *u)
{
	static const lc_sim_numspec spec = {"M", 1e-6, 2e-6, 1.5e-6};
	double v;
	bool b;
	long long n;
	int r = lc_sim_arg_double(c, 0, &spec, &v);
	if (r == 0)
		r = lc_sim_arg_bool(c, 1, &b);
	if (r == 0)
		r = lc_sim_arg_int(c, 2, -5, 5, &n);
	return r;
}

static bool on_msg(const uint8_t *m, size_t len, bool ov, void *u)
{
	if (ov) {
		lc_sim_push_error(E, -363, NULL);
		return true;
	}
	size_t rl = 0;
	lc_sim_scpi_execute(E, (const char *)m, len, &reply, &rl, &reply_cap, NULL);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!E) {
		lc_sim_scpi_config cfg = {.idn = "FUZZ,1,2,3", .error_queue_size = 8};
		if (lc_sim_scpi_create(&cfg, &E, NULL) < 0)
			abort();
		lc_sim_scpi_add(E, "[SENSe#]:POWer:WAVelength", num_set, echo_q, NULL, NULL);
		lc_sim_scpi_add(E, "ECHO#:DATA[:VALue]", NULL, echo_q, NULL, NULL);
	}
	if (size == 0)
		return 0;
	lc_sim_lines l;
	if (lc_sim_lines_init(&l, 16 + (size_t)data[0] * 4, '\n') < 0)
		return 0;
	lc_sim_lines_feed(&l, data + 1, size - 1, on_msg, NULL);
	lc_sim_lines_flush(&l, on_msg, NULL);
	lc_sim_lines_free(&l);
	char t[200];
	while (lc_sim_pop_error(E, t, sizeof(t)) != 0) {
	}
	return 0;
}
