/* The pure parsers: the reply framer fed in every chunking, numbers, booleans, strings, lists, error-queue
 * entries, block headers and block payloads, with the error each malformed input gets. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hal/scpi_parse.h"

/* Feed msg in chunks of `chunk` bytes; end mark on the last byte when eom. Returns the framer's result and
 * the bytes consumed in *used. */
static int frame(const char *msg, size_t len, size_t chunk, bool eom, size_t max, lc_scpi_buf *out, size_t *used,
		 lc_diag *d)
{
	lc_scpi_framer f;
	lc_scpi_framer_init(&f, '\n', eom, max);
	out->len = 0;
	*used = 0;
	size_t pos = 0;
	while (pos < len) {
		size_t k = len - pos < chunk ? len - pos : chunk;
		size_t c;
		int r = lc_scpi_framer_feed(&f, (const uint8_t *)msg + pos, k, eom && pos + k == len, out, &c, d);
		pos += c;
		*used = pos;
		if (r != 0)
			return r;
		cr_assert_eq(c, k);
	}
	return 0;
}

Test(framer, text_in_every_chunking)
{
	for (size_t chunk = 1; chunk <= 8; chunk++) {
		lc_scpi_buf out = {0};
		size_t used;
		cr_assert_eq(frame("1.5\r\nNEXT", 9, chunk, false, 100, &out, &used, NULL), 1);
		cr_expect_eq(used, 5);
		cr_expect_eq(out.len, 3);
		cr_expect_eq(memcmp(out.p, "1.5", 3), 0);
		lc_scpi_buf_free(&out);
	}
}

Test(framer, empty_reply)
{
	lc_scpi_buf out = {0};
	size_t used;
	cr_expect_eq(frame("\n", 1, 1, false, 100, &out, &used, NULL), 1);
	cr_expect_eq(out.len, 0);
	lc_scpi_buf_free(&out);
}

Test(framer, definite_block_keeps_newlines_and_hashes)
{
	static const char m[] = "#210\n\n##\n\n\n\n\n\n\nX";
	for (size_t chunk = 1; chunk <= 16; chunk++) {
		lc_scpi_buf out = {0};
		size_t used;
		cr_assert_eq(frame(m, sizeof(m) - 1, chunk, false, 100, &out, &used, NULL), 1);
		cr_expect_eq(used, 15);
		size_t off, len;
		cr_assert_eq(lc_scpi_parse_block(out.p, out.len, &off, &len, NULL), 0);
		cr_expect_eq(len, 10);
		cr_expect_eq(memcmp(out.p + off, "\n\n##\n\n\n\n\n\n", 10), 0);
		lc_scpi_buf_free(&out);
	}
}

Test(framer, block_ended_by_end_mark_without_terminator)
{
	lc_scpi_buf out = {0};
	size_t used;
	cr_expect_eq(frame("#13abc", 6, 2, true, 100, &out, &used, NULL), 1);
	lc_scpi_buf_free(&out);
}

Test(framer, end_mark_inside_block_is_truncated)
{
	lc_scpi_buf out = {0};
	size_t used;
	lc_diag d;
	cr_expect_eq(frame("#15abc", 6, 3, true, 100, &out, &used, &d), LC_ERR_TRUNCATED);
	cr_expect(strstr(d.text, "3 of 5") != NULL, "%s", d.text);
	cr_expect_eq(frame("#1", 2, 3, true, 100, &out, &used, &d), LC_ERR_TRUNCATED);
	lc_scpi_buf_free(&out);
}

Test(framer, indefinite_block_with_end_mark_keeps_inner_newline)
{
	lc_scpi_buf out = {0};
	size_t used;
	cr_assert_eq(frame("#0a\nb\n", 6, 4, true, 100, &out, &used, NULL), 1);
	size_t off, len;
	cr_assert_eq(lc_scpi_parse_block(out.p, out.len, &off, &len, NULL), 0);
	cr_expect_eq(len, 3);
	cr_expect_eq(memcmp(out.p + off, "a\nb", 3), 0);
	lc_scpi_buf_free(&out);
}

Test(framer, bad_length_digit_reports_offset)
{
	lc_scpi_buf out = {0};
	size_t used;
	lc_diag d;
	cr_expect_eq(frame("#2a1xx\n", 7, 7, false, 100, &out, &used, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "offset 2") != NULL, "%s", d.text);
	lc_scpi_buf_free(&out);
}

Test(framer, byte_after_block_is_protocol)
{
	lc_scpi_buf out = {0};
	size_t used;
	lc_diag d;
	cr_expect_eq(frame("#12abZ\n", 7, 7, false, 100, &out, &used, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "0x5a") != NULL, "%s", d.text);
	lc_scpi_buf_free(&out);
}

Test(framer, overflow_consumes_whole_reply)
{
	lc_scpi_buf out = {0};
	size_t used;
	cr_expect_eq(frame("0123456789\nrest", 15, 4, false, 5, &out, &used, NULL), LC_ERR_OVERFLOW);
	cr_expect_eq(used, 11);
	cr_expect_eq(frame("#210abcdefghij\nrest", 19, 3, false, 5, &out, &used, NULL), LC_ERR_OVERFLOW);
	cr_expect_eq(used, 15);
	lc_scpi_buf_free(&out);
}

Test(framer, nondecimal_numbers_are_text)
{
	lc_scpi_buf out = {0};
	size_t used;
	cr_expect_eq(frame("#H1F\n", 5, 1, false, 100, &out, &used, NULL), 1);
	cr_expect_eq(out.len, 4);
	cr_expect_eq(memcmp(out.p, "#H1F", 4), 0);
	lc_scpi_buf_free(&out);
}

Test(parse, doubles)
{
	double v;
	cr_expect_eq(lc_scpi_parse_double(" +1.33555600E-006 ", 18, &v, NULL), 0);
	cr_expect_float_eq(v, 1.335556e-6, 1e-15);
	cr_expect_eq(lc_scpi_parse_double("-5", 2, &v, NULL), 0);
	cr_expect_eq(v, -5.0);
	cr_expect_eq(lc_scpi_parse_double(".5", 2, &v, NULL), 0);
	cr_expect_eq(v, 0.5);
	cr_expect_eq(lc_scpi_parse_double("9.91E37", 7, &v, NULL), 0);
	const char *bad[] = {"", "abc", "1.2.3", "1e", "0x10", "inf", "nan", "1,2", "--1", "1 2", "."};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(lc_scpi_parse_double(bad[i], strlen(bad[i]), &v, NULL), LC_ERR_PROTOCOL, "'%s'", bad[i]);
	cr_expect_eq(lc_scpi_parse_double("1e999", 5, &v, NULL), LC_ERR_OVERFLOW);
}

Test(parse, ints)
{
	long long v;
	cr_expect_eq(lc_scpi_parse_int("+42", 3, &v, NULL), 0);
	cr_expect_eq(v, 42);
	cr_expect_eq(lc_scpi_parse_int("-9223372036854775807", 20, &v, NULL), 0);
	cr_expect_eq(v, -9223372036854775807LL);
	cr_expect_eq(lc_scpi_parse_int("12345678901234567890", 20, &v, NULL), LC_ERR_OVERFLOW);
	cr_expect_eq(lc_scpi_parse_int("1.0E+01", 7, &v, NULL), 0);
	cr_expect_eq(v, 10);
	cr_expect_eq(lc_scpi_parse_int("1.5", 3, &v, NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_parse_int("1e30", 4, &v, NULL), LC_ERR_OVERFLOW);
	cr_expect_eq(lc_scpi_parse_int("x", 1, &v, NULL), LC_ERR_PROTOCOL);
}

Test(parse, bools)
{
	bool b;
	const char *t[] = {"1", "+1", "ON", "on"}, *f[] = {"0", "+0", "OFF", "off "};
	for (int i = 0; i < 4; i++) {
		cr_expect_eq(lc_scpi_parse_bool(t[i], strlen(t[i]), &b, NULL), 0);
		cr_expect(b);
		cr_expect_eq(lc_scpi_parse_bool(f[i], strlen(f[i]), &b, NULL), 0);
		cr_expect_not(b);
	}
	cr_expect_eq(lc_scpi_parse_bool("2", 1, &b, NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_parse_bool("TRUE", 4, &b, NULL), LC_ERR_PROTOCOL);
}

Test(parse, strings)
{
	char out[16];
	cr_expect_eq(lc_scpi_parse_string("'a''b'", 6, out, sizeof(out), NULL), 3);
	cr_expect_str_eq(out, "a'b");
	cr_expect_eq(lc_scpi_parse_string(" plain ", 7, out, sizeof(out), NULL), 5);
	cr_expect_str_eq(out, "plain");
	cr_expect_eq(lc_scpi_parse_string("\"open", 5, out, sizeof(out), NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_parse_string("\"a\"b", 4, out, sizeof(out), NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_parse_string("\"0123456789abcdefgh\"", 20, out, sizeof(out), NULL), LC_ERR_OVERFLOW);
}

Test(parse, lists)
{
	double *v;
	size_t n;
	lc_diag d;
	cr_expect_eq(lc_scpi_parse_doubles("1, 2,3e1", 8, &v, &n, NULL), 3);
	cr_expect_eq(v[2], 30.0);
	free(v);
	cr_expect_eq(lc_scpi_parse_doubles("", 0, &v, &n, NULL), 0);
	cr_expect_null(v);
	cr_expect_eq(lc_scpi_parse_doubles("1,,2", 4, &v, &n, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "value 2 at offset 2") != NULL, "%s", d.text);
	cr_expect_eq(lc_scpi_parse_doubles("1,x", 3, &v, &n, NULL), LC_ERR_PROTOCOL);
}

Test(parse, error_entries)
{
	lc_scpi_error e;
	cr_expect_eq(lc_scpi_parse_error("0,\"No error\"", 12, &e, NULL), 0);
	cr_expect_eq(e.code, 0);
	cr_expect_str_eq(e.text, "No error");
	cr_expect_eq(lc_scpi_parse_error("+0, No Error", 12, &e, NULL), 0);
	cr_expect_eq(e.code, 0);
	cr_expect_str_eq(e.text, "No Error");
	cr_expect_eq(lc_scpi_parse_error("-113,\"Undefined header\"", 23, &e, NULL), 0);
	cr_expect_eq(e.code, -113);
	cr_expect_str_eq(e.text, "Undefined header");
	cr_expect_eq(lc_scpi_parse_error("-350,\"Queue overflow;x\"", 23, &e, NULL), 0);
	cr_expect_eq(e.code, -350);
	cr_expect_eq(lc_scpi_parse_error("bogus", 5, &e, NULL), LC_ERR_PROTOCOL);
}

Test(parse, block_headers)
{
	size_t off, len;
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"#3005abcde", 10, &off, &len, NULL), 0);
	cr_expect_eq(off, 5);
	cr_expect_eq(len, 5);
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"#0", 2, &off, &len, NULL), 0);
	cr_expect_eq(len, 0);
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"#15abc", 6, &off, &len, NULL), LC_ERR_TRUNCATED);
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"#12abc", 6, &off, &len, NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"#a", 2, &off, &len, NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"abc", 3, &off, &len, NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"#9123", 5, &off, &len, NULL), LC_ERR_TRUNCATED);
	cr_expect_eq(lc_scpi_parse_block((const uint8_t *)"", 0, &off, &len, NULL), LC_ERR_PROTOCOL);
}

Test(parse, block_payloads)
{
	double *v;
	size_t n;
	const uint8_t f64be[] = {0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18};
	cr_expect_eq(lc_scpi_block_decode(f64be, 8, LC_BLOCK_F64, LC_BIG_ENDIAN, &v, &n, NULL), 1);
	cr_expect_float_eq(v[0], 3.141592653589793, 1e-15);
	free(v);
	const uint8_t i32le[] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x80};
	cr_expect_eq(lc_scpi_block_decode(i32le, 8, LC_BLOCK_I32, LC_LITTLE_ENDIAN, &v, &n, NULL), 2);
	cr_expect_eq(v[0], -1.0);
	cr_expect_eq(v[1], -2147483648.0);
	free(v);
	const uint8_t u16be[] = {0xff, 0xfe, 0x01};
	cr_expect_eq(lc_scpi_block_decode(u16be, 2, LC_BLOCK_U16, LC_BIG_ENDIAN, &v, &n, NULL), 1);
	cr_expect_eq(v[0], 65534.0);
	free(v);
	cr_expect_eq(lc_scpi_block_decode(u16be, 3, LC_BLOCK_U16, LC_BIG_ENDIAN, &v, &n, NULL), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_block_decode(u16be, 3, (enum lc_block_type)99, LC_BIG_ENDIAN, &v, &n, NULL), LC_ERR_ARG);
	cr_expect_eq(lc_scpi_block_decode(u16be, 0, LC_BLOCK_U8, LC_BIG_ENDIAN, &v, &n, NULL), 0);
}

Test(scpi_parse, text_replies_are_printable_ascii)
{
	lc_diag d;
	const char *ok = "+1.5E-03,\"No error\"\tOK";
	cr_assert_eq(lc_scpi_check_text(ok, strlen(ok), &d), 0);
	cr_assert_eq(lc_scpi_check_text("", 0, &d), 0);
	cr_assert_eq(lc_scpi_check_text("ab\xff", 3, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "byte 0xff at offset 2"), "%s", d.text);
	cr_assert_eq(lc_scpi_check_text("\x07X1", 3, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "byte 0x07 at offset 0"), "%s", d.text);
	cr_assert_eq(lc_scpi_check_text("a\0b", 3, &d), LC_ERR_PROTOCOL, "a NUL inside a text reply");
	cr_assert_eq(lc_scpi_check_text("caf\xc3\xa9", 5, &d), LC_ERR_PROTOCOL, "UTF-8 is not 7-bit ASCII");
	cr_assert_eq(lc_scpi_check_text("\x7f", 1, NULL), LC_ERR_PROTOCOL);
}
