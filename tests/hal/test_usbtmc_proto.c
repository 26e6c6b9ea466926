/* USBTMC headers, capability replies, bTag sequences and the quirks table, byte by byte. */
#include <criterion/criterion.h>
#include <string.h>

#include "hal/usbtmc_proto.h"

Test(usbtmc_proto, out_header_bytes)
{
	uint8_t h[12];
	lc_usbtmc_build_out(h, 7, 0x01020304, true);
	const uint8_t want[12] = {1, 7, 0xF8, 0, 0x04, 0x03, 0x02, 0x01, 0x01, 0, 0, 0};
	cr_assert_arr_eq(h, want, 12);
	lc_usbtmc_build_out(h, 255, 5, false);
	cr_assert_eq(h[2], 0x00);
	cr_assert_eq(h[8], 0);
}

Test(usbtmc_proto, request_header_bytes)
{
	uint8_t h[12];
	lc_usbtmc_build_request_in(h, 2, 1u << 20, -1);
	const uint8_t want[12] = {2, 2, 0xFD, 0, 0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0};
	cr_assert_arr_eq(h, want, 12);
	lc_usbtmc_build_request_in(h, 2, 64, '\n');
	cr_assert_eq(h[8], LC_USBTMC_ATTR_TERMCHAR);
	cr_assert_eq(h[9], '\n');
}

Test(usbtmc_proto, padding)
{
	cr_assert_eq(lc_usbtmc_padded_size(0), 12);
	cr_assert_eq(lc_usbtmc_padded_size(1), 16);
	cr_assert_eq(lc_usbtmc_padded_size(4), 16);
	cr_assert_eq(lc_usbtmc_padded_size(5), 20);
}

Test(usbtmc_proto, tags_skip_zero)
{
	cr_assert_eq(lc_usbtmc_next_tag(0), 1);
	cr_assert_eq(lc_usbtmc_next_tag(254), 255);
	cr_assert_eq(lc_usbtmc_next_tag(255), 1);
	cr_assert_eq(lc_usbtmc_next_stb_tag(0), 2);
	cr_assert_eq(lc_usbtmc_next_stb_tag(126), 127);
	cr_assert_eq(lc_usbtmc_next_stb_tag(127), 2);
}

static const uint8_t good[12] = {2, 9, 0xF6, 0, 5, 0, 0, 0, 1, 0, 0, 0};

Test(usbtmc_proto, parse_good_header)
{
	lc_usbtmc_in_header h;
	cr_assert_eq(lc_usbtmc_parse_in(good, 12, 9, 100, &h, NULL), 0);
	cr_assert_eq(h.tag, 9);
	cr_assert_eq(h.size, 5);
	cr_assert(h.eom);
	cr_assert_not(h.term_char);
}

static void bad(const uint8_t *b, size_t len, uint8_t tag, uint32_t max, const char *needle)
{
	lc_usbtmc_in_header h;
	lc_diag d;
	cr_assert_eq(lc_usbtmc_parse_in(b, len, tag, max, &h, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, needle) != NULL, "'%s' lacks '%s'", d.text, needle);
}

Test(usbtmc_proto, parse_errors)
{
	uint8_t b[12];
	bad(good, 11, 9, 100, "11 bytes");
	bad(good, 12, 10, 100, "bTag 9 answers another request");
	bad(good, 12, 9, 4, "TransferSize 5 exceeds the 4 bytes");
	memcpy(b, good, 12);
	b[0] = 1;
	bad(b, 12, 9, 100, "MsgID 1");
	memcpy(b, good, 12);
	b[2] = 0;
	bad(b, 12, 9, 100, "bTagInverse");
	lc_usbtmc_in_header h;
	memcpy(b, good, 12);
	b[3] = 1;
	b[10] = 0x55;
	cr_assert_eq(lc_usbtmc_parse_in(b, 12, 9, 100, &h, NULL), 0, "reserved bytes are ignored");
}

Test(usbtmc_proto, capabilities)
{
	uint8_t c[24] = {1, 0, 0x00, 0x01, 0x04, 0x01, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x07, 0x0F};
	lc_usbtmc_caps caps;
	lc_diag d;
	cr_assert_eq(lc_usbtmc_parse_caps(c, 24, &caps, &d), 0);
	cr_assert_eq(caps.bcd_usbtmc, 0x0100);
	cr_assert_eq(caps.intf, 0x04);
	cr_assert_eq(caps.dev, 0x01);
	cr_assert_eq(caps.bcd_usb488, 0x0100);
	cr_assert_eq(caps.usb488_intf, 0x07);
	cr_assert_eq(caps.usb488_dev, 0x0F);
	cr_assert_eq(lc_usbtmc_parse_caps(c, 23, &caps, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "23 bytes") != NULL, "%s", d.text);
	c[0] = LC_USBTMC_STATUS_FAILED;
	cr_assert_eq(lc_usbtmc_parse_caps(c, 24, &caps, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "FAILED") != NULL, "%s", d.text);
}

Test(usbtmc_proto, quirks_table)
{
	const char *model = NULL;
	cr_assert_eq(lc_usbtmc_quirks(0x1AB1, 0x04CE, &model), LC_USBTMC_Q_EMPTY_FIRST_IN);
	cr_assert_str_eq(model, "Rigol DS1000Z");
	cr_assert_eq(lc_usbtmc_quirks(0x1313, 0x8078, &model), 0);
	cr_assert_null(model);
	size_t n;
	cr_assert_not_null(lc_usbtmc_quirk_table(&n));
	cr_assert_geq(n, 1);
}

Test(usbtmc_proto, quirk_specs)
{
	unsigned f;
	lc_diag d;
	cr_assert_eq(lc_usbtmc_quirks_parse("1ab1:04ce=empty-first-in,0957:1755=reset-on-open+empty-first-in", 0x0957,
					    0x1755, &f, &d), 0);
	cr_assert_eq(f, LC_USBTMC_Q_EMPTY_FIRST_IN | LC_USBTMC_Q_RESET_ON_OPEN);
	cr_assert_eq(lc_usbtmc_quirks_parse("1ab1:04ce=empty-first-in", 0x0957, 0x1755, &f, &d), 0);
	cr_assert_eq(f, 0);
	cr_assert_eq(lc_usbtmc_quirks_parse(NULL, 1, 2, &f, &d), 0);
	cr_assert_eq(lc_usbtmc_quirks_parse("1ab1:04ce=slow", 1, 2, &f, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "unknown quirk 'slow'") != NULL, "%s", d.text);
	cr_assert_eq(lc_usbtmc_quirks_parse("1ab1-04ce=reset-on-open", 1, 2, &f, &d), LC_ERR_ARG);
	cr_assert_eq(lc_usbtmc_quirks_parse("xyz:04ce=reset-on-open", 1, 2, &f, &d), LC_ERR_ARG);
	cr_assert_eq(lc_usbtmc_quirks_parse("10000:04ce=reset-on-open", 1, 2, &f, &d), LC_ERR_ARG);
	cr_assert_eq(lc_usbtmc_quirks_parse("1ab1:04ce=", 1, 2, &f, &d), LC_ERR_ARG);
	cr_assert_eq(lc_usbtmc_quirks_parse(",", 1, 2, &f, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "empty entry") != NULL, "%s", d.text);
}
