/* Opening one end of a module instrument by its label and the layout that maps labels to mux channels
 * (module.h lc_module_open_end). The caller reads the layout from wherever it keeps it (a station file). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "instruments/module/module.h"

/* layout "A:0,B1:1,B2:2": the mux channel of label (0..63: channel c % 8 of the mux at 0x70 + c / 8), or -1
 * (-2 for a layout that does not parse); *muxes gets a bit for every mux the layout uses. Strict, as the
 * supply's layout parser: a label is letters and digits, a channel decimal digits only, and a label or a
 * channel named twice is refused, since either would silently read one module as another end's. */
static int channel_of(const char *layout, const char *label, uint8_t *muxes)
{
	const char *p = layout;
	int found = -1;
	uint64_t used = 0; /* bit c: channel c is named */
	*muxes = 0;
	for (;;) {
		size_t n = 0;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n == 0 || p[n] != ':' || !isdigit((unsigned char)p[n + 1]))
			return -2;
		const char *d = p + n + 1;
		int ch = 0;
		while (isdigit((unsigned char)*d) && ch <= 63)
			ch = ch * 10 + (*d++ - '0');
		if (ch > 63 || (*d && *d != ',') || (used >> ch & 1u))
			return -2;
		used |= (uint64_t)1 << ch;
		/* the same label earlier in the layout? (case-insensitive, as ends are looked up) */
		for (const char *q = layout; q < p; q = strchr(q, ',') + 1)
			if (!strncasecmp(q, p, n) && q[n] == ':')
				return -2;
		*muxes |= (uint8_t)(1u << (ch / 8));
		if (strlen(label) == n && !strncasecmp(p, label, n))
			found = ch;
		if (!*d)
			return found;
		p = d + 1;
	}
}

int lc_module_end_opts(const char *layout, const char *end, lc_module_opts *o, lc_diag *diag)
{
	if (!o)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_module_end_opts: NULL options");
	if (layout && layout[0] && end && end[0]) {
		uint8_t muxes;
		int ch = channel_of(layout, end, &muxes);
		if (ch == -2)
			return lc_diag_set(diag, LC_ERR_FORMAT, "layout '%s' is not LABEL:CHANNEL,... (labels of letters and digits, channels 0..63, each once)", layout);
		if (ch < 0)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no end '%s' in layout '%s'", end, layout);
		/* PCA9548A default address 0x70 (A2..A0 low); channels 8 and up are further muxes at 0x71.. */
		o->mem.mux_addr = (uint8_t)(0x70 + ch / 8);
		o->mem.mux_channel = ch % 8;
		o->mem.mux_others = (uint8_t)(muxes & ~(1u << (ch / 8)));
	} else if (end && end[0] && strcasecmp(end, "A")) {
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no layout names end '%s' (one module, no mux)", end);
	}
	return 0;
}

int lc_module_open_end(const char *resource, const char *layout, const char *end, const lc_module_opts *opts,
		       lc_module **out, lc_diag *diag)
{
	if (out)
		*out = NULL;
	if (!resource || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_module_open_end: NULL argument");
	lc_module_opts o;
	if (opts)
		o = *opts;
	else
		lc_module_opts_init(&o);
	int rc = lc_module_end_opts(layout, end, &o, diag);
	if (rc < 0)
		return rc;
	rc = lc_module_open(resource, &o, out, diag);
	if (rc < 0)
		lc_diag_prefix(diag, "end %s: ", end && end[0] ? end : "A");
	return rc;
}
