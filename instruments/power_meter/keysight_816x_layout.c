/* Parser of the 816x module layout text (keysight_816x.h). */
#include "instruments/power_meter/keysight_816x.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int parse_int(const char **p, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(*p, &end, 10);
	if (end == *p || errno)
		return -1;
	*p = end;
	return 0;
}

static int parse_nm(const char **p, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(*p, &end);
	if (end == *p || errno || !(*v > 100 && *v < 5000))
		return -1;
	*p = end;
	return 0;
}

static int parse_item(const char *item, size_t len, int min_slot, int max_slot, lc_816x_module *m, lc_diag *diag)
{
	char buf[128];
	if (len >= sizeof(buf))
		return lc_diag_set(diag, LC_ERR_ARG, "layout item too long: '%.40s...'", item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	memset(m, 0, sizeof(*m));
	const char *p = buf;
	long slot, chan = 1;
	if (parse_int(&p, &slot) < 0 || slot < min_slot || slot > max_slot)
		return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': slot must be %d..%d", buf, min_slot, max_slot);
	if (*p == '.') {
		p++;
		if (parse_int(&p, &chan) < 0 || chan < 1 || chan > 4)
			return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': channel must be 1..4", buf);
	}
	if (*p++ != ':')
		return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': expected 'slot[.chan]:kind'", buf);
	static const struct {
		const char *name;
		enum lc_816x_kind kind;
	} kinds[] = {{"sensor", LC_816X_SENSOR}, {"source", LC_816X_SOURCE}, {"tls", LC_816X_TLS}, {"rl", LC_816X_RL}};
	size_t klen = strcspn(p, "@!");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == klen && strncmp(p, kinds[i].name, klen) == 0)
			m->kind = kinds[i].kind;
	if (!m->kind)
		return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': kind must be sensor, source, tls or rl", buf);
	p += klen;
	m->slot = (int)slot;
	m->chan = (int)chan;
	if (*p == '@') {
		p++;
		if (m->kind == LC_816X_SENSOR)
			return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': a sensor takes no wavelength", buf);
		double a;
		if (parse_nm(&p, &a) < 0)
			return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': bad wavelength", buf);
		if (m->kind == LC_816X_TLS) {
			m->min_nm = a;
			if (*p++ != '-' || parse_nm(&p, &m->max_nm) < 0 || m->max_nm <= a)
				return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': a tls takes @min-max", buf);
		} else {
			m->wl_nm[m->n_wl++] = a;
			while (*p == '/') {
				p++;
				if (m->n_wl == LC_816X_MAX_WL || parse_nm(&p, &m->wl_nm[m->n_wl]) < 0)
					return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': bad wavelength list", buf);
				m->n_wl++;
			}
		}
	}
	if (strcmp(p, "!wavsel") == 0) {
		if (m->n_wl < 2)
			return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': !wavsel needs two wavelengths", buf);
		m->wavsel = true;
	} else if (*p) {
		return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': unexpected '%s'", buf, p);
	}
	if ((m->kind == LC_816X_SOURCE || m->kind == LC_816X_RL) && m->n_wl == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': give the module's wavelength(s), e.g. @1310/1550", buf);
	if (m->kind == LC_816X_TLS && m->max_nm == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': a tls takes @min-max", buf);
	return 0;
}

int lc_816x_layout_parse(const char *text, int min_slot, int max_slot, lc_816x_layout *out, lc_diag *diag)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return 0;
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == 0)
			return lc_diag_set(diag, LC_ERR_ARG, "layout: empty item");
		if (out->n == LC_816X_MAX_MODULES)
			return lc_diag_set(diag, LC_ERR_ARG, "layout: more than %d modules", LC_816X_MAX_MODULES);
		lc_816x_module *m = &out->m[out->n];
		int rc = parse_item(p, len, min_slot, max_slot, m, diag);
		if (rc < 0)
			return rc;
		for (int i = 0; i < out->n; i++)
			if (out->m[i].slot == m->slot && out->m[i].chan == m->chan)
				return lc_diag_set(diag, LC_ERR_ARG, "layout: slot %d.%d given twice", m->slot, m->chan);
		out->n++;
		p += len;
		if (*p == ',') {
			p++;
			if (!*p)
				return lc_diag_set(diag, LC_ERR_ARG, "layout: trailing comma");
		}
	}
	return 0;
}
