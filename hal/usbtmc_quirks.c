/* USBTMC quirks by VID:PID: a data table, plus extra entries from a spec string (hal/usbtmc_proto.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hal/usbtmc_proto.h"

/* Add a row when a device is known to need one; say where the knowledge comes from. */
static const lc_usbtmc_quirk_entry table[] = {
	/* The DS1000Z answers the first bulk-IN after a request with an empty transfer
	 * (linux-usbtmc#8, libsigrok's and python-usbtmc's Rigol handling). */
	{0x1AB1, 0x04CE, LC_USBTMC_Q_EMPTY_FIRST_IN, "Rigol DS1000Z"},
};

unsigned lc_usbtmc_quirks(uint16_t vid, uint16_t pid, const char **model)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].vid == vid && table[i].pid == pid) {
			if (model)
				*model = table[i].model;
			return table[i].flags;
		}
	if (model)
		*model = NULL;
	return 0;
}

const lc_usbtmc_quirk_entry *lc_usbtmc_quirk_table(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

static const struct {
	const char *name;
	unsigned flag;
} names[] = {
	{"empty-first-in", LC_USBTMC_Q_EMPTY_FIRST_IN},
	{"reset-on-open", LC_USBTMC_Q_RESET_ON_OPEN},
};

static int parse_hex16(const char *s, size_t n, uint16_t *out)
{
	char buf[8];
	char *end;
	if (n == 0 || n > 6)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	unsigned long v = strtoul(buf, &end, 16);
	if (errno || *end || v > 0xFFFF || buf[0] == '-' || buf[0] == '+')
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* One "vvvv:pppp=flag+flag" entry of len bytes. */
static int parse_entry(const char *e, size_t len, uint16_t vid, uint16_t pid, unsigned *flags, lc_diag *diag)
{
	const char *colon = memchr(e, ':', len), *eq = memchr(e, '=', len);
	uint16_t v, p;
	if (!colon || !eq || colon > eq || parse_hex16(e, (size_t)(colon - e), &v) != 0 ||
	    parse_hex16(colon + 1, (size_t)(eq - colon - 1), &p) != 0)
		return lc_diag_set(diag, LC_ERR_ARG, "USBTMC quirks: '%.*s' is not vid:pid=flag[+flag] (hex ids)",
				   (int)len, e);
	unsigned f = 0;
	const char *s = eq + 1, *stop = e + len;
	while (s <= stop) {
		const char *plus = memchr(s, '+', (size_t)(stop - s));
		size_t n = (size_t)((plus ? plus : stop) - s);
		size_t k;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == n && strncasecmp(names[k].name, s, n) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return lc_diag_set(diag, LC_ERR_ARG,
					   "USBTMC quirks: unknown quirk '%.*s' (empty-first-in, reset-on-open)", (int)n, s);
		f |= names[k].flag;
		if (!plus)
			break;
		s = plus + 1;
	}
	if (v == vid && p == pid)
		*flags |= f;
	return 0;
}

int lc_usbtmc_quirks_parse(const char *spec, uint16_t vid, uint16_t pid, unsigned *flags, lc_diag *diag)
{
	*flags = 0;
	if (!spec)
		return 0;
	const char *s = spec;
	while (*s) {
		size_t len = strcspn(s, ",");
		if (len == 0)
			return lc_diag_set(diag, LC_ERR_ARG, "USBTMC quirks: empty entry in '%s'", spec);
		int e = parse_entry(s, len, vid, pid, flags, diag);
		if (e < 0)
			return e;
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}
