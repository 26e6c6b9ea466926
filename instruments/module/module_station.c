/* Opening one end of a module instrument by its label and the layout that maps labels to mux channels
 * (module.h lc_module_open_end). The caller reads the layout from wherever it keeps it (a station file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "instruments/module/module.h"

/* layout "A:0,B1:1,B2:2": the mux channel of label, or -1 */
static int channel_of(const char *layout, const char *label)
{
	const char *p = layout;
	while (*p) {
		size_t n = strcspn(p, ":,");
		if (p[n] != ':')
			return -2;
		char *end;
		long ch = strtol(p + n + 1, &end, 10);
		if (end == p + n + 1 || ch < 0 || ch > 7 || (*end && *end != ','))
			return -2;
		if (strlen(label) == n && !strncasecmp(p, label, n))
			return (int)ch;
		p = *end ? end + 1 : end;
	}
	return -1;
}

int lc_module_end_opts(const char *layout, const char *end, lc_module_opts *o, lc_diag *diag)
{
	if (!o)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_module_end_opts: NULL options");
	if (layout && layout[0] && end && end[0]) {
		int ch = channel_of(layout, end);
		if (ch == -2)
			return lc_diag_set(diag, LC_ERR_FORMAT, "layout '%s' is not LABEL:CHANNEL,...", layout);
		if (ch < 0)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no end '%s' in layout '%s'", end, layout);
		if (!o->mem.mux_addr)
			o->mem.mux_addr = 0x70; /* PCA9548A default address (A2..A0 low) */
		o->mem.mux_channel = ch;
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
