/* The sequential BER step's I/O loop around the pure decision logic of ber_sequential.c. */
#include <math.h>
#include <stdio.h>

#include "base/abort.h"
#include "base/clock.h"
#include "procedures/measure/ber_sequential.h"
#include "instruments/bert/bert.h"

/* Interruptible: the loop looks at the abort right after (base/abort.h). */
static void default_sleep(void *user, int64_t ms)
{
	(void)user;
	lc_wait_ms(ms);
}

static void fail_undecided(lc_ber_lane *out, size_t n, enum lc_ber_reason reason, const char *detail)
{
	for (size_t i = 0; i < n; i++)
		lc_ber_seq_set_error(&out[i], reason, out[i].last_s, detail);
}

static int poll_loop(lc_instrument *bert, const lc_ber_seq_config *cfg, const lc_ber_seq_io *io,
		     const unsigned *lanes, size_t n, lc_ber_lane *out, lc_diag *diag)
{
	int poll_ms = io && io->poll_ms > 0 ? io->poll_ms : (int)ceil(cfg->gate_s * 1000.0);
	int64_t wall_ms = io && io->wall_timeout_ms > 0 ? io->wall_timeout_ms
						       : (int64_t)(2.0 * cfg->max_time_s * 1000.0) + 30000;
	void (*sleep_fn)(void *, int64_t) = io && io->sleep_ms ? io->sleep_ms : default_sleep;
	void *user = io ? io->user : NULL;
	int64_t t0 = lc_now_ms();
	for (;;) {
		unsigned pending[LC_BERT_LANES_MAX];
		size_t idx[LC_BERT_LANES_MAX], np = 0;
		for (size_t i = 0; i < n; i++)
			if (out[i].verdict == LC_VERDICT_NONE) {
				pending[np] = lanes[i];
				idx[np++] = i;
			}
		if (np == 0)
			return 0;
		if (lc_now_ms() - t0 > wall_ms) {
			char d[96];
			snprintf(d, sizeof d, "instrument time did not reach %.1f s within %lld ms of wall time",
				 cfg->max_time_s, (long long)wall_ms);
			fail_undecided(out, n, LC_BER_REASON_STALE, d);
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "BER step: %s", d);
		}
		sleep_fn(user, poll_ms);
		if (lc_abort_requested()) {
			fail_undecided(out, n, LC_BER_REASON_ABORTED, "aborted by the operator");
			return lc_diag_set(diag, LC_ERR_ABORTED, "BER step aborted by the operator");
		}
		lc_bert_reading r[LC_BERT_LANES_MAX];
		int rc = lc_bert_read(bert, pending, np, r, diag);
		if (rc < 0) { /* the read itself finds an error-queue entry too (driver_util.c checks after each query) */
			fail_undecided(out, n, rc == LC_ERR_INSTRUMENT ? LC_BER_REASON_INSTRUMENT : LC_BER_REASON_IO,
				       lc_diag_message(diag));
			return rc;
		}
		/* An error-queue entry means some setting or reading was refused: nothing measured since can be
		 * trusted, so every undecided lane ends in error (decided lanes keep their earlier verdict). */
		if ((rc = lc_bert_check_errors(bert, diag)) < 0) {
			fail_undecided(out, n, LC_BER_REASON_INSTRUMENT, lc_diag_message(diag));
			return rc;
		}
		double wall_s = (double)(lc_now_ms() - t0) / 1000.0;
		for (size_t k = 0; k < np; k++) {
			double t = isfinite(r[k].elapsed_s) ? r[k].elapsed_s : wall_s;
			if ((rc = lc_ber_seq_update(cfg, &out[idx[k]], &r[k], t, diag)) < 0) {
				/* only a time the instrument made up (negative, NaN) gets here: cfg was checked */
				fail_undecided(out, n, LC_BER_REASON_IMPLAUSIBLE, lc_diag_message(diag));
				return rc;
			}
		}
		if (io && io->progress) {
			size_t decided = 0;
			double t_max = 0;
			for (size_t i = 0; i < n; i++) {
				decided += out[i].verdict != LC_VERDICT_NONE;
				if (out[i].last_s > t_max)
					t_max = out[i].last_s;
			}
			io->progress(user, decided, n, t_max);
		}
	}
}

int lc_ber_seq_run(lc_instrument *bert, const lc_ber_seq_config *cfg, const lc_ber_seq_io *io,
		   const unsigned *lanes, size_t n, lc_ber_lane *out, lc_diag *diag)
{
	int rc = lc_ber_seq_config_check(cfg, diag);
	if (rc < 0)
		return rc;
	if (!lanes || !out || n == 0 || n > LC_BERT_LANES_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "BER step: %zu lanes (1..%d, with lane and result arrays)", n,
				   LC_BERT_LANES_MAX);
	for (size_t i = 0; i < n; i++)
		lc_ber_lane_init(&out[i]);
	if ((rc = lc_bert_start(bert, diag)) < 0) {
		fail_undecided(out, n, LC_BER_REASON_IO, lc_diag_message(diag));
		lc_bert_stop(bert, NULL);
		return rc;
	}
	rc = poll_loop(bert, cfg, io, lanes, n, out, diag);
	/* Stop gating whatever happened; its failure only matters if everything else went well. */
	lc_diag sd;
	int src = lc_bert_stop(bert, &sd);
	if (rc == 0 && src < 0) {
		if (diag)
			*diag = sd;
		return src;
	}
	return rc;
}
