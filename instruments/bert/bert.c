/* BERT class wrappers: argument checks, the instrument lock, pattern names, the snapshot. */
#include "instruments/bert/bert.h"

#include <math.h>

#include "hal/scpi.h"

static const lc_bert_ops *ops_of(lc_instrument *inst, lc_diag *diag)
{
	const lc_bert_ops *ops = inst ? lc_instrument_class_ops(inst, LC_CLASS_BERT) : NULL;
	if (!ops)
		lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s is not a BERT",
			    inst ? lc_instrument_driver_name(inst) : "(no instrument)");
	return ops;
}

/* Lanes are 1..caps.lanes; 0 means all lanes where allowed. */
static int check_lane(const lc_bert_ops *ops, lc_instrument *inst, unsigned lane, bool zero_ok, lc_diag *diag)
{
	lc_bert_caps caps = {0};
	int rc = ops->caps(inst, &caps);
	if (rc < 0)
		return lc_diag_set(diag, rc, "BERT capabilities unavailable");
	if (caps.lanes == 0)
		return lc_diag_set(diag, LC_ERR_STATE, "BERT has no lane layout: the station file must list its lanes");
	if ((lane == 0 && !zero_ok) || lane > caps.lanes)
		return lc_diag_set(diag, LC_ERR_ARG, "lane %u is not in 1..%u", lane, caps.lanes);
	return 0;
}

int lc_bert_caps_get(lc_instrument *inst, lc_bert_caps *caps, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	if (!caps)
		return lc_diag_set(diag, LC_ERR_ARG, "caps is NULL");
	lc_instrument_lock(inst);
	int rc = ops->caps(inst, caps);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_bert_set_pattern(lc_instrument *inst, enum lc_bert_side side, unsigned lane, enum lc_bert_pattern p,
			bool invert, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	if (!lc_bert_pattern_name(p))
		return lc_diag_set(diag, LC_ERR_ARG, "pattern %d is not a known pattern", (int)p);
	if (side < LC_BERT_PPG || side > LC_BERT_BOTH)
		return lc_diag_set(diag, LC_ERR_ARG, "side %d is neither PPG nor ED", (int)side);
	lc_instrument_lock(inst);
	int rc = check_lane(ops, inst, lane, true, diag);
	if (rc == 0)
		rc = ops->set_pattern(inst, side, lane, p, invert, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_bert_set_bit_rate(lc_instrument *inst, double bit_rate, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	if (!(bit_rate > 0.0) || !isfinite(bit_rate))
		return lc_diag_set(diag, LC_ERR_ARG, "bit rate %g b/s is not positive", bit_rate);
	lc_instrument_lock(inst);
	int rc = check_lane(ops, inst, 0, true, diag);
	if (rc == 0)
		rc = ops->set_bit_rate(inst, bit_rate, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_bert_set_output(lc_instrument *inst, unsigned lane, bool on, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	lc_instrument_lock(inst);
	int rc = check_lane(ops, inst, lane, true, diag);
	if (rc == 0)
		rc = ops->set_output(inst, lane, on, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_bert_start(lc_instrument *inst, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	lc_instrument_lock(inst);
	int rc = check_lane(ops, inst, 0, true, diag);
	if (rc == 0)
		rc = ops->start(inst, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_bert_stop(lc_instrument *inst, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	lc_instrument_lock(inst);
	int rc = check_lane(ops, inst, 0, true, diag);
	if (rc == 0)
		rc = ops->stop(inst, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_bert_read(lc_instrument *inst, const unsigned *lanes, size_t n, lc_bert_reading *out, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	if (!lanes || !out || n == 0 || n > LC_BERT_LANES_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "read of %zu lanes (1..%d, with lane and output arrays)", n,
				   LC_BERT_LANES_MAX);
	lc_instrument_lock(inst);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = check_lane(ops, inst, lanes[i], false, diag);
	if (rc == 0)
		rc = ops->read(inst, lanes, n, out, diag);
	lc_instrument_unlock(inst);
	return rc < 0 ? rc : (int)n;
}

int lc_bert_check_errors(lc_instrument *inst, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "no instrument");
	lc_instrument_lock(inst);
	lc_scpi *s = lc_instrument_scpi(inst);
	int rc = lc_scpi_check_errors(s);
	if (rc < 0)
		lc_diag_set(diag, rc, "%s", lc_scpi_last_detail(s));
	lc_instrument_unlock(inst);
	return rc < 0 ? rc : 0;
}

int lc_bert_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	const lc_bert_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	lc_bert_caps caps = {0};
	int rc = ops->caps(inst, &caps);
	if (rc < 0)
		return lc_diag_set(diag, rc, "BERT capabilities unavailable");
	json_t *b = json_object(), *layout = json_array(), *readings = json_array();
	if (!b || !layout || !readings) {
		json_decref(b);
		json_decref(layout);
		json_decref(readings);
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	}
	json_object_set_new(b, "lanes", json_integer(caps.lanes));
	json_object_set_new(b, "layout", layout);
	json_object_set_new(b, "readings", readings);
	json_object_set_new(obj, "bert", b);
	unsigned lanes[LC_BERT_LANES_MAX];
	for (unsigned i = 0; i < caps.lanes; i++) {
		lanes[i] = i + 1;
		json_array_append_new(layout, json_pack("{s:i, s:s, s:s}", "lane", (int)(i + 1), "ppg",
							ops->address(inst, LC_BERT_PPG, i + 1), "ed",
							ops->address(inst, LC_BERT_ED, i + 1)));
	}
	if (caps.lanes == 0)
		return 0;
	lc_bert_reading r[LC_BERT_LANES_MAX];
	if ((rc = ops->read(inst, lanes, caps.lanes, r, diag)) < 0)
		return rc;
	for (unsigned i = 0; i < caps.lanes; i++)
		json_array_append_new(readings,
				      json_pack("{s:i, s:b, s:b, s:I, s:I, s:o}", "lane", (int)(i + 1), "sync",
						r[i].sync, "has_result", r[i].has_result, "bits", (json_int_t)r[i].bits,
						"errors", (json_int_t)r[i].errors, "ber",
						isfinite(r[i].ber) ? json_real(r[i].ber) : json_null()));
	return 0;
}
