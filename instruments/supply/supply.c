/* Supply class: the station layout, argument checks, locking and the snapshot, over the driver's table. */
#include "instruments/supply/supply.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/instrument_priv.h"

int lc_supply_layout_parse(const char *layout, lc_supply_feed *feeds, size_t cap, lc_diag *diag)
{
	if (!layout || !feeds)
		return lc_diag_set(diag, LC_ERR_ARG, "supply layout: NULL");
	size_t n = 0;
	const char *p = layout;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char part[48];
		if (len == 0 || len >= sizeof(part))
			return lc_diag_set(diag, LC_ERR_ARG, "supply layout '%s': an empty or overlong part (write "
					   "\"1:A,2:B\": output:end)", layout);
		memcpy(part, p, len);
		part[len] = '\0';
		char *colon = strchr(part, ':');
		char *end = NULL;
		long out = colon ? strtol(part, &end, 10) : 0;
		const char *label = colon ? colon + 1 : "";
		bool label_ok = label[0] && strlen(label) < LC_SUPPLY_FEED_NAME_MAX;
		for (const char *c = label; *c && label_ok; c++)
			label_ok = isalnum((unsigned char)*c);
		if (!colon || end != colon || out < 1 || out > LC_SUPPLY_OUTPUTS_MAX || !label_ok)
			return lc_diag_set(diag, LC_ERR_ARG, "supply layout '%s': '%s' is not output:end (output 1..%d, "
					   "end a leg label such as A or B3)", layout, part, LC_SUPPLY_OUTPUTS_MAX);
		for (size_t k = 0; k < n; k++)
			if (feeds[k].output == (int)out || !strcmp(feeds[k].end, label))
				return lc_diag_set(diag, LC_ERR_ARG, "supply layout '%s': output %ld or end %s named twice",
						   layout, out, label);
		if (n == cap)
			return lc_diag_set(diag, LC_ERR_ARG, "supply layout '%s': more than %zu outputs", layout, cap);
		feeds[n].output = (int)out;
		memcpy(feeds[n].end, label, strlen(label) + 1); /* label_ok: shorter than the field */
		n++;
		p += len + (comma ? 1 : 0);
		if (comma && !*p)
			return lc_diag_set(diag, LC_ERR_ARG, "supply layout '%s': ends with a comma", layout);
	}
	if (n == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "supply layout is empty (write \"1:A,2:B\": output:end)");
	return (int)n;
}

static const lc_supply_ops *ops_of(lc_instrument *inst, lc_diag *diag)
{
	const lc_supply_ops *ops = inst ? lc_instrument_class_ops(inst, LC_CLASS_SUPPLY) : NULL;
	if (!ops)
		lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: not a power supply", inst ? inst->idn.model : "(null instrument)");
	return ops;
}

int lc_supply_caps_get(lc_instrument *inst, lc_supply_caps *caps, lc_diag *diag)
{
	if (!inst || !caps)
		return lc_diag_set(diag, LC_ERR_ARG, "supply: NULL argument");
	const lc_supply_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	lc_instrument_lock(inst);
	int rc = ops->caps(inst, caps);
	lc_instrument_unlock(inst);
	return rc;
}

/* The ops, with out checked against the outputs the instrument has. */
static int checked(lc_instrument *inst, int out, const lc_supply_ops **ops, lc_diag *diag)
{
	*ops = ops_of(inst, diag);
	if (!*ops)
		return LC_ERR_UNSUPPORTED;
	lc_supply_caps c;
	int rc = (*ops)->caps(inst, &c);
	if (rc < 0)
		return lc_diag_set(diag, rc, "supply %s: capabilities unavailable", inst->idn.model);
	if (out < 1 || out > c.outputs)
		return lc_diag_set(diag, LC_ERR_ARG, "supply %s: output %d out of range 1..%d", inst->idn.model, out,
				   c.outputs);
	return 0;
}

int lc_supply_measure(lc_instrument *inst, int out, double *volts, double *amps, lc_diag *diag)
{
	if (!inst || !volts || !amps)
		return lc_diag_set(diag, LC_ERR_ARG, "supply: NULL argument");
	lc_instrument_lock(inst);
	const lc_supply_ops *ops;
	int rc = checked(inst, out, &ops, diag);
	if (rc == 0)
		rc = ops->measure(inst, out, volts, amps, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_supply_output_on(lc_instrument *inst, int out, bool *on, lc_diag *diag)
{
	if (!inst || !on)
		return lc_diag_set(diag, LC_ERR_ARG, "supply: NULL argument");
	lc_instrument_lock(inst);
	const lc_supply_ops *ops;
	int rc = checked(inst, out, &ops, diag);
	if (rc == 0)
		rc = ops->output_on(inst, out, on, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_supply_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	lc_supply_caps c;
	int rc = lc_supply_caps_get(inst, &c, diag);
	if (rc < 0)
		return rc;
	json_t *arr = json_array();
	if (!arr)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	for (int k = 1; k <= c.outputs; k++) {
		bool on;
		double v, a;
		if ((rc = lc_supply_output_on(inst, k, &on, diag)) < 0 || (rc = lc_supply_measure(inst, k, &v, &a, diag)) < 0) {
			json_decref(arr);
			return rc;
		}
		json_t *o = json_object();
		json_object_set_new(o, "output", json_integer(k));
		json_object_set_new(o, "on", json_boolean(on));
		json_object_set_new(o, "volts", json_real(v));
		json_object_set_new(o, "amps", json_real(a));
		json_object_set_new(o, "watts", json_real(v * a));
		json_array_append_new(arr, o);
	}
	/* not "outputs": a source's outputs carry wavelength and power (probe tells them by key) */
	json_object_set_new(obj, "supply_outputs", arr);
	return 0;
}
