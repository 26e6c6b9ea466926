/* libFuzzer target: the pure SCPI reply parsers. The first byte picks the framer's settings (terminator,
 * end-marking transport, limit, chunk size); the rest is fed to the framer in chunks, and every complete
 * reply goes through the block, number, list, string and error-entry parsers. Checks invariants: the framer
 * never consumes more than it was given, stores at most its limit (a text reply at most its line limit), and
 * a definite block's data has the announced length; text the ASCII check accepts is printable ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/scpi_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_all(const uint8_t *p, size_t len)
{
	double dv, *vals = NULL;
	long long iv;
	bool bv;
	size_t n, off, dl;
	char str[64];
	lc_scpi_error err;
	lc_diag d;

	lc_scpi_parse_double((const char *)p, len, &dv, &d);
	lc_scpi_parse_int((const char *)p, len, &iv, &d);
	lc_scpi_parse_bool((const char *)p, len, &bv, &d);
	lc_scpi_parse_string((const char *)p, len, str, sizeof(str), &d);
	if (lc_scpi_parse_doubles((const char *)p, len, &vals, &n, &d) >= 0)
		free(vals);
	lc_scpi_parse_error((const char *)p, len, &err, &d);
	if (lc_scpi_check_text((const char *)p, len, &d) == 0)
		for (size_t i = 0; i < len; i++)
			if ((p[i] < 0x20 && p[i] != '\t') || p[i] > 0x7e)
				abort();
	if (lc_scpi_parse_block(p, len, &off, &dl, &d) == 0) {
		if (off + dl != len)
			abort();
		for (int t = LC_BLOCK_U8; t <= LC_BLOCK_F64; t++) {
			if (lc_scpi_block_decode(p + off, dl, (enum lc_block_type)t, (enum lc_byte_order)(t & 1), &vals, &n,
						 &d) >= 0) {
				if (n * lc_scpi_block_type_size((enum lc_block_type)t) != dl)
					abort();
				free(vals);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t cfg = data[0];
	const uint8_t *in = data + 1;
	size_t len = size - 1;
	bool eom = cfg & 1;
	uint8_t term = (cfg & 2) ? '\n' : (eom && (cfg & 4) ? '\0' : '\r');
	size_t max = (cfg & 8) ? 16 : 4096;
	size_t chunk = 1 + ((cfg >> 4) & 7) * 5;
	lc_scpi_framer f;
	lc_scpi_buf out = {0};
	lc_diag d;
	size_t pos = 0;

	/* a text reply's own, smaller limit on some inputs (a block keeps max) */
	size_t line_max = (cfg & 0x10) ? 8 : max;
	lc_scpi_framer_init(&f, term, eom, max);
	f.line_max = line_max;
	while (pos < len) {
		size_t k = len - pos < chunk ? len - pos : chunk;
		size_t used = 0;
		bool end = eom && (cfg & 0x80) && pos + k == len;
		int r = lc_scpi_framer_feed(&f, in + pos, k, end, &out, &used, &d);
		if (used > k || out.len > max + 1 || (!f.is_block && out.len > line_max + 1))
			abort();
		pos += used;
		if (r == 0 && used != k)
			abort();
		if (r == 1) {
			if (f.is_block && !f.indefinite && !f.data_only && out.len >= f.data_off &&
			    out.len - f.data_off != f.block_len)
				abort();
			parse_all(out.p, out.len);
		}
		if (r != 0) {
			lc_scpi_framer_init(&f, term, eom, max);
			f.line_max = line_max;
			out.len = 0;
		}
	}
	lc_scpi_buf_free(&out);
	return 0;
}
