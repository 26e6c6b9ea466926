/*
 * Fuzz target of a module instrument's station layout ("A:0,B1:1,...,B8:8", module.h lc_module_end_opts):
 * the input is "END\nLAYOUT". Whatever the text, the parser either refuses with LC_ERR_FORMAT or
 * LC_ERR_NOT_FOUND, a message, and the options untouched, or it agrees with a second reading of the grammar
 * written here: the end's channel c is named once and maps to exactly one mux (0x70 + c / 8, in 0x70..0x77) and
 * one channel bit (c % 8), and mux_others holds the other muxes the layout uses, never the end's own.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "instruments/module/module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The grammar, read independently: items LABEL ':' DIGITS joined by single commas, labels of letters and
 * digits, channels 0..63, no label (case-insensitive) or channel twice. Returns 1 valid (*ch the channel of
 * end or -1, *muxes the muxes used), 0 invalid. */
static int reference(const char *layout, const char *end, int *ch, unsigned *muxes)
{
	const char *labels[64];
	size_t lens[64];
	int chans[64], n = 0;
	const char *p = layout;
	*ch = -1;
	*muxes = 0;
	do {
		const char *colon = strchr(p, ':');
		const char *comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		if (!colon || colon > comma || colon == p || comma == colon + 1 || n == 64)
			return 0;
		long v = 0;
		for (const char *q = p; q < colon; q++)
			if (!isalnum((unsigned char)*q))
				return 0;
		for (const char *q = colon + 1; q < comma; q++) {
			if (!isdigit((unsigned char)*q))
				return 0;
			v = v * 10 + (*q - '0');
			if (v > 63)
				return 0;
		}
		labels[n] = p, lens[n] = (size_t)(colon - p);
		for (int i = 0; i < n; i++)
			if (chans[i] == v || (lens[i] == lens[n] && !strncasecmp(labels[i], p, lens[n])))
				return 0;
		chans[n] = (int)v;
		*muxes |= 1u << (v / 8);
		if (strlen(end) == lens[n] && !strncasecmp(p, end, lens[n]))
			*ch = (int)v;
		n++;
		p = *comma ? comma + 1 : comma;
		if (*comma && !*p)
			return 0; /* a trailing comma */
	} while (*p);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *nl = strchr(text, '\n');
	const char *end = nl ? text : "";
	const char *layout = nl ? nl + 1 : text;
	if (nl)
		*nl = '\0';
	lc_module_opts o, before;
	memset(&o, 0, sizeof(o)); /* padding too: the options are compared whole */
	lc_module_opts_init(&o);
	o.mem.mux_addr = 0x33; /* not the layout's business to keep: a success overwrites, a failure keeps */
	o.mem.mux_channel = 99;
	o.mem.mux_others = 0xA5;
	memcpy(&before, &o, sizeof(o));
	lc_diag d;
	lc_diag_clear(&d);
	int rc = lc_module_end_opts(layout, end, &o, &d);
	bool laid_out = layout[0] && end[0];
	int ref_ch = -1;
	unsigned ref_muxes = 0;
	int valid = laid_out ? reference(layout, end, &ref_ch, &ref_muxes) : 1;
	if (rc < 0) {
		if (!d.text[0] || memcmp(&o, &before, sizeof(o)) != 0)
			abort(); /* an error says why and leaves the options as they were */
		if (rc == LC_ERR_FORMAT && !(laid_out && !valid))
			abort();
		if (rc == LC_ERR_NOT_FOUND && !(laid_out ? valid && ref_ch < 0 : strcasecmp(end, "A") != 0))
			abort();
		if (rc != LC_ERR_FORMAT && rc != LC_ERR_NOT_FOUND)
			abort();
	} else if (rc != 0) {
		abort();
	} else if (!laid_out) {
		if ((end[0] && strcasecmp(end, "A")) || memcmp(&o, &before, sizeof(o)) != 0)
			abort(); /* one module, no mux: only end A, nothing set */
	} else {
		if (!valid || ref_ch < 0)
			abort(); /* accepted what the grammar refuses, or found an end it does not name */
		if (o.mem.mux_addr < 0x70 || o.mem.mux_addr > 0x77 || o.mem.mux_channel < 0 || o.mem.mux_channel > 7)
			abort();
		if ((o.mem.mux_addr - 0x70) * 8 + o.mem.mux_channel != ref_ch)
			abort(); /* one mux and one channel bit, the end's */
		unsigned own = 1u << (o.mem.mux_addr - 0x70);
		if ((o.mem.mux_others & own) || o.mem.mux_others != (ref_muxes & ~own))
			abort();
		o.mem.mux_addr = before.mem.mux_addr, o.mem.mux_channel = before.mem.mux_channel;
		o.mem.mux_others = before.mem.mux_others;
		if (memcmp(&o, &before, sizeof(o)) != 0)
			abort(); /* the options' other fields are kept */
	}
	free(text);
	return 0;
}
