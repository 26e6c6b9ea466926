/* What the certificate views show beyond the numbers (reports/cert_view_priv.h). */
#include "reports/cert_view_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

const char *lc_view_extra(const lc_result *r, size_t mi, const char *key)
{
	for (size_t k = 0; k < lc_result_extra_count(r, mi); k++) {
		const lc_result_extra *e = lc_result_extra_at(r, mi, k);
		if (strcmp(e->key, key) == 0)
			return e->is_string ? e->string : NULL;
	}
	return NULL;
}

void lc_view_label(const lc_result *r, size_t mi, char *buf, size_t cap)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, mi, NULL);
	const char *from = lc_view_extra(r, mi, "from"), *to = lc_view_extra(r, mi, "to");
	const char *port = lc_view_extra(r, mi, "port");
	if (from && to)
		lc_utf8_printf(buf, cap, "%s \xe2\x86\x92 %s", from, to);
	else if (port)
		lc_utf8_printf(buf, cap, "%s", port);
	else if (m->lane != LC_LANE_NONE)
		snprintf(buf, cap, "lane %d", m->lane);
	else if (cap)
		buf[0] = 0;
}

/* The leg of a label: "B3" of "B3:rx" or of the port "B3"; an end's own label ("A:1", "B:12", "A") names no
 * leg. */
static bool leg_of(const char *label, char *buf, size_t cap)
{
	if (!label)
		return false;
	const char *colon = strchr(label, ':');
	size_t n = colon ? (size_t)(colon - label) : strlen(label);
	if (n < 2 || n >= cap) /* "A" / "B": the end itself */
		return false;
	memcpy(buf, label, n);
	buf[n] = 0;
	return true;
}

bool lc_view_leg(const lc_result *r, size_t mi, char *buf, size_t cap)
{
	const char *keys[] = {"to", "from", "port"};
	for (size_t i = 0; i < 3; i++)
		if (leg_of(lc_view_extra(r, mi, keys[i]), buf, cap))
			return true;
	return false;
}

size_t lc_view_legs(const lc_result *r, lc_view_leg_tally *legs, size_t cap)
{
	size_t nl = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		char name[sizeof(legs[0].name)];
		if (!lc_view_leg(r, i, name, sizeof(name)))
			continue;
		size_t k = 0;
		while (k < nl && strcmp(legs[k].name, name) != 0)
			k++;
		if (k == nl) {
			if (nl == cap)
				continue;
			legs[nl] = (lc_view_leg_tally){.worst = LC_VERDICT_NONE};
			memcpy(legs[nl++].name, name, sizeof(name));
		}
		legs[k].n++;
		legs[k].worst = lc_verdict_max(legs[k].worst, lc_result_measurement_at(r, i, NULL)->verdict);
		if (lc_view_not_certified(r, i))
			legs[k].word = LC_VIEW_NOT_CERTIFIED;
	}
	for (size_t k = 0; k < nl; k++)
		if (legs[k].worst != LC_VERDICT_PASS)
			legs[k].word = NULL;
	return nl;
}

bool lc_view_extra_hidden(const char *key)
{
	static const char *const hidden[] = {"from", "to", "port", "limit_id", "limit_source", "limit_basis",
					     "limit_status", "limit_confirmed_by", "limit_confirmed_sha256", "map"};
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (strcmp(key, hidden[i]) == 0)
			return true;
	return false;
}

bool lc_view_unconfirmed(const lc_result *r, size_t mi)
{
	const char *s = lc_view_extra(r, mi, "limit_status");
	return s && strcmp(s, "unconfirmed") == 0;
}

bool lc_view_not_certified(const lc_result *r, size_t mi)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, mi, NULL);
	return m->verdict == LC_VERDICT_PASS && m->limit.comparison != LC_LIMIT_NONE && lc_view_unconfirmed(r, mi);
}

size_t lc_view_not_certified_count(const lc_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++)
		n += lc_view_not_certified(r, i);
	return n;
}

const char *lc_view_run_word(const lc_result *r)
{
	return lc_result_verdict(r) == LC_VERDICT_PASS && lc_view_not_certified_count(r) ? LC_VIEW_NOT_CERTIFIED
											     : NULL;
}

const char *lc_view_step_word(const lc_result *r, size_t step)
{
	if (lc_result_step_verdict(r, step) != LC_VERDICT_PASS)
		return NULL;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		size_t at;
		lc_result_measurement_at(r, i, &at);
		if (at == step && lc_view_not_certified(r, i))
			return LC_VIEW_NOT_CERTIFIED;
	}
	return NULL;
}

void lc_view_limit_key(const lc_result *r, size_t mi, char *buf, size_t cap)
{
	const char *src = lc_view_extra(r, mi, "limit_source"), *id = lc_view_extra(r, mi, "limit_id");
	const char *basis = lc_view_extra(r, mi, "limit_basis");
	if (!src && !id && !basis) {
		if (cap)
			buf[0] = 0;
		return;
	}
	const char *by = lc_view_extra(r, mi, "limit_confirmed_by"), *sha = lc_view_extra(r, mi, "limit_confirmed_sha256");
	lc_utf8_printf(buf, cap, "%s|%s|%s|%d|%s|%s", src ? src : "", id ? id : "", basis ? basis : "",
		       lc_view_unconfirmed(r, mi), by ? by : "", sha ? sha : "");
}

void lc_view_limit_sentence(const lc_result *r, size_t mi, char *buf, size_t cap)
{
	const char *src = lc_view_extra(r, mi, "limit_source"), *id = lc_view_extra(r, mi, "limit_id");
	const char *basis = lc_view_extra(r, mi, "limit_basis");
	const char *unconf = lc_view_unconfirmed(r, mi)
				     ? ". UNCONFIRMED in the reference material: not a certification limit, its number "
				       "is not shown"
				     : "";
	/* A row UNCONFIRMED in the reference material that the station's limits file confirmed: say which file,
	 * with its digest, so that the customer can ask for exactly that file. */
	const char *by = lc_view_extra(r, mi, "limit_confirmed_by"), *sha = lc_view_extra(r, mi, "limit_confirmed_sha256");
	char conf[LC_NAME_MAX + 160] = "";
	if (by && sha && !lc_view_unconfirmed(r, mi))
		lc_utf8_printf(conf, sizeof(conf), ". UNCONFIRMED in the reference material; confirmed by the station's limits file %s (SHA-256 %s)",
			       by, sha);
	if (basis)
		lc_utf8_printf(buf, cap, "%s: %s%s%s", src ? src : "length-based budget", basis, unconf, conf);
	else if (src && id)
		lc_utf8_printf(buf, cap, "%s (row %s)%s%s", src, id, unconf, conf);
	else
		lc_utf8_printf(buf, cap, "%s%s%s", src ? src : id ? id : "", unconf, conf);
}

size_t lc_view_limit_number(lc_view_limits *l, const lc_result *r, size_t mi)
{
	char key[sizeof(l->key[0])];
	lc_view_limit_key(r, mi, key, sizeof(key));
	if (!key[0])
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->key[i], key) == 0)
			return i + 1;
	if (l->n == LC_VIEW_LIMITS_MAX)
		return 0;
	memcpy(l->key[l->n], key, sizeof(key));
	l->first[l->n] = mi;
	return ++l->n;
}

double lc_view_extra_number(const lc_result *r, size_t mi, const char *key)
{
	for (size_t k = 0; k < lc_result_extra_count(r, mi); k++) {
		const lc_result_extra *e = lc_result_extra_at(r, mi, k);
		if (strcmp(e->key, key) == 0)
			return e->is_string ? NAN : e->number;
	}
	return NAN;
}

bool lc_view_is_event(const lc_result *r, size_t mi)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, mi, NULL);
	return strcmp(m->name, "event_loss") == 0 && !isnan(lc_view_extra_number(r, mi, "position_m"));
}

bool lc_view_same_trace(const lc_result *r, size_t a, size_t b)
{
	const lc_result_measurement *ma = lc_result_measurement_at(r, a, NULL), *mb = lc_result_measurement_at(r, b, NULL);
	char la[160], lb[160];
	lc_view_label(r, a, la, sizeof(la));
	lc_view_label(r, b, lb, sizeof(lb));
	bool same_wl = ma->wavelength_nm == mb->wavelength_nm || (isnan(ma->wavelength_nm) && isnan(mb->wavelength_nm));
	return same_wl && strcmp(la, lb) == 0;
}

long lc_view_event_reflectance(const lc_result *r, size_t loss_mi)
{
	double pos = lc_view_extra_number(r, loss_mi, "position_m");
	for (size_t i = loss_mi + 1; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "reflectance") == 0 && lc_view_same_trace(r, loss_mi, i) &&
		    lc_view_extra_number(r, i, "position_m") == pos)
			return (long)i;
		if (lc_view_is_event(r, i)) /* the next event: this one had no reflectance */
			break;
	}
	return -1;
}

size_t lc_view_identity(const lc_result *r, lc_view_pair *pairs, size_t cap, lc_view_identity_texts *t)
{
	size_t n = 0;
	lc_result_job j = lc_result_get_job(r);
	bool known;
	lc_result_cable c = lc_result_get_cable(r, &known);
	t->fiber[0] = t->length[0] = '\0';
	if (c.fiber_mode || c.fiber_category) /* "multimode OM4": the words a data sheet uses */
		snprintf(t->fiber, sizeof(t->fiber), "%s%s%s",
			 !c.fiber_mode ? "" : strcmp(c.fiber_mode, "MM") == 0 ? "multimode" : strcmp(c.fiber_mode, "SM") == 0 ? "single-mode" : c.fiber_mode,
			 c.fiber_mode && c.fiber_category ? " " : "", c.fiber_category ? c.fiber_category : "");
	if (c.length_m > 0)
		snprintf(t->length, sizeof(t->length), "%.6g m", c.length_m);
	const lc_view_pair all[] = {
		{"Customer", j.customer}, {"Site", j.site}, {"Job", j.job},
		{"Part number", c.part_number}, {"Cable", c.description},
		{"Fiber", t->fiber[0] ? t->fiber : NULL}, {"Length", t->length[0] ? t->length : NULL},
		{"End A", c.end_a}, {"End B", c.end_b},
		/* the mated pairs' prices behind the length-based limit: "typical" is not "reference-grade" */
		{"Loss limit set", c.limit_set},
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && n < cap; i++)
		if (all[i].value)
			pairs[n++] = all[i];
	return n;
}

size_t lc_view_fiber_map(const lc_result *r, size_t mi,
			 void (*fn)(void *user, const char *from, const char *expected, const char *measured, bool differs),
			 void *user)
{
	const char *t = lc_view_extra(r, mi, "map");
	size_t n = 0;
	while (t && *t) {
		size_t len = strcspn(t, "\n");
		char line[3 * 64 + 8], *f[3] = {line, NULL, NULL};
		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1), t);
		t += len + (t[len] == '\n');
		char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (!tab2)
			continue; /* not a line of the table: nothing to show */
		*tab1 = *tab2 = '\0';
		f[1] = tab1 + 1, f[2] = tab2 + 1;
		fn(user, f[0], f[1], f[2], strcmp(f[1], f[2]) != 0 && !(strcmp(f[1], "none") == 0 && strcmp(f[2], "dark") == 0));
		n++;
	}
	return n;
}
