/*
 * Keysight (Agilent, HP) E3631A and E3646A/E3647A/E3648A/E3649A bench DC supplies: the SCPI their user's
 * guides document (docs/instruments.md cites the pages):
 *   INSTrument:NSELect <n>   select output n (E3631A Table 4-1: outputs 1 +6V, 2 +25V, 3 -25V; E364xA: 1|2)
 *   MEASure[:VOLTage][:DC]?  the voltage measured at the selected output's terminals
 *   MEASure:CURRent[:DC]?    the current measured at the selected output
 *   OUTPut[:STATe]?          "0" or "1": the outputs switch together on these models
 * The output count is the model row's quirk `channels` (models.def). Transport-independent: GPIB or RS-232
 * in the field (a GPIB-LAN gateway, a serial adapter), a raw socket in tests and the simulator.
 *
 * lanecert never programs or switches these supplies (instruments/supply/supply.h): every command here is
 * a selection or a query. A reply that is not one plain number (or 0/1 for the output state) is a protocol
 * error, never a reading.
 */
#include <math.h>
#include <string.h>

#include "instruments/instrument_priv.h"
#include "instruments/supply/supply.h"

/* A measured volt or amp beyond this is not a reading of a bench supply (9.9e37 is SCPI's "not a number"). */
#define READING_MAX 1000.0

static int e36_caps(lc_instrument *inst, lc_supply_caps *c)
{
	*c = (lc_supply_caps){.outputs = inst->quirks.channels};
	return 0;
}

static int reading(lc_instrument *inst, const char *query, double *v, lc_diag *diag)
{
	int rc = lc_inst_query_double(inst, diag, 0, v, "%s", query);
	if (rc == 0 && !(fabs(*v) <= READING_MAX))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s: %g is not a reading of %s", query, *v, inst->idn.model);
	return rc;
}

static int e36_measure(lc_instrument *inst, int out, double *volts, double *amps, lc_diag *diag)
{
	int rc = lc_inst_write(inst, diag, "INST:NSEL %d", out);
	if (rc == 0)
		rc = reading(inst, "MEAS:VOLT?", volts, diag);
	if (rc == 0)
		rc = reading(inst, "MEAS:CURR?", amps, diag);
	return rc;
}

static int e36_output_on(lc_instrument *inst, int out, bool *on, lc_diag *diag)
{
	(void)out; /* one switch for every output on these models */
	char buf[16];
	int rc = lc_inst_query(inst, diag, buf, sizeof(buf), "OUTP?");
	if (rc < 0)
		return rc;
	if (strcmp(buf, "0") && strcmp(buf, "1"))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "OUTP?: '%s' is not 0 or 1", buf);
	*on = buf[0] == '1';
	return 0;
}

/* The station's layout may name only outputs this model has: an E3648A's "3:B" is refused when the station
 * opens, not in the middle of a soak. */
static int e36_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	if (inst->quirks.channels < 1 || inst->quirks.channels > LC_SUPPLY_OUTPUTS_MAX)
		return lc_diag_set(diag, LC_ERR_STATE, "%s: the model table gives no output count", inst->idn.model);
	if (!opts || !opts->layout || !opts->layout[0])
		return 0;
	lc_supply_feed feeds[LC_SUPPLY_OUTPUTS_MAX];
	int n = lc_supply_layout_parse(opts->layout, feeds, LC_SUPPLY_OUTPUTS_MAX, diag);
	for (int k = 0; k < n; k++)
		if (feeds[k].output > inst->quirks.channels)
			return lc_diag_set(diag, LC_ERR_ARG, "layout '%s': output %d feeds end %s, but the %s has outputs "
					   "1..%d", opts->layout, feeds[k].output, feeds[k].end, inst->idn.model,
					   inst->quirks.channels);
	return n < 0 ? n : 0;
}

/* The station's layout says which output feeds which end; the driver itself needs none of it. */
static int e36_check_layout(const char *layout, lc_diag *diag)
{
	lc_supply_feed feeds[LC_SUPPLY_OUTPUTS_MAX];
	int n = lc_supply_layout_parse(layout, feeds, LC_SUPPLY_OUTPUTS_MAX, diag);
	return n < 0 ? n : 0;
}

static const lc_supply_ops e36_supply = {
	.base = {LC_CLASS_SUPPLY, lc_supply_snapshot},
	.caps = e36_caps,
	.measure = e36_measure,
	.output_on = e36_output_on,
};

static const lc_class_ops *const e36_classes[] = {&e36_supply.base, NULL};

/* Read-only queries the readings need, asked before attach so a model without them stops at open. */
static const char *const e36_required[] = {"INST:NSEL?", "OUTP?", NULL};

const lc_driver lc_driver_keysight_e36xx = {
	.name = "keysight_e36xx",
	.description = "Keysight E3631A / E364xA bench DC power supply (module supply rails)",
	.classes = e36_classes,
	.attach = e36_attach,
	.check_layout = e36_check_layout,
	.layout_example = "1:A,2:B",
	.required = e36_required,
};
