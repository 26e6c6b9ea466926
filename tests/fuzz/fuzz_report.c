/* libFuzzer target for the parsers of reports/: the report JSON reader (with a canonical round-trip check),
 * minisign public keys, secret keys (unencrypted path only: scrypt would make every input slow) and
 * signatures, and signature verification. The first byte chooses the parser; the rest is its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_html.h"
#include "reports/report_json.h"
#include "reports/sign.h"

static void json_round_trip(const char *in, size_t len)
{
	lc_result *r = NULL, *r2 = NULL;
	if (lc_report_json_read(in, len, &r, NULL) < 0)
		return;
	char *j2 = NULL, *j3 = NULL;
	size_t l2 = 0, l3 = 0;
	/* Whatever was accepted must serialize, read back, and serialize to the same bytes again. */
	if (lc_report_json(r, &j2, &l2, NULL) < 0)
		abort();
	if (lc_report_json_read(j2, l2, &r2, NULL) < 0)
		abort();
	if (lc_report_json(r2, &j3, &l3, NULL) < 0 || l2 != l3 || memcmp(j2, j3, l2) != 0)
		abort();
	/* The renderer must take anything the reader accepts (plots off: no processes in a fuzzer). */
	lc_html_options ho = {.gnuplot = ""};
	char *html = NULL;
	if (lc_report_html(j2, l2, &ho, &html, NULL, NULL, NULL) < 0)
		abort();
	free(html);
	free(j2), free(j3);
	lc_result_free(r), lc_result_free(r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	switch (data[0] % 5) {
	case 0:
		json_round_trip(in, len);
		break;
	case 1: {
		lc_pubkey pub;
		lc_pubkey_parse(in, len, &pub, NULL);
		break;
	}
	case 2: {
		lc_sign_key *k = NULL;
		if (lc_sign_key_parse(in, len, NULL, &k, NULL) == 0)
			lc_sign_key_free(k);
		lc_sign_key_is_encrypted(in, len, NULL);
		break;
	}
	case 3: {
		static lc_signature sig;
		lc_signature_parse(in, len, &sig, NULL);
		break;
	}
	case 4: {
		/* A signature over a fixed message with a fixed (all-zero keynum) public key: exercises the
		 * verification paths after parsing. */
		static const lc_pubkey pub = {{0}, {0}};
		lc_verify_buffer(&pub, "report", 6, in, len, NULL, NULL);
		break;
	}
	}
	return 0;
}
