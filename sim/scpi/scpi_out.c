/* Reply formatting for handlers, and the accessors of an lc_sim_call. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/numfmt.h"
#include "sim/scpi/scpi_engine_priv.h"

void lc_sim_out_reserve(lc_sim_call *c, size_t more)
{
	if (c->oom)
		return;
	size_t need = *c->out_len + more;
	if (need <= *c->out_cap)
		return;
	size_t cap = *c->out_cap ? *c->out_cap : 256;
	while (cap < need)
		cap *= 2;
	uint8_t *n = realloc(*c->out, cap);
	if (!n) {
		c->oom = true;
		return;
	}
	*c->out = n;
	*c->out_cap = cap;
}

void lc_sim_out_raw(lc_sim_call *c, const void *data, size_t len)
{
	lc_sim_out_reserve(c, len);
	if (c->oom || len == 0)
		return;
	memcpy(*c->out + *c->out_len, data, len);
	*c->out_len += len;
}

static void out_vprintf(lc_sim_call *c, const char *fmt, va_list ap)
{
	char small[128];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof(small)) {
		lc_sim_out_raw(c, small, (size_t)n);
	} else {
		lc_sim_out_reserve(c, (size_t)n + 1);
		if (!c->oom) {
			vsnprintf((char *)*c->out + *c->out_len, (size_t)n + 1, fmt, ap2);
			*c->out_len += (size_t)n;
		}
	}
	va_end(ap2);
}

void lc_sim_out_printf(lc_sim_call *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vprintf(c, fmt, ap);
	va_end(ap);
}

void lc_sim_out_int(lc_sim_call *c, long long v)
{
	lc_sim_out_printf(c, "%lld", v);
}

void lc_sim_out_nr3(lc_sim_call *c, double v)
{
	/* SCPI-99 §7.2.1: NaN is 9.91E+37, +/-infinity 9.9E+37 / -9.9E+37. */
	if (isnan(v))
		lc_sim_out_printf(c, "9.91E+37");
	else if (isinf(v))
		lc_sim_out_printf(c, "%s9.9E+37", v < 0 ? "-" : "");
	else
		lc_sim_out_exp(c, v, 8, LC_FMT_PLUS | LC_FMT_UPPER);
}

void lc_sim_out_exp(lc_sim_call *c, double v, int prec, unsigned flags)
{
	/* straight into the reply: printf's "%+.8E" was more than half of a query's cost (docs/simulator.md) */
	enum { MAX = 32 }; /* sign, 18 digits, point, "E+308" */
	lc_sim_out_reserve(c, MAX);
	if (c->oom)
		return;
	int n = lc_fmt_exp((char *)*c->out + *c->out_len, MAX, v, prec, flags);
	if (n > 0 && n < MAX)
		*c->out_len += (size_t)n;
}

void lc_sim_out_bool(lc_sim_call *c, bool v)
{
	lc_sim_out_raw(c, v ? "1" : "0", 1);
}

void lc_sim_out_string(lc_sim_call *c, const char *s)
{
	lc_sim_out_raw(c, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			lc_sim_out_raw(c, "\"", 1);
		lc_sim_out_raw(c, p, 1);
	}
	lc_sim_out_raw(c, "\"", 1);
}

void lc_sim_out_block(lc_sim_call *c, const void *data, size_t len)
{
	char digits[24];
	int nd = snprintf(digits, sizeof(digits), "%zu", len);
	lc_sim_out_printf(c, "#%d%s", nd, digits);
	lc_sim_out_raw(c, data, len);
}

void lc_sim_out_sep(lc_sim_call *c)
{
	lc_sim_out_raw(c, ",", 1);
}

int lc_sim_fail(lc_sim_call *c, int code, const char *fmt, ...)
{
	char detail[LC_SIM_ERR_TEXT], text[LC_SIM_ERR_TEXT];
	detail[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	lc_sim_err_compose(text, sizeof(text), code, detail);
	pthread_mutex_lock(&c->e->mu);
	lc_sim_errq_push(c->e, code, text);
	pthread_mutex_unlock(&c->e->mu);
	c->pushed = true;
	return code;
}

int lc_sim_suffix(const lc_sim_call *c, int i)
{
	if (i < 0 || i >= c->nsuffix)
		return 1;
	return c->suffix[i];
}

bool lc_sim_is_query(const lc_sim_call *c)
{
	return c->query;
}

lc_sim_scpi *lc_sim_call_engine(lc_sim_call *c)
{
	return c->e;
}

void lc_sim_spend(lc_sim_call *c, double seconds)
{
	lc_sim_clock_sleep(c->e->clock, seconds, &c->e->acc);
}

void lc_sim_account(lc_sim_call *c, double sim_seconds, double wall_seconds)
{
	lc_sim_clock_add(c->e->clock, sim_seconds, wall_seconds, &c->e->acc);
}
