/* Parameter accessors for handlers: each checks kind, unit and range and pushes the SCPI error itself. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "sim/scpi/scpi_engine_priv.h"

int lc_sim_arg_count(const lc_sim_call *c)
{
	return c->nparams;
}

const lc_sim_param *lc_sim_arg(const lc_sim_call *c, int idx)
{
	return idx >= 0 && idx < c->nparams ? &c->params[idx] : NULL;
}

bool lc_sim_arg_present(const lc_sim_call *c, int idx)
{
	return lc_sim_arg(c, idx) != NULL;
}

int lc_sim_arg_max(lc_sim_call *c, int n)
{
	if (c->nparams > n)
		return lc_sim_fail(c, -108, "%d given, at most %d", c->nparams, n);
	return 0;
}

static const lc_sim_param *need(lc_sim_call *c, int idx, int *err)
{
	const lc_sim_param *p = lc_sim_arg(c, idx);
	if (!p)
		*err = lc_sim_fail(c, -109, "parameter %d", idx + 1);
	return p;
}

int lc_sim_arg_double(lc_sim_call *c, int idx, const lc_sim_numspec *spec, double *out)
{
	int err = 0;
	const lc_sim_param *p = need(c, idx, &err);
	if (!p)
		return err;
	double v;
	switch (p->kind) {
	case LC_SIM_P_NUMBER:
		if (p->unit[0] && spec && spec->unit && strcasecmp(p->unit, spec->unit) != 0)
			return lc_sim_fail(c, -131, "unit %s where %s is expected", p->unit,
					   spec->unit[0] ? spec->unit : "none");
		v = p->number;
		break;
	case LC_SIM_P_MIN:
	case LC_SIM_P_MAX:
	case LC_SIM_P_DEF:
		if (!spec)
			return lc_sim_fail(c, -224, "%s", p->text);
		v = p->kind == LC_SIM_P_MIN ? spec->min : p->kind == LC_SIM_P_MAX ? spec->max : spec->def;
		break;
	default:
		return lc_sim_fail(c, -104, "parameter %d is not a number", idx + 1);
	}
	if (spec && (v < spec->min || v > spec->max))
		return lc_sim_fail(c, -222, "%g not in %g..%g", v, spec->min, spec->max);
	*out = v;
	return 0;
}

int lc_sim_arg_int(lc_sim_call *c, int idx, long long min, long long max, long long *out)
{
	int err = 0;
	const lc_sim_param *p = need(c, idx, &err);
	if (!p)
		return err;
	if (p->kind == LC_SIM_P_MIN) {
		*out = min;
		return 0;
	}
	if (p->kind == LC_SIM_P_MAX) {
		*out = max;
		return 0;
	}
	if (p->kind != LC_SIM_P_NUMBER)
		return lc_sim_fail(c, -104, "parameter %d is not a number", idx + 1);
	if (p->unit[0])
		return lc_sim_fail(c, -138, "%s", p->unit);
	/* IEEE 488.2 rounds a decimal given for an integer setting. */
	double r = round(p->number);
	if (r < (double)min || r > (double)max)
		return lc_sim_fail(c, -222, "%g not in %lld..%lld", p->number, min, max);
	*out = (long long)r;
	return 0;
}

int lc_sim_arg_bool(lc_sim_call *c, int idx, bool *out)
{
	int err = 0;
	const lc_sim_param *p = need(c, idx, &err);
	if (!p)
		return err;
	if (p->kind == LC_SIM_P_NUMBER && !p->unit[0]) {
		*out = round(p->number) != 0.0;
		return 0;
	}
	if (p->kind == LC_SIM_P_CHARS) {
		if (strcasecmp(p->text, "ON") == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(p->text, "OFF") == 0) {
			*out = false;
			return 0;
		}
		return lc_sim_fail(c, -224, "%s is not ON or OFF", p->text);
	}
	return lc_sim_fail(c, -104, "parameter %d is not a boolean", idx + 1);
}

int lc_sim_arg_choice(lc_sim_call *c, int idx, const char *const *choices, int *out)
{
	int err = 0;
	const lc_sim_param *p = need(c, idx, &err);
	if (!p)
		return err;
	if (p->kind != LC_SIM_P_CHARS && p->kind != LC_SIM_P_MIN && p->kind != LC_SIM_P_MAX &&
	    p->kind != LC_SIM_P_DEF)
		return lc_sim_fail(c, -104, "parameter %d is not character data", idx + 1);
	for (int i = 0; choices && choices[i]; i++) {
		if (lc_sim_mnemonic_match(choices[i], p->text, p->len)) {
			*out = i;
			return 0;
		}
	}
	return lc_sim_fail(c, -224, "%s", p->text);
}

int lc_sim_arg_string(lc_sim_call *c, int idx, const char **s, size_t *len)
{
	int err = 0;
	const lc_sim_param *p = need(c, idx, &err);
	if (!p)
		return err;
	if (p->kind != LC_SIM_P_STRING)
		return lc_sim_fail(c, -104, "parameter %d is not a string", idx + 1);
	*s = p->text;
	if (len)
		*len = p->len;
	return 0;
}

int lc_sim_arg_block(lc_sim_call *c, int idx, const uint8_t **data, size_t *len)
{
	int err = 0;
	const lc_sim_param *p = need(c, idx, &err);
	if (!p)
		return err;
	if (p->kind != LC_SIM_P_BLOCK)
		return lc_sim_fail(c, -104, "parameter %d is not a block", idx + 1);
	*data = (const uint8_t *)p->text;
	*len = p->len;
	return 0;
}
