/* Lane mapping on a BERT: one round per PPG lane (lane_map.h), then the pure inference. */
#include <string.h>

#include "base/abort.h"
#include "base/clock.h"
#include "instruments/bert/lane_map.h"

/* Reads of the EDs while a round waits for sync: often enough that a round ends a few ms after its ED has
 * synchronized, rarely enough not to load the instrument. */
#define SYNC_POLL_MS 10

void lc_lane_map_config_init(lc_lane_map_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->method = LC_LANE_MAP_BY_PATTERN;
	cfg->marker = LC_BERT_PRBS31;
	cfg->other = LC_BERT_PRBS23;
	cfg->settle_ms = 500;
}

static int round_setup(lc_instrument *inst, const lc_lane_map_config *cfg, unsigned n, unsigned marked,
		       lc_diag *diag)
{
	int rc = 0;
	for (unsigned l = 1; l <= n && rc >= 0; l++) {
		if (cfg->method == LC_LANE_MAP_BY_PATTERN)
			rc = lc_bert_set_pattern(inst, LC_BERT_PPG, l, l == marked ? cfg->marker : cfg->other, false,
						 diag);
		else
			rc = lc_bert_set_output(inst, l, l == marked, diag);
	}
	return rc;
}

static int rounds(lc_instrument *inst, const lc_lane_map_config *cfg, unsigned n, lc_lane_obs *obs,
		  lc_diag *diag)
{
	int rc;
	if ((rc = lc_bert_set_pattern(inst, LC_BERT_ED, 0, cfg->marker, false, diag)) < 0)
		return rc;
	if (cfg->method == LC_LANE_MAP_BY_ENABLE)
		rc = lc_bert_set_pattern(inst, LC_BERT_PPG, 0, cfg->marker, false, diag);
	else
		rc = lc_bert_set_output(inst, 0, true, diag);
	if (rc < 0)
		return rc;
	unsigned lanes[LC_BERT_LANES_MAX];
	for (unsigned l = 0; l < n; l++)
		lanes[l] = l + 1;
	for (unsigned i = 0; i < n; i++) {
		lc_bert_reading r[LC_BERT_LANES_MAX];
		if ((rc = round_setup(inst, cfg, n, i + 1, diag)) < 0 || (rc = lc_bert_start(inst, diag)) < 0)
			return rc;
		/* settle_ms bounds the wait for sync, it is not a fixed sleep: the marked PPG lane reaches one ED
		 * lane of a point-to-point link, so the round ends as soon as exactly one ED reports sync (at once
		 * on an instrument that syncs at once). None or several: the EDs get the whole settle_ms, and what
		 * they report then is the round's observation (a dark lane, a short). */
		int64_t t0 = lc_now_ms();
		for (;;) {
			rc = lc_bert_read(inst, lanes, n, r, diag);
			if (rc < 0)
				break;
			unsigned synced = 0;
			for (unsigned j = 0; j < n; j++)
				synced += r[j].sync && !r[j].sync_loss_seen;
			int64_t left = cfg->settle_ms - (lc_now_ms() - t0);
			if (synced == 1 || left <= 0)
				break;
			int64_t step = left < SYNC_POLL_MS ? left : SYNC_POLL_MS;
			if (cfg->sleep_ms)
				cfg->sleep_ms(cfg->user, step);
			else
				lc_wait_ms(step);
			if (lc_abort_requested()) {
				lc_bert_stop(inst, NULL);
				return lc_diag_set(diag, LC_ERR_ABORTED, "lane map aborted by the operator");
			}
		}
		int src = lc_bert_stop(inst, rc < 0 ? NULL : diag);
		if (rc < 0 || (rc = src) < 0 || (rc = lc_bert_check_errors(inst, diag)) < 0)
			return rc;
		for (unsigned j = 0; j < n; j++)
			obs->sync[i][j] = r[j].sync && !r[j].sync_loss_seen;
	}
	return 0;
}

int lc_bert_map_lanes(lc_instrument *inst, const lc_lane_map_config *cfg, lc_lane_obs *obs, int *map,
		      lc_diag *diag)
{
	if (!cfg || !obs || !map)
		return lc_diag_set(diag, LC_ERR_ARG, "lane map: no configuration, observations or map");
	if (cfg->method != LC_LANE_MAP_BY_PATTERN && cfg->method != LC_LANE_MAP_BY_ENABLE)
		return lc_diag_set(diag, LC_ERR_ARG, "lane map: method %d is unknown", (int)cfg->method);
	if (cfg->method == LC_LANE_MAP_BY_PATTERN && cfg->marker == cfg->other)
		return lc_diag_set(diag, LC_ERR_ARG, "lane map: marker and other pattern are both %s",
				   lc_bert_pattern_name(cfg->marker));
	lc_bert_caps caps;
	int rc = lc_bert_caps_get(inst, &caps, diag);
	if (rc < 0)
		return rc;
	if (caps.lanes == 0)
		return lc_diag_set(diag, LC_ERR_STATE, "lane map: the BERT has no lane layout");
	if (cfg->method == LC_LANE_MAP_BY_PATTERN && !caps.per_lane_pattern)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "lane map: %s sets one pattern for all lanes; use BY_ENABLE",
				   lc_instrument_driver_name(inst));
	if (cfg->method == LC_LANE_MAP_BY_ENABLE && !caps.per_lane_output)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "lane map: %s cannot switch outputs per lane; use BY_PATTERN",
				   lc_instrument_driver_name(inst));
	memset(obs, 0, sizeof *obs);
	obs->n_ppg = obs->n_ed = caps.lanes;
	lc_instrument_lock(inst);
	rc = rounds(inst, cfg, caps.lanes, obs, diag);
	if (cfg->method == LC_LANE_MAP_BY_ENABLE)
		lc_bert_set_output(inst, 0, false, NULL); /* documented end state, also after a failure */
	lc_instrument_unlock(inst);
	if (rc < 0)
		return rc;
	return lc_lane_map_infer(obs, map, diag);
}
