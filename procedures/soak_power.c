/*
 * Module power through a BER soak (issue 19): a CMIS module does not report what it draws, so where the
 * station feeds an end from a bench supply the BER step reads that output (volts x amps) at the moments it
 * samples the module's temperature, and the most it drew is judged against the maximum the module declares
 * (CMIS byte 201) and the ceiling of its declared power class. The supply is only read: lanecert never
 * switches or programs it (docs/procedures.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "instruments/registry.h"
#include "instruments/supply/supply.h"
#include "procedures/limit_record.h"
#include "procedures/module_soak.h"
#include "procedures/run_priv.h"

bool lc_soak_supply_role(const char *role)
{
	if (!role || strncmp(role, "supply", 6) != 0)
		return false;
	const char *n = role + 6;
	if (!*n)
		return true;
	/* "supply2", "supply3", ...: no leading zero, so one supply has one name */
	if (*n < '2' && !(n[0] == '1' && n[1] >= '0' && n[1] <= '9'))
		return false;
	for (; *n; n++)
		if (*n < '0' || *n > '9')
			return false;
	return true;
}

/* One supply's layout onto the ends; an end another output already feeds is refused (its draw would be
 * counted twice, or the wrong output judged). */
static int bind_one(lc_run *run, const lc_station_instrument *si, lc_soak_end *ends, size_t n, lc_diag *diag)
{
	lc_instrument *inst = lc_instrument_set_get(run->setup->instruments, si->role);
	if (!inst || !lc_instrument_has_class(inst, LC_CLASS_SUPPLY))
		return lc_diag_set(diag, LC_ERR_FORMAT, "the station's '%s' is not an opened power supply", si->role);
	lc_supply_feed feeds[LC_SUPPLY_OUTPUTS_MAX];
	int nf = lc_supply_layout_parse(si->layout, feeds, LC_SUPPLY_OUTPUTS_MAX, diag);
	if (nf < 0) {
		lc_diag_prefix(diag, "station instrument '%s': ", si->role);
		return LC_ERR_FORMAT;
	}
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < nf; k++) {
			if (strcmp(feeds[k].end, ends[i].end) != 0)
				continue;
			if (ends[i].supply)
				return lc_diag_set(diag, LC_ERR_FORMAT, "end %s is fed by both %s output %d and %s output %d: "
						   "a module has one supply", ends[i].end, ends[i].supply_role,
						   ends[i].supply_output, si->role, feeds[k].output);
			ends[i].supply = inst;
			ends[i].supply_output = feeds[k].output;
			snprintf(ends[i].supply_role, sizeof(ends[i].supply_role), "%s", si->role);
		}
	return 0;
}

int lc_soak_power_bind(lc_run *run, const char *const *roles, size_t n_roles, lc_soak_end *ends, size_t n,
		       lc_diag *diag)
{
	const lc_station *st = run->setup->station;
	for (size_t i = 0; i < n; i++) {
		ends[i].supply = NULL;
		ends[i].supply_output = 0;
		ends[i].supply_role[0] = 0;
	}
	if (!st)
		return 0;
	int rc = 0;
	if (n_roles) {
		for (size_t r = 0; r < n_roles && rc == 0; r++) {
			const lc_station_instrument *si = lc_station_instrument_by_role(st, roles[r]);
			if (si)
				rc = bind_one(run, si, ends, n, diag);
		}
	} else {
		for (size_t i = 0; i < st->n_instruments && rc == 0; i++)
			if (lc_soak_supply_role(st->instruments[i].role))
				rc = bind_one(run, &st->instruments[i], ends, n, diag);
	}
	if (rc < 0)
		for (size_t i = 0; i < n; i++) {
			ends[i].supply = NULL;
			ends[i].supply_output = 0;
		}
	return rc;
}

int lc_soak_power_sample(lc_soak_end *s, double at_s, lc_diag *diag)
{
	lc_instrument *supply = s->supply;
	if (!supply || !s->supply_output)
		return 0;
	bool on = false;
	double v, a;
	int rc = lc_supply_output_on(supply, s->supply_output, &on, diag);
	if (rc == 0 && !on)
		rc = lc_diag_set(diag, LC_ERR_STATE, "output %d is off: the module is not powered from it (lanecert never "
				 "switches the supply: the bench does)", s->supply_output);
	if (rc == 0)
		rc = lc_supply_measure(supply, s->supply_output, &v, &a, diag);
	if (rc < 0) {
		lc_diag_prefix(diag, "%s %s: end %s at %.0f s into the BER soak: ", s->supply_role,
			       lc_instrument_idn(supply)->model, s->end, at_s);
		return rc;
	}
	double w = v * a;
	s->power_samples++;
	if (w > s->p_max) {
		s->p_max = w;
		s->p_max_at = at_s;
		s->p_volts = v;
		s->p_amps = a;
	}
	size_t n = strlen(s->power_series);
	if (n + 24 < sizeof(s->power_series))
		snprintf(s->power_series + n, sizeof(s->power_series) - n, "%s%.0f s %.2f", n ? ", " : "", at_s, w);
	return 0;
}

void lc_soak_power_record(lc_run *run, const lc_soak_end *s)
{
	if (!s->power_samples)
		return;
	/* The class's ceiling (class 8 declares its own maximum and has none) and the declared maximum: the
	 * lower of the two is the limit, and a ceiling row marked UNCONFIRMED keeps the pass uncertified. */
	const lc_limit *row = NULL;
	if (s->power_class >= 1 && s->power_class <= 7 && run->setup->limits) {
		char id[48];
		snprintf(id, sizeof(id), "module.power_class.cmis.%d", s->power_class);
		row = lc_limits_find(run->setup->limits, id);
		if (row && row->cmp != LC_CMP_MAX)
			row = NULL;
	}
	bool by_class = row && (!isfinite(s->declared_w) || row->high < s->declared_w);
	double limit = by_class ? row->high : s->declared_w;
	lc_result_measurement m = {.name = "soak_power", .lane = LC_LANE_NONE, .value = s->p_max, .unit = "W",
				   .wavelength_nm = NAN, .margin = NAN,
				   .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	if (isfinite(limit)) {
		m.limit = (lc_result_limit){.low = NAN, .high = limit, .comparison = LC_LIMIT_LE};
		m.verdict = s->p_max <= limit ? LC_VERDICT_PASS : LC_VERDICT_FAIL;
		m.margin = limit - s->p_max;
	}
	int idx = lc_run_record(run, &m, NULL);
	if (idx < 0)
		return;
	lc_result *r = run->result;
	lc_result_measurement_extra_string(r, idx, "end", s->end, NULL);
	lc_result_measurement_extra_number(r, idx, "at_s", s->p_max_at, NULL);
	lc_result_measurement_extra_number(r, idx, "volts", s->p_volts, NULL);
	lc_result_measurement_extra_number(r, idx, "amps", s->p_amps, NULL);
	lc_result_measurement_extra_string(r, idx, "supply", s->supply_role, NULL);
	lc_result_measurement_extra_number(r, idx, "supply_output", s->supply_output, NULL);
	lc_result_measurement_extra_number(r, idx, "samples", s->power_samples, NULL);
	lc_result_measurement_extra_string(r, idx, "series", s->power_series, NULL);
	if (isfinite(s->declared_w))
		lc_result_measurement_extra_number(r, idx, "declared_w", s->declared_w, NULL);
	if (s->power_class)
		lc_result_measurement_extra_number(r, idx, "power_class", s->power_class, NULL);
	lc_record_limit_row(run, idx, row);
	if (isfinite(limit))
		lc_result_measurement_extra_string(r, idx, "limit_basis",
						   by_class ? "the ceiling of the module's power class"
							    : "the maximum power the module declares (CMIS byte 201)",
						   NULL);
	if (m.verdict != LC_VERDICT_FAIL)
		return;
	char f[200];
	int n = snprintf(f, sizeof(f), "end %s module draws %.1f W with traffic on (%.0f s into the BER soak), over ",
			 s->end, s->p_max, s->p_max_at);
	if (by_class)
		snprintf(f + n, sizeof(f) - (size_t)n, "the %.2f W of its power class %d%s", row->high, s->power_class,
			 row->unconfirmed ? " (class ceiling UNCONFIRMED)" : "");
	else
		snprintf(f + n, sizeof(f) - (size_t)n, "its declared %.2f W", s->declared_w);
	lc_result_measurement_extra_string(r, idx, "finding", f, NULL);
}

/* A supply of the station: a role by the convention, or an instrument whose driver's class is a supply. */
static bool station_supply(const lc_station_instrument *si)
{
	if (lc_soak_supply_role(si->role))
		return true;
	const lc_driver *drv = si->driver[0] ? lc_registry_driver(si->driver) : NULL;
	return drv && drv->classes && drv->classes[0] && drv->classes[0]->cls == LC_CLASS_SUPPLY;
}

int lc_soak_supply_station_check(const lc_station *st, lc_diag *diag)
{
	struct {
		const char *role;
		lc_supply_feed f;
	} fed[LC_SOAK_FEEDS_MAX];
	size_t n = 0;
	for (size_t i = 0; st && i < st->n_instruments; i++) {
		const lc_station_instrument *si = &st->instruments[i];
		if (!si->layout[0] || !station_supply(si))
			continue;
		lc_supply_feed feeds[LC_SUPPLY_OUTPUTS_MAX];
		lc_diag d;
		int nf = lc_supply_layout_parse(si->layout, feeds, LC_SUPPLY_OUTPUTS_MAX, &d);
		if (nf < 0)
			return lc_diag_set(diag, LC_ERR_FORMAT, "instrument '%s': %s", si->role, d.text);
		for (int k = 0; k < nf; k++) {
			for (size_t j = 0; j < n; j++)
				if (!strcmp(fed[j].f.end, feeds[k].end))
					return lc_diag_set(diag, LC_ERR_FORMAT, "instrument '%s': output %d feeds end %s, which "
							   "'%s' output %d already feeds (a module has one supply)", si->role,
							   feeds[k].output, feeds[k].end, fed[j].role, fed[j].f.output);
			if (n == LC_SOAK_FEEDS_MAX)
				return lc_diag_set(diag, LC_ERR_FORMAT, "instrument '%s': the station's supplies feed more "
						   "than %d ends", si->role, LC_SOAK_FEEDS_MAX);
			fed[n].role = si->role;
			fed[n++].f = feeds[k];
		}
	}
	return 0;
}
