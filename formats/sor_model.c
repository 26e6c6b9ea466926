/* Life cycle of an lc_sor (new, free, setters) and the quantities derived from its raw fields. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/sor.h"

static void free_strings(char **f[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

void lc_sor_free(lc_sor *sor)
{
	if (!sor)
		return;
	char **f[] = {&sor->gen.cable_id, &sor->gen.fiber_id, &sor->gen.location_a, &sor->gen.location_b,
		      &sor->gen.cable_code, &sor->gen.operator_name, &sor->gen.comment, &sor->sup.supplier,
		      &sor->sup.mainframe_id, &sor->sup.mainframe_sn, &sor->sup.module_id, &sor->sup.module_sn,
		      &sor->sup.software_rev, &sor->sup.other};
	free_strings(f, sizeof(f) / sizeof(f[0]));
	for (size_t i = 0; i < sor->n_events; i++)
		free(sor->events[i].comment);
	free(sor->events);
	for (size_t i = 0; i < sor->n_landmarks; i++)
		free(sor->landmarks[i].comment);
	free(sor->landmarks);
	for (size_t i = 0; i < sor->n_segments; i++)
		free(sor->segments[i].values);
	free(sor->segments);
	for (size_t i = 0; i < sor->n_raw; i++)
		free(sor->raw[i].data);
	free(sor->raw);
	free(sor);
}

int lc_sor_set_string(char **field, const char *s)
{
	if (!field)
		return LC_ERR_ARG;
	char *d = strdup(s ? s : "");
	if (!d)
		return LC_ERR_NOMEM;
	free(*field);
	*field = d;
	return 0;
}

int lc_sor_new(lc_sor **out)
{
	if (!out)
		return LC_ERR_ARG;
	lc_sor *sor = calloc(1, sizeof(*sor));
	if (!sor)
		return LC_ERR_NOMEM;
	sor->version = 2;
	sor->map_revision = 200;
	memcpy(sor->gen.lang, "EN", 3);
	memcpy(sor->gen.build_condition, "BC", 3);
	sor->gen.fiber_type = 652;
	memcpy(sor->fxd.units, "mt", 3);
	memcpy(sor->fxd.trace_type, "ST", 3);
	sor->fxd.n_pulses = 1;
	sor->fxd.group_index = 146800;
	sor->fxd.loss_threshold = 200;
	sor->fxd.refl_threshold = 55000;
	sor->fxd.eof_threshold = 3000;
	char **f[] = {&sor->gen.cable_id, &sor->gen.fiber_id, &sor->gen.location_a, &sor->gen.location_b,
		      &sor->gen.cable_code, &sor->gen.operator_name, &sor->gen.comment, &sor->sup.supplier,
		      &sor->sup.mainframe_id, &sor->sup.mainframe_sn, &sor->sup.module_id, &sor->sup.module_sn,
		      &sor->sup.software_rev, &sor->sup.other};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (lc_sor_set_string(f[i], "") < 0) {
			lc_sor_free(sor);
			return LC_ERR_NOMEM;
		}
	*out = sor;
	return 0;
}

int lc_sor_set_trace(lc_sor *sor, const uint16_t *values, uint32_t n)
{
	if (!sor || (!values && n))
		return LC_ERR_ARG;
	lc_sor_trace_segment *sg = calloc(1, sizeof(*sg));
	uint16_t *v = malloc(n ? (size_t)n * 2 : 1);
	if (!sg || !v) {
		free(sg);
		free(v);
		return LC_ERR_NOMEM;
	}
	if (n)
		memcpy(v, values, (size_t)n * 2);
	for (size_t i = 0; i < sor->n_segments; i++)
		free(sor->segments[i].values);
	free(sor->segments);
	sg->scale = 1000;
	sg->n = n;
	sg->values = v;
	sor->segments = sg;
	sor->n_segments = 1;
	sor->n_points = n;
	sor->fxd.n_points[0] = n;
	return 0;
}

int lc_sor_set_events(lc_sor *sor, const lc_sor_event *events, size_t n, const lc_sor_summary *summary)
{
	if (!sor || (!events && n) || n > 65535)
		return LC_ERR_ARG;
	lc_sor_event *e = n ? calloc(n, sizeof(*e)) : NULL;
	if (n && !e)
		return LC_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		e[i] = events[i];
		e[i].comment = NULL;
		if (lc_sor_set_string(&e[i].comment, events[i].comment) < 0) {
			for (size_t k = 0; k < i; k++)
				free(e[k].comment);
			free(e);
			return LC_ERR_NOMEM;
		}
	}
	for (size_t i = 0; i < sor->n_events; i++)
		free(sor->events[i].comment);
	free(sor->events);
	sor->events = e;
	sor->n_events = n;
	sor->has_events = true;
	if (summary)
		sor->summary = *summary;
	return 0;
}

double lc_sor_group_index(const lc_sor *sor)
{
	return sor->fxd.group_index ? sor->fxd.group_index / 100000.0 : 1.468;
}

double lc_sor_time_to_m(const lc_sor *sor, double t_100ps)
{
	return t_100ps * 1e-10 * LC_SOR_C_M_PER_S / lc_sor_group_index(sor);
}

double lc_sor_m_to_time(const lc_sor *sor, double metres)
{
	return metres * lc_sor_group_index(sor) / (1e-10 * LC_SOR_C_M_PER_S);
}

double lc_sor_point_spacing_m(const lc_sor *sor)
{
	/* data spacing is the time of 10 000 points in 100 ps units */
	return lc_sor_time_to_m(sor, sor->fxd.data_spacing[0] / 10000.0);
}

double lc_sor_trace_origin_m(const lc_sor *sor)
{
	/* Writers say "the trace starts before the front panel" either as a negative acquisition offset
	 * (OptixS), as a front-panel offset (Anritsu), or both with the same value (Noyes); the user offset
	 * then moves the zero to the end of a launch cord (EXFO, Noyes). */
	double fpo = sor->fxd.front_panel_offset, acq = -(double)sor->fxd.acq_offset;
	double t = (fpo > acq ? fpo : acq) + (double)sor->gen.user_offset;
	return -lc_sor_time_to_m(sor, t);
}

double lc_sor_wavelength_nm(const lc_sor *sor)
{
	/* No OTDR works below 200 nm: a value under 2000 cannot be in 0.1 nm, it is nm (Noyes). */
	unsigned w = sor->fxd.wavelength;
	return w < 2000 ? (double)w : w / 10.0;
}

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; s && *s; s++) {
		size_t i = 0;
		while (i < n && s[i] && tolower((unsigned char)s[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

const char *lc_sor_vendor(const lc_sor *sor)
{
	const lc_sor_supparams *s = &sor->sup;
	const char *mod = s->module_id ? s->module_id : "";
	/* EXFO puts the customer's name in the supplier field, so recognise it by the module ID as well. */
	if (contains_ci(s->supplier, "exfo") || strncmp(mod, "FTB", 3) == 0 || strncmp(mod, "MAX-", 4) == 0)
		return "EXFO";
	static const struct { const char *needle, *name; } v[] = {
		{"noyes", "AFL/Noyes"}, {"afl", "AFL/Noyes"}, {"anritsu", "Anritsu"}, {"viavi", "Viavi"},
		{"jdsu", "Viavi"}, {"fibercloud", "FiberCloud"}, {"optixs", "OptixS"}, {"hewlett", "HP/Agilent"},
		{"agilent", "HP/Agilent"}, {"yokogawa", "Yokogawa"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (contains_ci(s->supplier, v[i].needle))
			return v[i].name;
	return "other";
}

double lc_sor_averaging_time_s(const lc_sor *sor)
{
	double t = sor->fxd.averaging_time;
	const char *v = lc_sor_vendor(sor);
	if (strcmp(v, "EXFO") == 0)
		return t;
	if (strcmp(v, "AFL/Noyes") == 0)
		return t / 100.0;
	return t / 10.0;
}

double lc_sor_event_reflectance_db(const lc_sor_event *e)
{
	/* the weakest reflection an OTDR resolves is around -90 dB (a 0.01 dB bump on a 3 ns pulse) */
	if (e->reflectance == 0 || e->reflectance < -100000)
		return NAN;
	return e->reflectance / 1000.0;
}

double lc_sor_backscatter_db(const lc_sor *sor)
{
	return -sor->fxd.backscatter / 10.0;
}

size_t lc_sor_trace_length(const lc_sor *sor)
{
	size_t n = 0;
	for (size_t i = 0; i < sor->n_segments; i++)
		n += sor->segments[i].n;
	return n;
}

int lc_sor_trace_db(const lc_sor *sor, double **out)
{
	size_t n = lc_sor_trace_length(sor);
	if (n > (size_t)0x7fffffff)
		return LC_ERR_OVERFLOW;
	double *v = malloc(n ? n * sizeof(double) : sizeof(double));
	if (!v)
		return LC_ERR_NOMEM;
	size_t k = 0;
	for (size_t i = 0; i < sor->n_segments; i++) {
		const lc_sor_trace_segment *sg = &sor->segments[i];
		double f = sg->scale / 1e6;
		for (size_t j = 0; j < sg->n; j++)
			v[k++] = -(double)sg->values[j] * f;
	}
	*out = v;
	return (int)n;
}
