/* Text from outside becomes valid UTF-8 at the boundary (base/utf8.h), and error details are made so. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/error.h"
#include "base/utf8.h"

Test(utf8, validator_refuses_what_jansson_refuses)
{
	cr_expect(lc_utf8_valid("caf\xc3\xa9", 5));
	cr_expect(lc_utf8_valid("\xf0\x9f\x98\x80", 4));
	cr_expect_not(lc_utf8_valid("\xff", 1));
	cr_expect_not(lc_utf8_valid("\xc3", 1), "truncated sequence");
	cr_expect_not(lc_utf8_valid("\xc0\xaf", 2), "overlong");
	cr_expect_not(lc_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	cr_expect_not(lc_utf8_valid("\xf4\x90\x80\x80", 4), "past U+10FFFF");
	cr_expect_not(lc_utf8_valid("a\0b", 3), "NUL");
}

Test(utf8, invalid_bytes_are_escaped_valid_text_kept)
{
	char out[64];
	size_t n = lc_utf8_escape(out, sizeof(out), "ok \xff\xfe\x07#? \xc3\xa9", 11);
	cr_expect_str_eq(out, "ok \\xFF\\xFE\x07#? \xc3\xa9");
	cr_expect_eq(n, strlen(out));
	cr_expect(lc_utf8_valid(out, n));
	/* a lone lead byte at the end of the input is an invalid byte, not half a character to keep */
	lc_utf8_escape(out, sizeof(out), "x\xc3", 2);
	cr_expect_str_eq(out, "x\\xC3");
}

Test(utf8, escape_never_splits_a_character_or_an_escape)
{
	char out[8];
	/* "é" is 2 bytes: 7 bytes of room hold 3 of them, not 3.5 */
	size_t n = lc_utf8_escape(out, sizeof(out), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8);
	cr_expect_eq(n, 6);
	cr_expect_str_eq(out, "\xc3\xa9\xc3\xa9\xc3\xa9");
	n = lc_utf8_escape(out, sizeof(out), "ab\xff\xff", 4);
	cr_expect_str_eq(out, "ab\\xFF", "the second escape does not fit whole");
	cr_expect_eq(n, 6);
}

Test(utf8, printf_cuts_400_e_acute_on_a_character)
{
	char big[801], buf[640];
	for (int i = 0; i < 400; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[800] = '\0';
	int n = lc_utf8_printf(buf, sizeof(buf), "step 'x': %s", big);
	cr_expect_eq(n, (int)strlen(buf));
	cr_expect(lc_utf8_valid(buf, strlen(buf)), "cut inside a character");
	cr_expect_eq(strlen(buf), 10 + 314 * 2, "as many whole characters as fit in 639 bytes");
	/* a short text with an invalid byte */
	lc_utf8_printf(buf, sizeof(buf), "reply '%s'", "\xff" "1");
	cr_expect_str_eq(buf, "reply '\\xFF1'");
}

Test(utf8, cut_backs_up_to_a_character_start)
{
	char s[] = "a\xc3\xa9\xc3\xa9";
	cr_expect_eq(lc_utf8_cut(s, 4), 3);
	cr_expect_str_eq(s, "a\xc3\xa9");
	cr_expect_eq(lc_utf8_cut(s, 10), 3);
}

Test(utf8, diag_details_are_always_valid_utf8)
{
	lc_diag d;
	lc_diag_set(&d, LC_ERR_PROTOCOL, "unparsable reply '%s'", "\xff\xfe\x07#?");
	cr_expect_str_eq(d.text, "unparsable reply '\\xFF\\xFE\x07#?'");
	char big[801];
	for (int i = 0; i < 400; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[800] = '\0';
	lc_diag_set(&d, LC_ERR_PROTOCOL, "x%s", big);
	cr_expect(lc_utf8_valid(d.text, strlen(d.text)), "the detail's cut splits a character");
	cr_expect_eq(strlen(d.text), 1 + 127 * 2);
	lc_diag_set(&d, LC_ERR_PROTOCOL, "%s", big + 1 * 2);
	lc_diag_prefix(&d, "yy");
	cr_expect(lc_utf8_valid(d.text, strlen(d.text)), "the prefixed detail's cut splits a character");
	cr_expect_eq(strlen(d.text), 2 + 126 * 2);
}
