/* libFuzzer target for the SOR reader: any input either parses or is refused with a detail; what parses
 * must write back and read again with the same trace, and the analysis must run on it without findings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_analysis.h"
#include "formats/sor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lc_sor *s = NULL;
	lc_diag d;
	int rc = lc_sor_read(data, size, &s, &d);
	if (rc < 0) {
		if (s != NULL || d.text[0] == '\0' || (rc != LC_ERR_FORMAT && rc != LC_ERR_TRUNCATED && rc != LC_ERR_NOMEM))
			abort(); /* a refusal always says why, with the codes of sor.h */
		return 0;
	}
	uint8_t *out = NULL;
	size_t len = 0;
	if (lc_sor_write(s, &out, &len, &d) == 0) {
		lc_sor *b = NULL;
		if (lc_sor_read(out, len, &b, &d) != 0)
			abort(); /* the writer produced a file its own reader refuses */
		if (lc_sor_trace_length(b) != lc_sor_trace_length(s) || b->n_events != s->n_events || b->n_raw != s->n_raw ||
		    b->cksum != LC_SOR_CKSUM_VALID)
			abort();
		lc_sor_free(b);
		free(out);
	}
	/* keep each run short: the analysis is linear, but a 2 MB trace per input would slow the fuzzer */
	if (lc_sor_trace_length(s) <= 20000) {
		lc_otdr_analysis *a = NULL;
		if (lc_otdr_analyze_sor(s, NULL, &a, &d) == 0) {
			lc_otdr_agreement g;
			lc_otdr_compare_sor(s, a, &g);
			lc_otdr_analysis_free(a);
		}
	}
	(void)lc_sor_trace_origin_m(s);
	(void)lc_sor_averaging_time_s(s);
	lc_sor_free(s);
	return 0;
}
