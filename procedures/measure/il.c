/* Power reference and insertion loss over a set of optical paths. */
#include "procedures/measure/optical_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void lc_il_opts_init(lc_il_opts *o, double wavelength_nm)
{
	memset(o, 0, sizeof(*o));
	o->wavelength_nm = wavelength_nm;
	o->source_dbm = NAN;
}

static const char *path_label(const lc_optical_path *p, size_t i, char *buf, size_t cap)
{
	if (p->label)
		return p->label;
	snprintf(buf, cap, "path %zu", i + 1);
	return buf;
}

/* Detectors set up once each (several paths may share one meter channel). */
static int prepare_detectors(const lc_optical_path *paths, size_t n, const lc_il_opts *o, lc_diag *diag)
{
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = paths[k].detect.meter == paths[i].detect.meter &&
			       paths[k].detect.channel == paths[i].detect.channel;
		if (seen)
			continue;
		int rc = lc_detector_prepare(&paths[i].detect, o->wavelength_nm, o->averaging_s, diag);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int read_path(const lc_optical_path *p, double *dbm, lc_diag *diag)
{
	int rc = lc_launch_route(&p->launch, diag);
	if (rc == 0)
		rc = lc_detector_read(&p->detect, dbm, diag);
	return rc;
}

static int check_args(const lc_optical_path *paths, size_t n, const lc_il_opts *o, lc_diag *diag)
{
	if (!paths || !o || n == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "insertion loss: no paths or options");
	if (n > LC_REF_MAX_PATHS)
		return lc_diag_set(diag, LC_ERR_ARG, "insertion loss: %zu paths, at most %d", n, LC_REF_MAX_PATHS);
	if (!(o->wavelength_nm > 0))
		return lc_diag_set(diag, LC_ERR_ARG, "insertion loss: no wavelength");
	if (!(o->negative_tolerance_db >= 0) || !(o->uncertainty_db >= 0) || !(o->averaging_s >= 0))
		return lc_diag_set(diag, LC_ERR_ARG, "insertion loss: negative tolerance, uncertainty or averaging");
	return 0;
}

int lc_reference_take(const lc_optical_path *paths, size_t n, const lc_il_opts *o, enum lc_ref_method method,
		      const char *cords, int64_t valid_s, lc_reference *out, lc_diag *diag)
{
	int rc = check_args(paths, n, o, diag);
	if (rc < 0)
		return rc;
	if (!out || lc_ref_method_connections(method) < 0 || valid_s <= 0)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: bad method, validity or output");
	memset(out, 0, sizeof(*out));
	lc_lit lit;
	rc = lc_lit_collect(&lit, &paths[0].launch, n, sizeof(paths[0]), diag);
	if (rc < 0)
		return rc;
	rc = prepare_detectors(paths, n, o, diag);
	if (rc == 0)
		rc = lc_lit_on(&lit, o->wavelength_nm, o->source_dbm, diag);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = read_path(&paths[i], &out->ref_dbm[i], diag);
		if (rc == 0 && !isfinite(out->ref_dbm[i])) {
			char b[32];
			rc = lc_diag_set(diag, LC_ERR_STATE,
					 "reference: no light on %s at %g nm (check the reference cords and the source)",
					 path_label(&paths[i], i, b, sizeof(b)), o->wavelength_nm);
		}
	}
	/* A finite reading is no proof of light: a meter with nothing on its input reads its noise floor (-80 dBm
	 * on an N774x), and a loss against a reference of noise is noise too, negative as often as not (a
	 * "drifted reference" that never was one). A path is dark by the fiber map's rules: under LC_DARK_DBM,
	 * or LC_DARK_RELATIVE_DB under the brightest path of the same source and settings. */
	double top = -INFINITY;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (out->ref_dbm[i] > top)
			top = out->ref_dbm[i];
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (out->ref_dbm[i] >= LC_DARK_DBM && out->ref_dbm[i] >= top - LC_DARK_RELATIVE_DB)
			continue;
		char b[32];
		rc = lc_diag_set(diag, LC_ERR_STATE,
				 "reference: no light on %s at %g nm (%.1f dBm, %.1f dB under the brightest path: a meter's "
				 "floor; check the reference cords and the source)",
				 path_label(&paths[i], i, b, sizeof(b)), o->wavelength_nm, out->ref_dbm[i], top - out->ref_dbm[i]);
	}
	rc = lc_lit_off(&lit, rc, diag);
	rc = lc_launches_release(&paths[0].launch, n, sizeof(paths[0]), rc, diag);
	if (rc < 0)
		return rc;
	out->method = method;
	out->wavelength_nm = o->wavelength_nm;
	out->taken_unix = o->now_unix ? o->now_unix : (int64_t)time(NULL);
	out->valid_s = valid_s;
	snprintf(out->cords, sizeof(out->cords), "%s", cords ? cords : "");
	out->n_paths = n;
	return 0;
}

int lc_il_measure(const lc_optical_path *paths, size_t n, const lc_reference *ref, const lc_il_opts *o,
		  lc_loss *results, lc_diag *diag)
{
	if (!results)
		return lc_diag_set(diag, LC_ERR_ARG, "insertion loss: NULL results");
	for (size_t i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].verdict = LC_VERDICT_ERROR; /* until measured */
		results[i].dbm = results[i].loss_db = results[i].limit_db = results[i].margin_db = NAN;
	}
	int rc = check_args(paths, n, o, diag);
	if (rc < 0)
		return rc;
	rc = lc_reference_check(ref, o->wavelength_nm, o->now_unix ? o->now_unix : (int64_t)time(NULL), diag);
	if (rc < 0)
		return rc;
	if (ref->n_paths != n)
		return lc_diag_set(diag, LC_ERR_STATE, "reference has %zu paths, the measurement %zu: re-reference",
				   ref->n_paths, n);
	lc_lit lit;
	rc = lc_lit_collect(&lit, &paths[0].launch, n, sizeof(paths[0]), diag);
	if (rc < 0)
		return rc;
	rc = prepare_detectors(paths, n, o, diag);
	if (rc == 0)
		rc = lc_lit_on(&lit, o->wavelength_nm, o->source_dbm, diag);
	size_t negative = 0, first_neg = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		double dbm;
		rc = read_path(&paths[i], &dbm, diag);
		if (rc < 0)
			break;
		const lc_limit *lim = o->limits && o->limits[i] ? o->limits[i] : o->limit;
		rc = lc_loss_judge(ref->ref_dbm[i], dbm, lim, o->negative_tolerance_db, o->uncertainty_db, &results[i]);
		if (rc < 0) {
			char b[32];
			rc = lc_diag_set(diag, rc, "%s: limit row '%s' cannot judge a loss", path_label(&paths[i], i, b, sizeof(b)),
					 lim ? lim->id : "");
			results[i].verdict = LC_VERDICT_ERROR;
			break;
		}
		if (results[i].rereference && negative++ == 0)
			first_neg = i;
	}
	rc = lc_lit_off(&lit, rc, diag);
	rc = lc_launches_release(&paths[0].launch, n, sizeof(paths[0]), rc, diag);
	if (rc == 0 && negative) {
		char b[32];
		rc = lc_diag_set(diag, LC_ERR_STATE,
				 "negative loss %.2f dB on %s at %g nm (%zu path%s): the reference has drifted; re-reference",
				 results[first_neg].loss_db, path_label(&paths[first_neg], first_neg, b, sizeof(b)),
				 o->wavelength_nm, negative, negative > 1 ? "s" : "");
	}
	return rc;
}
