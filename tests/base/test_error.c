#include <criterion/criterion.h>
#include <string.h>

#include "base/error.h"

Test(error, every_code_has_a_name_and_text)
{
	for (int code = 0; code >= LC_ERR_MIN; code--) {
		cr_expect_str_neq(lc_strerror_name(code), "LC_ERR_UNKNOWN", "code %d has no name", code);
		cr_expect_str_neq(lc_strerror(code), "unknown error", "code %d has no text", code);
	}
	cr_expect_str_eq(lc_strerror_name(LC_ERR_MIN - 1), "LC_ERR_UNKNOWN");
	cr_expect_str_eq(lc_strerror_name(LC_ERR_TIMEOUT), "LC_ERR_TIMEOUT");
}

Test(error, diag_set_returns_code_and_keeps_text)
{
	lc_diag d;
	lc_diag_clear(&d);
	cr_expect_eq(lc_diag_set(&d, LC_ERR_PROTOCOL, "byte %d bad", 7), LC_ERR_PROTOCOL);
	cr_expect_eq(d.code, LC_ERR_PROTOCOL);
	cr_expect_str_eq(d.text, "byte 7 bad");
	lc_diag_prefix(&d, "reply: ");
	cr_expect_eq(d.code, LC_ERR_PROTOCOL);
	cr_expect_str_eq(lc_diag_message(&d), "reply: byte 7 bad");
	cr_expect_eq(lc_diag_set(NULL, LC_ERR_IO, "ignored"), LC_ERR_IO);
	lc_diag_set(&d, LC_ERR_TIMEOUT, NULL);
	cr_expect_str_eq(lc_diag_message(&d), "timeout");
}
