/*
 * Lane-to-port mapping on the instruments: light one launch at a time, read every detector, infer.
 * Detectors without a switch in front that share one meter are read with a single all-channels reading
 * when the meter can (N774x), which is what makes a 16-fiber map take 16 readings instead of 256.
 */
#include "procedures/measure/optical_priv.h"

#include <math.h>
#include <stdlib.h>

#include "instruments/power_meter/power_meter.h"
#include "instruments/source/source.h"

#define MAX_METER_CH 64

/* Read every detector for the current launch into row[0..n_det). */
static int read_row(const lc_detector *dets, size_t n_det, double *row, lc_diag *diag)
{
	double all[MAX_METER_CH];
	for (size_t j = 0; j < n_det; j++)
		row[j] = NAN;
	for (size_t j = 0; j < n_det; j++) {
		if (!isnan(row[j]))
			continue;
		const lc_detector *d = &dets[j];
		lc_power_meter_caps caps;
		int rc = d->sw ? 0 : lc_power_meter_caps_get(d->meter, &caps, diag);
		if (rc < 0)
			return rc;
		if (!d->sw && caps.reads_all_at_once) {
			rc = lc_power_meter_read_all_dbm(d->meter, all, MAX_METER_CH, diag);
			if (rc < 0)
				return rc;
			/* Fill every switchless detector on this meter from the one reading. */
			for (size_t k = j; k < n_det; k++)
				if (!dets[k].sw && dets[k].meter == d->meter && dets[k].channel >= 1 && dets[k].channel <= rc)
					row[k] = all[dets[k].channel - 1];
		} else {
			rc = lc_detector_read(d, &row[j], diag);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int lc_map_measure(const lc_launch *launches, size_t n_in, const lc_detector *dets, size_t n_det,
		   double wavelength_nm, double dark_dbm, double *matrix, int *map, lc_diag *diag)
{
	if (!launches || !dets || !matrix || !map || n_in == 0 || n_det == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "map: no launches, detectors or output");
	if (!(wavelength_nm > 0) || !isfinite(dark_dbm))
		return lc_diag_set(diag, LC_ERR_ARG, "map: wavelength and dark threshold must be given");
	for (size_t j = 0; j < n_det; j++) {
		if (!dets[j].meter)
			return lc_diag_set(diag, LC_ERR_ARG, "map: detector %zu has no meter", j + 1);
		int rc = lc_detector_prepare(&dets[j], wavelength_nm, 0, diag);
		if (rc < 0)
			return rc;
	}
	lc_lit all;
	int rc = lc_lit_collect(&all, launches, n_in, sizeof(launches[0]), diag);
	if (rc < 0)
		return rc;
	/* Only one launch may be lit at a time: start dark, set every wavelength once. */
	rc = lc_lit_off(&all, 0, diag);
	for (size_t k = 0; k < all.n && rc == 0; k++)
		rc = lc_source_set_wavelength(all.inst[k], all.output[k], wavelength_nm, diag);
	for (size_t i = 0; i < n_in && rc == 0; i++) {
		const lc_launch *l = &launches[i];
		rc = lc_launch_route(l, diag);
		if (rc == 0)
			rc = lc_source_set_output(l->source, l->source_output, true, diag);
		if (rc == 0)
			rc = read_row(dets, n_det, &matrix[i * n_det], diag);
		/* A launch shared through a switch stays on; distinct sources go dark before the next. */
		bool shared_next = i + 1 < n_in && launches[i + 1].source == l->source &&
				   launches[i + 1].source_output == l->source_output;
		if (rc == 0 && !shared_next)
			rc = lc_source_set_output(l->source, l->source_output, false, diag);
	}
	rc = lc_lit_off(&all, rc, diag);
	rc = lc_launches_release(launches, n_in, sizeof(launches[0]), rc, diag);
	if (rc < 0)
		return rc;
	return lc_map_infer(matrix, n_in, n_det, dark_dbm, map);
}
