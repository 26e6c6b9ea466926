/*
 * Keysight N7744A/N7745A/N7744C/N7745C multiport power meters (instrument-dialects.md §1.1).
 *
 * Every channel is switched to watts at attach: the guide says the all-channels block is "always Watt" and a
 * driver note says it is not always so, so with every channel in W both readings agree whichever is right.
 * dBm is computed here. A caller that asked for the instrument to be left as found (lanecert probe) gets
 * each channel's unit read first and put back by lc_instrument_restore(). Readings are triggered (:READ), with the timeout raised by the averaging time as
 * LabExT does. A reading above 1e20 W is the "sensitivity too low" sentinel LabExT reports (exact value
 * UNCONFIRMED): it is returned as -INFINITY, i.e. below range.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "instruments/instrument_priv.h"
#include "instruments/power_meter/power_meter.h"

#define N774X_MAX_CH 8
#define SENTINEL_W 1e20

struct n774x {
	int channels;
	double atime_s[N774X_MAX_CH + 1]; /* cached so a reading's timeout covers its averaging */
};

static struct n774x *st(lc_instrument *inst)
{
	return inst->priv;
}

static double to_dbm(double w)
{
	return w > SENTINEL_W ? -INFINITY : lc_watt_to_dbm(w);
}

static int n774x_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	int n = inst->quirks.channels;
	if (n < 1 || n > N774X_MAX_CH)
		return lc_diag_set(diag, LC_ERR_ARG, "model table gives %d channels", n);
	struct n774x *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	s->channels = n;
	inst->priv = s;
	int rc = 0;
	for (int ch = 1; ch <= n && rc == 0; ch++) {
		char unit[32];
		snprintf(unit, sizeof(unit), ":SENS%d:POW:UNIT", ch);
		rc = lc_inst_change(inst, diag, unit, "1");
		if (rc == 0)
			rc = lc_inst_query_double(inst, diag, 0, &s->atime_s[ch], ":SENS%d:POW:ATIM?", ch);
	}
	if (rc < 0) {
		free(s);
		inst->priv = NULL;
	}
	return rc;
}

static void n774x_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static int n774x_caps(lc_instrument *inst, lc_power_meter_caps *c)
{
	*c = (lc_power_meter_caps){
		.channels = st(inst)->channels,
		.min_avg_s = 1e-6, /* range a driver quotes for the N7744A [S9b] */
		.max_avg_s = 10.0,
		.can_zero = lc_inst_has_feature(inst, "zero"),
		.reads_all_at_once = lc_inst_has_feature(inst, "read_all"),
	};
	return 0;
}

static int n774x_set_wavelength(lc_instrument *inst, int ch, double nm, lc_diag *diag)
{
	return lc_inst_write(inst, diag, ":SENS%d:POW:WAV %.10gNM", ch, nm);
}

static int n774x_get_wavelength(lc_instrument *inst, int ch, double *nm, lc_diag *diag)
{
	double m;
	int rc = lc_inst_query_double(inst, diag, 0, &m, ":SENS%d:POW:WAV?", ch);
	if (rc == 0)
		*nm = m * 1e9;
	return rc;
}

static int n774x_set_averaging(lc_instrument *inst, int ch, double s, lc_diag *diag)
{
	int rc = lc_inst_write(inst, diag, ":SENS%d:POW:ATIM %.10gS", ch, s);
	if (rc == 0) /* the instrument may round: cache what it took */
		rc = lc_inst_query_double(inst, diag, 0, &st(inst)->atime_s[ch], ":SENS%d:POW:ATIM?", ch);
	return rc;
}

static int n774x_get_averaging(lc_instrument *inst, int ch, double *s, lc_diag *diag)
{
	int rc = lc_inst_query_double(inst, diag, 0, s, ":SENS%d:POW:ATIM?", ch);
	if (rc == 0)
		st(inst)->atime_s[ch] = *s;
	return rc;
}

static int n774x_read_dbm(lc_instrument *inst, int ch, double *dbm, lc_diag *diag)
{
	double w;
	int rc = lc_inst_query_double(inst, diag, lc_inst_atime_extra_ms(inst, st(inst)->atime_s[ch]), &w,
				      ":READ%d:POW?", ch);
	if (rc == 0)
		*dbm = to_dbm(w);
	return rc;
}

static int n774x_read_all_dbm(lc_instrument *inst, double *dbm, size_t cap, lc_diag *diag)
{
	struct n774x *s = st(inst);
	if (!lc_inst_has_feature(inst, "read_all")) /* one reading per channel, as any meter */
		return lc_power_meter_read_each(inst, s->channels, dbm, cap, diag);
	double longest = 0;
	for (int ch = 1; ch <= s->channels; ch++)
		longest = s->atime_s[ch] > longest ? s->atime_s[ch] : longest;
	int base = lc_scpi_get_timeout(inst->scpi);
	if (base >= 0)
		lc_scpi_set_timeout(inst->scpi, base + lc_inst_atime_extra_ms(inst, longest));
	double *v = NULL;
	size_t n = 0;
	int rc = lc_scpi_query_block_values(inst->scpi, ":READ:POW:ALL?", LC_BLOCK_F32, inst->quirks.block_order,
					    &v, &n);
	if (base >= 0)
		lc_scpi_set_timeout(inst->scpi, base);
	if (rc < 0)
		return lc_diag_set(diag, rc, ":READ:POW:ALL?: %s", lc_scpi_last_detail(inst->scpi));
	if ((rc = lc_inst_check_errors(inst, ":READ:POW:ALL?", diag)) < 0) {
		free(v);
		return rc;
	}
	if (n != (size_t)s->channels) {
		free(v);
		return lc_diag_set(diag, LC_ERR_PROTOCOL, ":READ:POW:ALL?: %zu values for %d channels", n, s->channels);
	}
	for (size_t i = 0; i < n && i < cap; i++)
		dbm[i] = to_dbm(v[i]);
	free(v);
	return s->channels;
}

static int n774x_zero(lc_instrument *inst, int ch, lc_diag *diag)
{
	if (!lc_inst_has_feature(inst, "zero"))
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s has no zeroing (it refused :SENS1:CORR:COLL:ZERO? at "
				   "attach)", inst->idn.model);
	/* One driver sleeps 10 s after zeroing (UNCONFIRMED); *OPC? with the zero budget waits for the end
	 * instead of guessing a duration. */
	int rc = ch == 0 ? lc_inst_write(inst, diag, ":SENS:CORR:COLL:ZERO:ALL")
			 : lc_inst_write(inst, diag, ":SENS%d:CORR:COLL:ZERO", ch);
	if (rc == 0)
		rc = lc_inst_wait_opc(inst, diag, inst->quirks.zero_timeout_ms, "zero");
	return rc;
}

static const lc_power_meter_ops n774x_pm = {
	.base = {LC_CLASS_POWER_METER, lc_power_meter_snapshot},
	.caps = n774x_caps,
	.set_wavelength = n774x_set_wavelength,
	.get_wavelength = n774x_get_wavelength,
	.set_averaging = n774x_set_averaging,
	.get_averaging = n774x_get_averaging,
	.read_dbm = n774x_read_dbm,
	.read_all_dbm = n774x_read_all_dbm,
	.zero = n774x_zero,
};

static const lc_class_ops *const n774x_classes[] = {&n774x_pm.base, NULL};

/* Needed by the operations and not sent by attach (which sets the power unit and reads the averaging time,
 * instrument-dialects.md §1.1 "Power unit", "Averaging time"): §1.1 "Query wavelength". */
static const char *const n774x_required[] = {":SENS1:POW:WAV?", NULL};
/* §1.1 "Channel map" (:READ<n>:POW:ALL:CONF?, the all-channels tree's own query: without it every channel is
 * read alone) and "Zero one channel" ("query `?` exists": without it zeroing is unsupported). */
static const lc_inst_feature n774x_features[] = {
	{"read_all", ":READ1:POW:ALL:CONF?", true},
	{"zero", ":SENS1:CORR:COLL:ZERO?", false},
	{NULL, NULL, false},
};

const lc_driver lc_driver_keysight_n774x = {
	.name = "keysight_n774x",
	.description = "Keysight N7744/N7745 multiport optical power meter",
	.classes = n774x_classes,
	.attach = n774x_attach,
	.detach = n774x_detach,
	.required = n774x_required,
	.features = n774x_features,
};
