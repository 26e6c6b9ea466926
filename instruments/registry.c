/* The registry: *IDN? parsing, vendor aliases, model table lookup. The tables are the .def files. */
#include "instruments/registry.h"

#include <ctype.h>
#include <stdio.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#define LC_DRIVER(name) extern const lc_driver lc_driver_##name;
#include "instruments/drivers.def"
#undef LC_DRIVER

static const lc_driver *const drivers[] = {
#define LC_DRIVER(name) &lc_driver_##name,
#include "instruments/drivers.def"
#undef LC_DRIVER
	NULL,
};

struct vendor_alias {
	const char *raw;
	const char *alias;
};

static const struct vendor_alias vendors[] = {
#define LC_VENDOR(raw, alias) {raw, alias},
#include "instruments/vendors.def"
#undef LC_VENDOR
	{NULL, NULL},
};

static const lc_model models[] = {
#define LC_MODEL(vendor, pattern, driver, ...) {vendor, pattern, #driver, {__VA_ARGS__}},
#include "instruments/models.def"
#undef LC_MODEL
	{NULL, NULL, NULL, {0}},
};

/* Copy s[0..n) into out with surrounding spaces (and quotes some firmware adds) removed. */
static void copy_trimmed(char *out, size_t cap, const char *s, size_t n)
{
	while (n > 0 && (isspace((unsigned char)*s) || *s == '"')) {
		s++;
		n--;
	}
	while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '"'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

const char *lc_vendor_alias(const char *raw)
{
	if (!raw)
		return NULL;
	for (const struct vendor_alias *v = vendors; v->raw; v++)
		if (strcasecmp(v->raw, raw) == 0)
			return v->alias;
	return NULL;
}

int lc_idn_parse(const char *reply, lc_idn *out, lc_diag *diag)
{
	if (!reply || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "IDN: NULL argument");
	memset(out, 0, sizeof(*out));
	char *fields[4] = {out->vendor_raw, out->model, out->serial, out->firmware};
	size_t caps[4] = {sizeof(out->vendor_raw), sizeof(out->model), sizeof(out->serial), sizeof(out->firmware)};
	const char *p = reply;
	int n = 0;
	while (n < 4) {
		/* The fourth field keeps any further commas: some firmware strings contain them. */
		const char *comma = n < 3 ? strchr(p, ',') : NULL;
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		copy_trimmed(fields[n], caps[n], p, len);
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (n < 2 || !out->vendor_raw[0] || !out->model[0])
		return lc_diag_set(diag, LC_ERR_PROTOCOL,
				   "IDN '%.120s': expected '<manufacturer>,<model>,<serial>,<firmware>'", reply);
	const char *alias = lc_vendor_alias(out->vendor_raw);
	snprintf(out->vendor, sizeof(out->vendor), "%s", alias ? alias : out->vendor_raw);
	return 0;
}

int lc_registry_match(const lc_idn *idn, const lc_model **model, lc_diag *diag)
{
	if (!idn || !model)
		return lc_diag_set(diag, LC_ERR_ARG, "registry: NULL argument");
	*model = NULL;
	for (const lc_model *m = models; m->vendor; m++) {
		if (strcasecmp(m->vendor, idn->vendor) != 0)
			continue;
		if (fnmatch(m->pattern, idn->model, FNM_CASEFOLD) == 0) {
			*model = m;
			return 0;
		}
	}
	return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no driver for IDN '%s,%s,%s,%s' (vendor '%s', model '%s')",
			   idn->vendor_raw, idn->model, idn->serial, idn->firmware, idn->vendor, idn->model);
}

const lc_driver *lc_registry_driver(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; drivers[i]; i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

const lc_model *lc_registry_model_at(size_t i)
{
	return i < sizeof(models) / sizeof(models[0]) - 1 ? &models[i] : NULL;
}

const lc_driver *lc_registry_driver_at(size_t i)
{
	return i < sizeof(drivers) / sizeof(drivers[0]) - 1 ? drivers[i] : NULL;
}

void lc_quirks_effective(const lc_quirks *row, lc_quirks *out)
{
	*out = *row;
	if (out->timeout_ms == 0)
		out->timeout_ms = 3000;
	if (out->opc_timeout_ms == 0)
		out->opc_timeout_ms = 10000;
	if (out->atime_margin == 0)
		out->atime_margin = 1.1;
	if (out->zero_timeout_ms == 0)
		out->zero_timeout_ms = 30000;
}
