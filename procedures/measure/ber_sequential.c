/* The sequential BER step's decision logic (pure: no instrument, no clock). */
#include "procedures/measure/ber_sequential.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "instruments/bert/ber_math.h"

/* Counts may run ahead of line rate x elapsed time by the instrument's own rounding of the elapsed time
 * (Anritsu reports whole seconds): one gate plus 1 % is allowed before the counts are called implausible. */
#define RATE_SLACK 1.01

void lc_ber_seq_config_init(lc_ber_seq_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->target = 1e-12;
	cfg->cl = 0.95;
	cfg->max_time_s = 60.0;
	cfg->gate_s = 1.0;
	cfg->stale_polls = 3;
}

int lc_ber_seq_config_check(const lc_ber_seq_config *cfg, lc_diag *diag)
{
	if (!cfg)
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: no configuration");
	if (!(cfg->target > 0.0 && cfg->target < 1.0))
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: target %g is not inside (0, 1)", cfg->target);
	if (!(cfg->cl > 0.0 && cfg->cl < 1.0))
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: confidence %g is not inside (0, 1)", cfg->cl);
	if (!(cfg->max_time_s > 0.0) || !isfinite(cfg->max_time_s))
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: maximum time %g s is not positive", cfg->max_time_s);
	if (!(cfg->gate_s > 0.0) || !isfinite(cfg->gate_s))
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: gate period %g s is not positive", cfg->gate_s);
	if (!(cfg->bit_rate >= 0.0) || !isfinite(cfg->bit_rate))
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: bit rate %g is negative", cfg->bit_rate);
	if (!(cfg->sync_timeout_s >= 0.0) || !isfinite(cfg->sync_timeout_s))
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: sync timeout %g s is negative", cfg->sync_timeout_s);
	return 0;
}

void lc_ber_lane_init(lc_ber_lane *lane)
{
	memset(lane, 0, sizeof *lane);
	lane->verdict = LC_VERDICT_NONE;
	lane->estimate = lane->lower = lane->upper = NAN;
	lane->decision_s = NAN;
	lane->last_s = 0.0;
}

__attribute__((format(printf, 5, 6))) static int decide(lc_ber_lane *lane, enum lc_verdict v,
							 enum lc_ber_reason reason, double t_s, const char *fmt, ...)
{
	lane->verdict = v;
	lane->reason = reason;
	lane->decision_s = t_s;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lane->detail, sizeof lane->detail, fmt, ap);
	va_end(ap);
	return 1;
}

void lc_ber_seq_set_error(lc_ber_lane *lane, enum lc_ber_reason reason, double t_s, const char *detail)
{
	if (lane->verdict != LC_VERDICT_NONE)
		return;
	decide(lane, reason == LC_BER_REASON_ABORTED ? LC_VERDICT_ABORTED : LC_VERDICT_ERROR, reason, t_s, "%s",
	       detail ? detail : lc_ber_reason_name(reason));
}

/* An undecided lane without usable data: wait, or end it inconclusive once its time is up. */
static int wait_or_give_up(const lc_ber_seq_config *cfg, lc_ber_lane *lane, double t_s, double limit_s,
			   enum lc_ber_reason reason, const char *what)
{
	if (t_s + 1e-9 < limit_s)
		return 0;
	return decide(lane, LC_VERDICT_INCONCLUSIVE, reason, t_s, "%s after %.1f s", what, t_s);
}

static int check_counts(const lc_ber_seq_config *cfg, lc_ber_lane *lane, const lc_bert_reading *r, double t_s)
{
	if (lane->seen_result && (r->bits < lane->bits || r->errors < lane->errors))
		return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_COUNTER_WRAP, t_s,
			      "counters went backwards (bits %llu -> %llu, errors %llu -> %llu): wrap or reset",
			      (unsigned long long)lane->bits, (unsigned long long)r->bits,
			      (unsigned long long)lane->errors, (unsigned long long)r->errors);
	if (r->errors > r->bits)
		return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_IMPLAUSIBLE, t_s,
			      "%llu errors in %llu bits: more errors than bits", (unsigned long long)r->errors,
			      (unsigned long long)r->bits);
	if (cfg->bit_rate > 0.0 && (double)r->bits > cfg->bit_rate * (t_s + cfg->gate_s) * RATE_SLACK)
		return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_IMPLAUSIBLE, t_s,
			      "%llu bits after %.1f s exceed the line rate %g b/s", (unsigned long long)r->bits, t_s,
			      cfg->bit_rate);
	/* Judged in instrument time: bits that stand still while the instrument's clock runs on are a dead
	 * channel; bits that stand still because the poll came before the next update are not. */
	double limit = (cfg->stale_polls ? cfg->stale_polls : 3) * cfg->gate_s;
	if (lane->seen_result && r->bits == lane->bits) {
		if (t_s - lane->changed_s + 1e-9 >= limit)
			return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_STALE, t_s,
				      "channel stopped updating: %llu bits unchanged for %.1f s",
				      (unsigned long long)r->bits, t_s - lane->changed_s);
	} else {
		lane->changed_s = t_s;
	}
	return 0;
}

int lc_ber_seq_update(const lc_ber_seq_config *cfg, lc_ber_lane *lane, const lc_bert_reading *r, double t_s,
		      lc_diag *diag)
{
	int rc = lc_ber_seq_config_check(cfg, diag);
	if (rc < 0)
		return rc;
	if (!lane || !r)
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: no lane or reading");
	if (!isfinite(t_s) || t_s < 0.0)
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: instrument time %g s is not a valid time", t_s);
	if (lane->verdict != LC_VERDICT_NONE)
		return 1;
	if (t_s + 1e-9 < lane->last_s)
		return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_COUNTER_WRAP, t_s,
			      "instrument time went backwards (%.3f s -> %.3f s): measurement restarted",
			      lane->last_s, t_s);
	lane->last_s = t_s;
	if (r->overflow)
		return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_OVERFLOW, t_s,
			      "the instrument reports a counter overflow at %.1f s", t_s);
	/* Sync first: while the detector is not synchronized its counters are not a BER of the lane. A loss
	 * after sync is final (errors during the loss were not counted) and can never become a pass. */
	if (!r->sync || r->sync_loss_seen) {
		if (lane->seen_sync || r->sync_loss_seen)
			return decide(lane, LC_VERDICT_INCONCLUSIVE, LC_BER_REASON_SYNC_LOST, t_s,
				      "pattern sync lost at %.1f s", t_s);
		double limit = cfg->sync_timeout_s > 0.0 ? cfg->sync_timeout_s : 3.0 * cfg->gate_s;
		if (limit > cfg->max_time_s)
			limit = cfg->max_time_s;
		return wait_or_give_up(cfg, lane, t_s, limit, LC_BER_REASON_NO_SYNC, "no pattern sync");
	}
	lane->seen_sync = true;
	if (!r->has_result) {
		if (lane->seen_result)
			return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_RESULT_VANISHED, t_s,
				      "the instrument reported no result at %.1f s after reporting counts", t_s);
		return wait_or_give_up(cfg, lane, t_s, cfg->max_time_s, LC_BER_REASON_NO_RESULT,
				       "no result from the instrument");
	}
	if (check_counts(cfg, lane, r, t_s))
		return 1;
	lane->seen_result = true;
	lane->bits = r->bits;
	lane->errors = r->errors;
	if (r->bits > 0) {
		lc_ber_interval iv;
		if ((rc = lc_ber_bounds(r->errors, (double)r->bits, cfg->cl, LC_BER_ONE_SIDED, &iv, diag)) < 0)
			return decide(lane, LC_VERDICT_ERROR, LC_BER_REASON_IMPLAUSIBLE, t_s, "%s",
				      lc_diag_message(diag));
		lane->estimate = iv.estimate;
		lane->lower = iv.lower;
		lane->upper = iv.upper;
		if (iv.upper < cfg->target)
			return decide(lane, LC_VERDICT_PASS, LC_BER_REASON_PROVEN_BELOW, t_s,
				      "BER < %.3g at %g %%: upper bound %.3g after %llu bits, %llu errors", cfg->target,
				      cfg->cl * 100.0, iv.upper, (unsigned long long)r->bits,
				      (unsigned long long)r->errors);
		if (iv.lower > cfg->target)
			return decide(lane, LC_VERDICT_FAIL, LC_BER_REASON_PROVEN_ABOVE, t_s,
				      "BER > %.3g at %g %%: lower bound %.3g after %llu bits, %llu errors", cfg->target,
				      cfg->cl * 100.0, iv.lower, (unsigned long long)r->bits,
				      (unsigned long long)r->errors);
	}
	return wait_or_give_up(cfg, lane, t_s, cfg->max_time_s, LC_BER_REASON_MAX_TIME,
			       "neither bound crossed the target");
}

const char *lc_ber_reason_name(enum lc_ber_reason r)
{
	switch (r) {
	case LC_BER_REASON_NONE: return "not decided";
	case LC_BER_REASON_PROVEN_BELOW: return "proven below target";
	case LC_BER_REASON_PROVEN_ABOVE: return "proven above target";
	case LC_BER_REASON_MAX_TIME: return "maximum time reached";
	case LC_BER_REASON_NO_SYNC: return "no pattern sync";
	case LC_BER_REASON_SYNC_LOST: return "pattern sync lost";
	case LC_BER_REASON_NO_RESULT: return "no result";
	case LC_BER_REASON_RESULT_VANISHED: return "result vanished";
	case LC_BER_REASON_COUNTER_WRAP: return "counter wrap";
	case LC_BER_REASON_OVERFLOW: return "counter overflow";
	case LC_BER_REASON_IMPLAUSIBLE: return "implausible counts";
	case LC_BER_REASON_STALE: return "channel stopped updating";
	case LC_BER_REASON_INSTRUMENT: return "instrument error";
	case LC_BER_REASON_IO: return "instrument I/O failure";
	case LC_BER_REASON_ABORTED: return "aborted by the operator";
	}
	return "unknown";
}
