/* Helpers shared by the simulated instruments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/numfmt.h"
#include "sim/inst/inst_util.h"

int lc_sim_fmt_keysight(char *buf, size_t cap, double v)
{
	if (!isfinite(v))
		v = 9.91e37; /* SCPI's NaN: what an overrange reading looks like on the wire */
	return lc_fmt_exp(buf, cap, v, 8, LC_FMT_PLUS | LC_FMT_UPPER | LC_FMT_EXP3);
}

void lc_sim_out_keysight(lc_sim_call *c, double v)
{
	if (!isfinite(v))
		v = 9.91e37;
	lc_sim_out_exp(c, v, 8, LC_FMT_PLUS | LC_FMT_UPPER | LC_FMT_EXP3);
}

double lc_sim_dbm_to_w(double dbm) { return dbm <= -200 ? 0.0 : 1e-3 * pow(10.0, dbm / 10.0); }
double lc_sim_w_to_dbm(double w) { return w > 0 ? 10.0 * log10(w / 1e-3) : -200.0; }

static const json_t *opt(const lc_sim_inst_config *cfg, const char *key)
{
	return cfg->options && json_is_object(cfg->options) ? json_object_get(cfg->options, key) : NULL;
}

int lc_sim_opt_int(const lc_sim_inst_config *cfg, const char *key, long def, long min, long max, long *out,
		   lc_diag *diag)
{
	const json_t *v = opt(cfg, key);
	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.%s: an integer %ld..%ld is expected", cfg->where,
				   key, min, max);
	*out = (long)json_integer_value(v);
	return 0;
}

int lc_sim_opt_bool(const lc_sim_inst_config *cfg, const char *key, bool def, bool *out, lc_diag *diag)
{
	const json_t *v = opt(cfg, key);
	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(v))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.%s: true or false is expected", cfg->where, key);
	*out = json_is_true(v);
	return 0;
}

int lc_sim_opt_double(const lc_sim_inst_config *cfg, const char *key, double def, double min, double max,
		      double *out, lc_diag *diag)
{
	const json_t *v = opt(cfg, key);
	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.%s: a number %g..%g is expected", cfg->where, key,
				   min, max);
	*out = json_number_value(v);
	return 0;
}

int lc_sim_opt_string(const lc_sim_inst_config *cfg, const char *key, const char *def, const char **out,
		      lc_diag *diag)
{
	const json_t *v = opt(cfg, key);
	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_string(v))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.%s: a string is expected", cfg->where, key);
	*out = json_string_value(v);
	return 0;
}

int lc_sim_add_cmds(lc_sim_scpi *e, const lc_sim_cmd *cmds, size_t n, void *user, lc_diag *diag)
{
	for (size_t i = 0; i < n; i++) {
		int rc = lc_sim_scpi_add(e, cmds[i].pattern, cmds[i].set, cmds[i].query, user, diag);
		if (rc < 0)
			return rc; /* the engine's detail names the pattern */
	}
	return 0;
}

int lc_sim_engine_new(const lc_sim_inst_config *cfg, const char *mfr, const char *model, const char *fw,
		      void (*reset)(void *), void *user, lc_sim_scpi **out, lc_diag *diag)
{
	char idn[160];
	snprintf(idn, sizeof(idn), "%s,%s,%s,%s", mfr, model, cfg->serial, fw);
	lc_sim_scpi_config ec = {.idn = idn, .clock = cfg->clock, .reset = reset, .user = user};
	return lc_sim_scpi_create(&ec, out, diag);
}

static int q_keysight_err(lc_sim_call *c, void *u)
{
	char text[256];
	int code = lc_sim_pop_error(lc_sim_call_engine(c), text, sizeof(text));
	/* inner quotes doubled, as in any SCPI string */
	lc_sim_out_printf(c, "%+d,", code);
	lc_sim_out_string(c, code ? text : "No error");
	return 0;
}

int lc_sim_add_keysight_errors(lc_sim_scpi *e, lc_diag *diag)
{
	return lc_sim_scpi_add(e, "SYSTem:ERRor[:NEXT]", NULL, q_keysight_err, NULL, diag);
}

static int h_preset(lc_sim_call *c, void *u)
{
	const struct lc_sim_reset_hook *r = u;
	int rc = lc_sim_arg_max(c, 0);
	if (!rc)
		r->reset(r->user);
	return rc;
}

int lc_sim_add_keysight_system(lc_sim_scpi *e, struct lc_sim_reset_hook *hook, lc_diag *diag)
{
	int rc = lc_sim_scpi_add(e, "SYSTem:PRESet", h_preset, NULL, hook, diag);
	if (!rc)
		rc = lc_sim_scpi_add(e, "SYSTem:REBoot", h_preset, NULL, hook, diag);
	return rc;
}
