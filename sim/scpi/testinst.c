/* A generic test instrument on the engine, on a raw socket and VXI-11 at once (see testinst.h). */
#include <stdlib.h>
#include <string.h>

#include "sim/scpi/testinst.h"

#define CHANNELS 4
#define BLOCK_MAX (16u << 20)

struct lc_sim_testinst {
	lc_sim_scpi *e;
	lc_sim_endpoint *sock, *vxi, *hislip;
	double value[CHANNELS + 1];
	bool state[CHANNELS + 1];
	uint8_t *data;
	size_t data_len;
};

static const lc_sim_numspec value_spec = {"", -1e9, 1e9, 0};

static int channel(lc_sim_call *c)
{
	int ch = lc_sim_suffix(c, 0);
	return ch >= 1 && ch <= CHANNELS ? ch : 0;
}

static int value_set(lc_sim_call *c, void *u)
{
	struct lc_sim_testinst *t = u;
	int ch = channel(c);
	if (!ch)
		return lc_sim_fail(c, -114, "channel %d", lc_sim_suffix(c, 0));
	double v;
	int r = lc_sim_arg_double(c, 0, &value_spec, &v);
	if (r)
		return r;
	if ((r = lc_sim_arg_max(c, 1)))
		return r;
	t->value[ch] = v;
	return 0;
}

static int value_q(lc_sim_call *c, void *u)
{
	struct lc_sim_testinst *t = u;
	int ch = channel(c);
	if (!ch)
		return lc_sim_fail(c, -114, "channel %d", lc_sim_suffix(c, 0));
	lc_sim_out_nr3(c, t->value[ch]);
	return 0;
}

static int state_set(lc_sim_call *c, void *u)
{
	struct lc_sim_testinst *t = u;
	int ch = channel(c);
	if (!ch)
		return lc_sim_fail(c, -114, "channel %d", lc_sim_suffix(c, 0));
	return lc_sim_arg_bool(c, 0, &t->state[ch]);
}

static int state_q(lc_sim_call *c, void *u)
{
	struct lc_sim_testinst *t = u;
	int ch = channel(c);
	if (!ch)
		return lc_sim_fail(c, -114, "channel %d", lc_sim_suffix(c, 0));
	lc_sim_out_bool(c, t->state[ch]);
	return 0;
}

static int block_q(lc_sim_call *c, void *u)
{
	long long n = 256;
	if (lc_sim_arg_present(c, 0)) {
		int r = lc_sim_arg_int(c, 0, 0, BLOCK_MAX, &n);
		if (r)
			return r;
	}
	uint8_t *b = malloc(n ? (size_t)n : 1);
	if (!b)
		return -225;
	for (long long i = 0; i < n; i++)
		b[i] = (uint8_t)i;
	lc_sim_out_block(c, b, (size_t)n);
	free(b);
	return 0;
}

static int data_set(lc_sim_call *c, void *u)
{
	struct lc_sim_testinst *t = u;
	const uint8_t *d;
	size_t n;
	int r = lc_sim_arg_block(c, 0, &d, &n);
	if (r)
		return r;
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return -225;
	memcpy(copy, d, n);
	free(t->data);
	t->data = copy;
	t->data_len = n;
	return 0;
}

static int data_q(lc_sim_call *c, void *u)
{
	struct lc_sim_testinst *t = u;
	lc_sim_out_block(c, t->data, t->data_len);
	return 0;
}

static int echo_q(lc_sim_call *c, void *u)
{
	const char *s;
	int r = lc_sim_arg_string(c, 0, &s, NULL);
	if (r)
		return r;
	lc_sim_out_string(c, s);
	return 0;
}

static int delay_q(lc_sim_call *c, void *u)
{
	static const lc_sim_numspec spec = {"S", 0, 3600, 0};
	double s;
	int r = lc_sim_arg_double(c, 0, &spec, &s);
	if (r)
		return r;
	lc_sim_spend(c, s);
	lc_sim_out_int(c, 1);
	return 0;
}

static int error_set(lc_sim_call *c, void *u)
{
	long long code;
	int r = lc_sim_arg_int(c, 0, -999, 999, &code);
	if (r)
		return r;
	lc_sim_push_error(lc_sim_call_engine(c), (int)code, NULL);
	return 0;
}

static void reset(void *u)
{
	struct lc_sim_testinst *t = u;
	memset(t->value, 0, sizeof(t->value));
	memset(t->state, 0, sizeof(t->state));
}

void lc_sim_testinst_opts_init(lc_sim_testinst_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->address = "127.0.0.1";
	o->portmapper_port = -1;
	o->hislip_port = -1;
}

static int add_all(struct lc_sim_testinst *t, lc_diag *diag)
{
	static const struct {
		const char *pattern;
		lc_sim_handler set, query;
	} cmds[] = {
		{"[SOURce#]:VALue", value_set, value_q}, {"[SOURce#]:STATe", state_set, state_q},
		{"TEST:BLOCk", NULL, block_q},           {"TEST:DATA", data_set, data_q},
		{"TEST:ECHO", NULL, echo_q},             {"TEST:DELay", NULL, delay_q},
		{"TEST:ERRor", error_set, NULL},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int r = lc_sim_scpi_add(t->e, cmds[i].pattern, cmds[i].set, cmds[i].query, t, diag);
		if (r < 0)
			return r;
	}
	return 0;
}

int lc_sim_testinst_start(const lc_sim_testinst_opts *o, lc_sim_testinst **out, lc_diag *diag)
{
	lc_sim_testinst_opts d;
	if (!o) {
		lc_sim_testinst_opts_init(&d);
		o = &d;
	}
	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "test instrument: out is required");
	struct lc_sim_testinst *t = calloc(1, sizeof(*t));
	if (!t)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	lc_sim_scpi_config cfg = {.idn = o->idn ? o->idn : LC_SIM_TESTINST_IDN, .clock = o->clock, .reset = reset,
				  .user = t};
	int r = lc_sim_scpi_create(&cfg, &t->e, diag);
	if (r < 0) {
		free(t);
		return r;
	}
	if ((r = add_all(t, diag)) < 0)
		goto fail;
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.address = o->address ? o->address : "127.0.0.1";
	eo.max_connections = o->max_connections;
	if (o->socket_port >= 0) {
		eo.port = o->socket_port;
		if ((r = lc_sim_socket_start(t->e, &eo, &t->sock, diag)) < 0)
			goto fail;
	}
	if (o->vxi11_port >= 0) {
		eo.port = o->vxi11_port;
		eo.portmapper_port = o->portmapper_port;
		eo.max_recv_size = o->max_recv_size;
		if ((r = lc_sim_vxi11_start(t->e, &eo, &t->vxi, diag)) < 0)
			goto fail;
	}
	if (o->hislip_port >= 0) {
		eo.port = o->hislip_port;
		eo.max_recv_size = o->max_recv_size;
		if ((r = lc_sim_hislip_start(t->e, &eo, &t->hislip, diag)) < 0)
			goto fail;
	}
	*out = t;
	return 0;
fail:
	lc_sim_testinst_stop(t);
	return r;
}

void lc_sim_testinst_stop(lc_sim_testinst *t)
{
	if (!t)
		return;
	lc_sim_endpoint_stop(t->sock);
	lc_sim_endpoint_stop(t->vxi);
	lc_sim_endpoint_stop(t->hislip);
	lc_sim_scpi_destroy(t->e);
	free(t->data);
	free(t);
}

lc_sim_scpi *lc_sim_testinst_engine(lc_sim_testinst *t)
{
	return t->e;
}

lc_sim_endpoint *lc_sim_testinst_socket(lc_sim_testinst *t)
{
	return t->sock;
}

lc_sim_endpoint *lc_sim_testinst_vxi11(lc_sim_testinst *t)
{
	return t->vxi;
}

lc_sim_endpoint *lc_sim_testinst_hislip(lc_sim_testinst *t)
{
	return t->hislip;
}
