/*
 * libFuzzer target: module decoders on random pages, and the dump parser.
 * First byte even: a binary image — 128 bytes of lower page, then records of [page id][128 bytes] (bank 0);
 * first byte odd: the rest is dump text. Every input either decodes, or fails with LC_ERR_FORMAT,
 * LC_ERR_TRUNCATED or LC_ERR_UNSUPPORTED (decoders) and a non-empty detail; a dump that parses prints back
 * to text that parses to the same image. Decoded modules go through JSON and the compatibility check. A page
 * 13h goes through the diagnostics advertisement decoder, a page 14h's BER fields through the 16-bit BER
 * format (every value finite, never negative, at most 2047e7).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/module_image.h"
#include "instruments/module/module_diag.h"
#include "instruments/module/module_info.h"
#include "procedures/compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diag(const lc_module_image *img)
{
	const uint8_t *p13 = lc_module_image_page(img, 0, 0x13), *p14 = lc_module_image_page(img, 0, 0x14);
	lc_diag d;
	if (p13) {
		lc_module_diag_caps c;
		if (lc_module_diag_caps_decode(p13, &c, &d) < 0 || !c.present)
			abort();
		for (int side = 0; side < 2; side++)
			for (int id = -1; id <= LC_PRBS_PATTERNS; id++) {
				bool can = lc_module_diag_can(&c, (enum lc_prbs_side)side, true, id);
				if (can && (id < 0 || id >= LC_PRBS_PATTERNS || !(c.report_caps & 1)))
					abort();
			}
	}
	if (p14)
		for (int k = 0; k < 128; k += 2) {
			double v = lc_module_f16_ber(p14[k], k + 1 < 128 ? p14[k + 1] : 0);
			if (!(v >= 0) || v > 2047e7 || !isfinite(v)) /* mantissa < 2048, exponent - 24 <= 7 */
				abort();
		}
}

static void check_decode(const lc_module_image *img)
{
	check_diag(img);
	lc_module_info m;
	lc_diag d;
	lc_diag_clear(&d);
	int rc = lc_module_decode(img, &m, &d);
	if (rc < 0) {
		if ((rc != LC_ERR_FORMAT && rc != LC_ERR_TRUNCATED && rc != LC_ERR_UNSUPPORTED) || !d.text[0])
			abort();
		return;
	}
	if (m.n_lanes > LC_MODULE_LANES_MAX || m.n_apps > LC_MODULE_APPS_MAX)
		abort();
	char *s = NULL;
	if (lc_module_info_json(&m, &s, &d) < 0 || !s)
		abort();
	free(s);
	lc_compat_result r;
	if (lc_compat_check(&m, &m, NULL, NULL, &r, &d) < 0)
		abort();
	if (lc_compat_json(&r, &s, &d) < 0 || !s)
		abort();
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static lc_module_image img, back;
	lc_diag d;
	if (data[0] % 2 == 0) {
		lc_module_image_init(&img);
		size_t n = size - 1 < 128 ? size - 1 : 128;
		memcpy(img.lower, data + 1, n);
		img.has_lower = size > 1;
		for (size_t off = 129; off + 129 <= size; off += 129)
			if (lc_module_image_put(&img, 0, data[off], data + off + 1, &d) < 0)
				break;
		check_decode(&img);
		return 0;
	}
	int rc = lc_module_dump_parse((const char *)data + 1, size - 1, &img, &d);
	if (rc < 0) {
		if ((rc != LC_ERR_FORMAT && rc != LC_ERR_TRUNCATED) || !d.text[0])
			abort();
		return 0;
	}
	char *text;
	if (lc_module_dump_format(&img, "fuzz", &text, &d) < 0)
		abort();
	if (lc_module_dump_parse(text, strlen(text), &back, &d) < 0 || memcmp(img.lower, back.lower, 128) ||
	    img.n_pages != back.n_pages)
		abort();
	for (size_t i = 0; i < img.n_pages; i++) {
		const uint8_t *p = lc_module_image_page(&back, img.pages[i].bank, img.pages[i].page);
		if (!p || memcmp(p, img.pages[i].data, 128))
			abort();
	}
	free(text);
	check_decode(&img);
	return 0;
}
