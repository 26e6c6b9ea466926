/* Reference methods, reference validity and the judgement of one loss. */
#include "procedures/measure/reference.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *lc_ref_method_name(enum lc_ref_method m)
{
	switch (m) {
	case LC_REF_1_JUMPER: return "1-jumper";
	case LC_REF_2_JUMPER: return "2-jumper";
	case LC_REF_3_JUMPER: return "3-jumper";
	}
	return "unknown";
}

const char *lc_ref_method_standard(enum lc_ref_method m)
{
	switch (m) {
	case LC_REF_1_JUMPER: return "TIA-526-14 Method B / TIA-526-7 Method A.1 / IEC 61280-4-1 Method 2";
	case LC_REF_2_JUMPER: return "TIA-526-14 Method A / TIA-526-7 Method A.2 / IEC 61280-4-1 Method 1";
	case LC_REF_3_JUMPER: return "TIA-526-14 Method C / TIA-526-7 Method A.3 / IEC 61280-4-1 Method 3";
	}
	return "unknown";
}

int lc_ref_method_parse(const char *s)
{
	static const struct {
		const char *name;
		enum lc_ref_method m;
	} names[] = {
		{"1-jumper", LC_REF_1_JUMPER}, {"1", LC_REF_1_JUMPER}, {"one-cord", LC_REF_1_JUMPER},
		{"B", LC_REF_1_JUMPER},        {"method-2", LC_REF_1_JUMPER}, {"A.1", LC_REF_1_JUMPER},
		{"2-jumper", LC_REF_2_JUMPER}, {"2", LC_REF_2_JUMPER}, {"two-cord", LC_REF_2_JUMPER},
		{"A", LC_REF_2_JUMPER},        {"method-1", LC_REF_2_JUMPER}, {"A.2", LC_REF_2_JUMPER},
		{"3-jumper", LC_REF_3_JUMPER}, {"3", LC_REF_3_JUMPER}, {"three-cord", LC_REF_3_JUMPER},
		{"C", LC_REF_3_JUMPER},        {"method-3", LC_REF_3_JUMPER}, {"A.3", LC_REF_3_JUMPER},
	};
	if (!s)
		return LC_ERR_ARG;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].m;
	return LC_ERR_ARG;
}

int lc_ref_method_connections(enum lc_ref_method m)
{
	switch (m) {
	case LC_REF_1_JUMPER: return 2;
	case LC_REF_2_JUMPER: return 1;
	case LC_REF_3_JUMPER: return 0;
	}
	return LC_ERR_ARG;
}

int lc_reference_check(const lc_reference *ref, double wavelength_nm, int64_t now_unix, lc_diag *diag)
{
	if (!ref)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: NULL");
	if (lc_ref_method_connections(ref->method) < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: unknown method %d", (int)ref->method);
	if (ref->n_paths == 0 || ref->n_paths > LC_REF_MAX_PATHS)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: %zu paths (1..%d)", ref->n_paths, LC_REF_MAX_PATHS);
	for (size_t i = 0; i < ref->n_paths; i++)
		if (!isfinite(ref->ref_dbm[i]))
			return lc_diag_set(diag, LC_ERR_ARG, "reference: path %zu has no power (no light at referencing)",
					   i + 1);
	if (ref->valid_s <= 0)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: validity %lld s must be > 0", (long long)ref->valid_s);
	if (fabs(ref->wavelength_nm - wavelength_nm) > 0.5)
		return lc_diag_set(diag, LC_ERR_STATE, "reference taken at %g nm, not %g nm: take one at %g nm",
				   ref->wavelength_nm, wavelength_nm, wavelength_nm);
	if (now_unix < ref->taken_unix)
		return lc_diag_set(diag, LC_ERR_STATE, "reference taken in the future (clock changed?): re-reference");
	if (now_unix - ref->taken_unix > ref->valid_s)
		return lc_diag_set(diag, LC_ERR_STATE, "reference at %g nm expired %lld s ago (valid %lld s): re-reference",
				   ref->wavelength_nm, (long long)(now_unix - ref->taken_unix - ref->valid_s),
				   (long long)ref->valid_s);
	return 0;
}

int lc_reference_reusable(const lc_reference *kept, const lc_reference *want, int64_t max_age_s, int64_t now_unix,
			  lc_diag *diag)
{
	if (!kept || !want || max_age_s <= 0)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: nothing to compare, or no age limit");
	lc_reference k = *kept;
	if (k.valid_s > max_age_s)
		k.valid_s = max_age_s;
	int rc = lc_reference_check(&k, want->wavelength_nm, now_unix, diag);
	if (rc < 0)
		return rc;
	if (k.method != want->method)
		return lc_diag_set(diag, LC_ERR_STATE, "the kept reference is %s, this one is %s",
				   lc_ref_method_name(k.method), lc_ref_method_name(want->method));
	if (strcmp(k.cords, want->cords) != 0)
		return lc_diag_set(diag, LC_ERR_STATE, "the kept reference was taken with cords '%s', the station has '%s'",
				   k.cords, want->cords);
	if (!k.instruments[0] || strcmp(k.instruments, want->instruments) != 0)
		return lc_diag_set(diag, LC_ERR_STATE, "the kept reference was taken with other instruments (%s), not %s",
				   k.instruments[0] ? k.instruments : "unknown", want->instruments);
	if (k.n_paths != want->n_paths)
		return lc_diag_set(diag, LC_ERR_STATE, "the kept reference has %zu paths, the station wires %zu",
				   k.n_paths, want->n_paths);
	return 0;
}

int lc_loss_judge(double ref_dbm, double dbm, const lc_limit *limit, double negative_tolerance_db,
		  double uncertainty_db, lc_loss *out)
{
	if (!out || !isfinite(ref_dbm) || isnan(dbm) || dbm == INFINITY || !(negative_tolerance_db >= 0) ||
	    !(uncertainty_db >= 0))
		return LC_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->dbm = dbm;
	out->limit_db = limit ? limit->high : NAN;
	out->margin_db = NAN;
	out->unconfirmed = limit && limit->unconfirmed;
	if (dbm < LC_DARK_DBM) {
		out->loss_db = INFINITY;
		out->dark = true;
		out->verdict = LC_VERDICT_FAIL;
		return 0;
	}
	/* Rounded to 1e-9 dB so that a loss exactly on the limit (-3.0 - -4.9) is not failed by float noise. */
	out->loss_db = round((ref_dbm - dbm) * 1e9) / 1e9;
	if (out->loss_db < -negative_tolerance_db) {
		out->rereference = true;
		out->verdict = LC_VERDICT_ERROR;
		return 0;
	}
	if (!limit) {
		out->verdict = LC_VERDICT_NONE;
		return 0;
	}
	lc_check_result r;
	int rc = lc_limit_check_u(limit, out->loss_db, uncertainty_db, &r);
	if (rc < 0)
		return rc;
	out->verdict = r.verdict;
	out->margin_db = r.margin;
	return 0;
}
