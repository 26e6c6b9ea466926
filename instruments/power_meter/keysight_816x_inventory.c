/*
 * What an 816x mainframe says it holds, for `lanecert probe` without a layout (issue 20). The 8163A/B,
 * 8164A/B & 8166A/B Programming Guide, "Root Layer Commands" p. 81: :SLOT[n]:EMPTy? answers 0 (a module) or
 * 1 (empty); :SLOT[n]:IDN? answers "manufacturer, model, serial, firmware date", e.g.
 * "HEWLETT-PACKARD, 81533B,3411G06054,07-Aug-98" (a space after the first comma in the guide's own example,
 * so every field is trimmed). Only a slot that is not empty is asked for its identity.
 *
 * The layout kind each module family takes comes from instrument-dialects.md §1.2, §2.1 and §3.1: 81634B /
 * 81635A sensors (the 81635A with two channels), 8165x fixed sources, 8160x/8164x tunable lasers, 8161x
 * return-loss modules. Their wavelengths are the module's (its data sheet), so the suggestion leaves NM.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "instruments/instrument_priv.h"
#include "instruments/power_meter/keysight_816x.h"

static const struct family {
	const char *prefix;
	const char *fmt; /* %d: the slot */
} families[] = {
	{"81635", "%d.1:sensor,%d.2:sensor"}, {"81634", "%d:sensor"}, {"8165", "%d:source@NM"},
	{"8160", "%d:tls@MIN-MAX"},          {"8164", "%d:tls@MIN-MAX"}, {"8161", "%d:rl@NM"},
};

static void trim_copy(char *dst, size_t cap, const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	snprintf(dst, cap, "%.*s", (int)len, s);
}

/* "manufacturer, model, serial, firmware" into m->model and m->detail ("manufacturer, serial, firmware"). */
static int parse_idn(const char *reply, lc_inst_module *m, lc_diag *diag)
{
	const char *f[4];
	size_t len[4];
	const char *p = reply;
	for (int i = 0; i < 4; i++) {
		f[i] = p;
		len[i] = i < 3 ? strcspn(p, ",") : strlen(p);
		if (i < 3 && p[len[i]] != ',')
			return lc_diag_set(diag, LC_ERR_PROTOCOL, ":SLOT%u:IDN? answered '%.60s': not 4 fields", m->slot,
					   reply);
		p += len[i] + 1;
	}
	char vendor[40], serial[32], fw[32];
	trim_copy(vendor, sizeof vendor, f[0], len[0]);
	trim_copy(m->model, sizeof m->model, f[1], len[1]);
	trim_copy(serial, sizeof serial, f[2], len[2]);
	trim_copy(fw, sizeof fw, f[3], len[3]);
	if (!m->model[0])
		return lc_diag_set(diag, LC_ERR_PROTOCOL, ":SLOT%u:IDN? answered '%.60s': no model", m->slot, reply);
	snprintf(m->detail, sizeof m->detail, "%s, serial %s, firmware %s", vendor, serial, fw);
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		if (strncasecmp(m->model, families[i].prefix, strlen(families[i].prefix)) == 0) {
			int s = (int)m->slot;
			snprintf(m->layout, sizeof m->layout, families[i].fmt, s, s);
			break;
		}
	return 0;
}

int lc_816x_inventory(lc_instrument *inst, lc_inst_module *out, size_t cap, lc_diag *diag)
{
	int n = 0;
	for (int slot = inst->quirks.min_slot; slot <= inst->quirks.max_slot; slot++) {
		char reply[160];
		int rc = lc_inst_query(inst, diag, reply, sizeof reply, ":SLOT%d:EMPT?", slot);
		if (rc < 0)
			return rc;
		double empty = -1;
		if (lc_parse_number(reply, &empty) < 0 || (empty != 0 && empty != 1))
			return lc_diag_set(diag, LC_ERR_PROTOCOL, ":SLOT%d:EMPT? answered '%.40s', not 0 or 1", slot, reply);
		if (empty == 1)
			continue;
		if ((size_t)n == cap)
			return lc_diag_set(diag, LC_ERR_OVERFLOW, "more than %zu modules", cap);
		lc_inst_module *m = &out[n];
		memset(m, 0, sizeof *m);
		m->slot = (unsigned)slot;
		if ((rc = lc_inst_query(inst, diag, reply, sizeof reply, ":SLOT%d:IDN?", slot)) < 0)
			return rc;
		if ((rc = parse_idn(reply, m, diag)) < 0)
			return rc;
		n++;
	}
	return n;
}
