/*
 * Thorlabs PM100USB/PM100D/PM100A/PM400 (instrument-dialects.md §1.3). Transport-independent: USBTMC in the
 * field, a raw socket in tests and the simulator.
 *
 * One channel. Power is read with MEAS:POW? in watts (SENS:POW:UNIT W is set at attach) and converted here.
 * Averaging is a sample count at about 3 ms per sample (driver comments quoting the manual). The guide
 * documents no query of the count, so the averaging time is known only after this driver set it; until then
 * get_averaging reports NaN (null in a snapshot) and a reading allows UNKNOWN_AVG_MS for averaging.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "instruments/instrument_priv.h"
#include "instruments/power_meter/power_meter.h"

#define SAMPLE_S 0.003
#define UNKNOWN_AVG_MS 10000

struct pm100 {
	double avg_s; /* NaN until set */
	double min_nm, max_nm;
};

static struct pm100 *st(lc_instrument *inst)
{
	return inst->priv;
}

static int pm100_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	char sensor[160];
	int rc = lc_inst_query(inst, diag, sensor, sizeof(sensor), "SYST:SENS:IDN?");
	if (rc < 0)
		return rc;
	if (strncasecmp(sensor, "no sensor", 9) == 0)
		return lc_diag_set(diag, LC_ERR_STATE, "no sensor attached (SYST:SENS:IDN? says '%s')", sensor);
	struct pm100 *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	s->avg_s = NAN;
	inst->priv = s;
	rc = lc_inst_change(inst, diag, "SENS:POW:UNIT", "W");
	if (rc == 0)
		rc = lc_inst_query_double(inst, diag, 0, &s->min_nm, "SENS:CORR:WAV? MIN");
	if (rc == 0)
		rc = lc_inst_query_double(inst, diag, 0, &s->max_nm, "SENS:CORR:WAV? MAX");
	if (rc < 0) {
		free(s);
		inst->priv = NULL;
	}
	return rc;
}

static void pm100_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static int pm100_caps(lc_instrument *inst, lc_power_meter_caps *c)
{
	*c = (lc_power_meter_caps){
		.channels = 1,
		.min_nm = st(inst)->min_nm,
		.max_nm = st(inst)->max_nm,
		.min_avg_s = SAMPLE_S,
		.max_avg_s = 10.0,
		.can_zero = lc_inst_has_feature(inst, "zero"),
	};
	return 0;
}

static int pm100_set_wavelength(lc_instrument *inst, int ch, double nm, lc_diag *diag)
{
	struct pm100 *s = st(inst);
	if (s->max_nm > 0 && (nm < s->min_nm || nm > s->max_nm))
		return lc_diag_set(diag, LC_ERR_ARG, "PM100: %g nm outside the sensor's %g..%g nm", nm, s->min_nm,
				   s->max_nm);
	return lc_inst_write(inst, diag, "SENS:CORR:WAV %.10g", nm);
}

static int pm100_get_wavelength(lc_instrument *inst, int ch, double *nm, lc_diag *diag)
{
	return lc_inst_query_double(inst, diag, 0, nm, "SENS:CORR:WAV?");
}

static int pm100_set_averaging(lc_instrument *inst, int ch, double seconds, lc_diag *diag)
{
	long count = lround(seconds / SAMPLE_S);
	if (count < 1)
		count = 1;
	int rc = lc_inst_write(inst, diag, "SENS:AVER:COUN %ld", count);
	if (rc == 0)
		st(inst)->avg_s = (double)count * SAMPLE_S;
	return rc;
}

static int pm100_get_averaging(lc_instrument *inst, int ch, double *seconds, lc_diag *diag)
{
	*seconds = st(inst)->avg_s;
	return 0;
}

static int pm100_read_dbm(lc_instrument *inst, int ch, double *dbm, lc_diag *diag)
{
	double avg = st(inst)->avg_s;
	int extra = isnan(avg) ? UNKNOWN_AVG_MS : lc_inst_atime_extra_ms(inst, avg);
	double w;
	int rc = lc_inst_query_double(inst, diag, extra, &w, "MEAS:POW?");
	if (rc == 0)
		*dbm = lc_watt_to_dbm(w);
	return rc;
}

static int pm100_zero(lc_instrument *inst, int ch, lc_diag *diag)
{
	if (!lc_inst_has_feature(inst, "zero"))
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s has no zeroing (it refused SENS:CORR:COLL:ZERO:MAGN? at "
				   "attach)", inst->idn.model);
	/* Drivers disagree on what :ZERO:STAT? means; *OPC? after INIT is the documented wait. */
	int rc = lc_inst_write(inst, diag, "SENS:CORR:COLL:ZERO:INIT");
	if (rc == 0)
		rc = lc_inst_wait_opc(inst, diag, inst->quirks.zero_timeout_ms, "SENS:CORR:COLL:ZERO:INIT");
	return rc;
}

static const lc_power_meter_ops pm100_pm = {
	.base = {LC_CLASS_POWER_METER, lc_power_meter_snapshot},
	.caps = pm100_caps,
	.set_wavelength = pm100_set_wavelength,
	.get_wavelength = pm100_get_wavelength,
	.set_averaging = pm100_set_averaging,
	.get_averaging = pm100_get_averaging,
	.read_dbm = pm100_read_dbm,
	.zero = pm100_zero,
};

static const lc_class_ops *const pm100_classes[] = {&pm100_pm.base, NULL};

/* No lc_driver.required: attach itself sends what the readings need (instrument-dialects.md §1.3 "Sensor
 * info", "Unit", "Wavelength") and fails on a refusal naming it. */
/* §1.3 "Zero": the zero family's read-only query; without it zeroing is unsupported. */
static const lc_inst_feature pm100_features[] = {
	{"zero", "SENS:CORR:COLL:ZERO:MAGN?", false},
	{NULL, NULL, false},
};

const lc_driver lc_driver_thorlabs_pm100 = {
	.name = "thorlabs_pm100",
	.description = "Thorlabs PM100/PM400 optical power meter console",
	.classes = pm100_classes,
	.attach = pm100_attach,
	.detach = pm100_detach,
	.features = pm100_features,
};
