/* The registry: *IDN? parsing, vendor aliases, model table lookup. The tables are the .def files. */
#include "instruments/registry.h"

#include <ctype.h>
#include <stdio.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "hal/scpi_parse.h"
#include "instruments/otdr/yokogawa_aq7260.h"

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

static const lc_identity identities[] = {
#define LC_IDENTITY(name, query, parse) {#name, query, parse},
#include "instruments/identities.def"
#undef LC_IDENTITY
	{NULL, NULL, NULL},
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

int lc_ider_parse(const char *reply, lc_idn *out, lc_diag *diag)
{
	if (!reply || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "IDER: NULL argument");
	memset(out, 0, sizeof(*out));
	const char *c1 = strchr(reply, ',');
	const char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	size_t n1 = c1 ? (size_t)(c1 - reply) : strlen(reply);
	copy_trimmed(out->vendor_raw, sizeof(out->vendor_raw), reply, n1);
	if (c1) {
		const char *m = c1 + 1;
		size_t n2 = c2 ? (size_t)(c2 - m) : strlen(m);
		const char *open = memchr(m, '(', n2);
		const char *close = open ? memchr(open, ')', n2 - (size_t)(open - m)) : NULL;
		if (open && !close)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "IDER '%.120s': '(' of the serial number is not closed",
					   reply);
		copy_trimmed(out->model, sizeof(out->model), m, open ? (size_t)(open - m) : n2);
		if (open)
			copy_trimmed(out->serial, sizeof(out->serial), open + 1, (size_t)(close - open - 1));
	}
	/* the optical module (its own model and serial) and the software version, as the instrument wrote them */
	if (c2)
		copy_trimmed(out->firmware, sizeof(out->firmware), c2 + 1, strlen(c2 + 1));
	if (!out->vendor_raw[0] || !out->model[0])
		return lc_diag_set(diag, LC_ERR_PROTOCOL,
				   "IDER '%.120s': expected '<company>,<model>(<serial>),<module>(<serial>),<version>'",
				   reply);
	const char *alias = lc_vendor_alias(out->vendor_raw);
	snprintf(out->vendor, sizeof(out->vendor), "%s", alias ? alias : out->vendor_raw);
	return 0;
}

const lc_identity *lc_registry_identity(const char *name)
{
	for (size_t i = 0; name && identities[i].name; i++)
		if (strcmp(identities[i].name, name) == 0)
			return &identities[i];
	return NULL;
}

const lc_identity *lc_registry_identity_at(size_t i)
{
	return i < sizeof(identities) / sizeof(identities[0]) - 1 ? &identities[i] : NULL;
}

static int ask(lc_scpi *s, const lc_identity *id, lc_idn *idn, lc_diag *diag)
{
	char reply[256];
	int rc = lc_scpi_query(s, id->query, reply, sizeof(reply));
	if (rc < 0)
		return lc_diag_set(diag, rc, "%.*s: %s", (int)strcspn(id->query, "\r\n"), id->query,
				   lc_scpi_last_detail(s));
	/* a garbled identity is a protocol error, not an unknown instrument */
	lc_diag d;
	if (lc_scpi_check_text(reply, (size_t)rc, &d) < 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%.*s: %s", (int)strcspn(id->query, "\r\n"), id->query, d.text);
	return id->parse(reply, idn, diag);
}

int lc_registry_identify(lc_scpi *s, const char *driver_hint, lc_idn *idn, const lc_identity **used,
			 lc_diag *diag)
{
	if (!s || !idn)
		return lc_diag_set(diag, LC_ERR_ARG, "identify: NULL argument");
	const lc_identity *dummy;
	if (!used)
		used = &dummy;
	*used = NULL;
	if (driver_hint && driver_hint[0]) {
		const lc_driver *d = lc_registry_driver(driver_hint);
		if (!d)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "driver '%s' is not in this build (lanecert probe --list)",
					   driver_hint);
		const lc_identity *id = lc_registry_identity(d->identity ? d->identity : "idn");
		if (!id) /* a driver naming a row missing from identities.def: a build mistake */
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "driver %s: identity '%s' is not registered", d->name,
					   d->identity);
		*used = id;
		lc_diag hinted;
		lc_diag_clear(&hinted);
		int rc = ask(s, id, idn, &hinted);
		/* silence, or a SCPI instrument refusing IDER as an undefined header: not this family */
		if (rc != LC_ERR_TIMEOUT && rc != LC_ERR_INSTRUMENT) {
			if (rc < 0)
				lc_diag_set(diag, rc, "%s", hinted.text);
			return rc;
		}
		/* Silence to (or a refusal of) the named driver's own query: the station may name a driver of another family (an
		 * IDER driver for a SCPI instrument, or the reverse). Ask the other identity queries, as for an
		 * instrument named by no driver, so that an answer is refused as the wrong driver (the caller
		 * compares) instead of ending as a station that does not answer. */
		for (size_t i = 0; identities[i].name; i++) {
			if (&identities[i] == id)
				continue;
			lc_diag other;
			lc_diag_clear(&other);
			rc = ask(s, &identities[i], idn, &other);
			if (rc != LC_ERR_TIMEOUT) {
				*used = &identities[i];
				if (rc < 0)
					lc_diag_set(diag, rc, "%s", other.text);
				return rc;
			}
		}
		*used = id;
		return lc_diag_set(diag, hinted.code, "%s", hinted.text);
	}
	lc_diag first;
	lc_diag_clear(&first);
	char others[128] = "";
	for (size_t i = 0; identities[i].name; i++) {
		lc_diag d;
		lc_diag_clear(&d);
		int rc = ask(s, &identities[i], idn, i == 0 ? &first : &d);
		/* silence is "not this query"; an answer, even a malformed one, ends the search */
		if (rc != LC_ERR_TIMEOUT) {
			*used = &identities[i];
			if (rc < 0)
				lc_diag_set(diag, rc, "%s", i == 0 ? first.text : d.text);
			return rc;
		}
		if (i > 0)
			snprintf(others + strlen(others), sizeof(others) - strlen(others), "%s%.*s", i > 1 ? ", " : "",
				 (int)strcspn(identities[i].query, "\r\n"), identities[i].query);
	}
	return lc_diag_set(diag, LC_ERR_TIMEOUT, "%s; no answer to %s either", first.text, others[0] ? others : "-");
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
