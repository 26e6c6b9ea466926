/*
 * One lane's BER counters as a BERT reports them: plain data shared by the BERT class interface (bert.h),
 * which fills it, and the sequential BER step (ber_sequential.h), which judges it. Counters are cumulative
 * since the measurement was started.
 *
 * Thread safety: plain data.
 */
#ifndef LC_BERT_READING_H
#define LC_BERT_READING_H

#include <stdbool.h>
#include <stdint.h>

typedef struct lc_bert_reading {
	bool has_result;     /* false while the instrument has no result yet ("-------" before the first gate) */
	bool sync;           /* the error detector is synchronized to the pattern now */
	bool sync_loss_seen; /* the instrument recorded a pattern-sync loss since the start (even if regained) */
	bool overflow;       /* the instrument flagged a counter overflow, or a count was beyond 2^64 */
	uint64_t bits;       /* compared bits since the start */
	uint64_t errors;     /* errored bits since the start */
	double ber;          /* the instrument's own ratio; NAN when it shows none */
	double elapsed_s;    /* instrument measurement time since the start; NAN if the model cannot tell */
} lc_bert_reading;

#endif
