/* The growing string (base/strbuf.h): bytes kept as given, printf never cut, the sticky error. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"

Test(strbuf, appends_in_order_and_stays_terminated)
{
	lc_strbuf b = {0};
	lc_strbuf_put(&b, "ab\0c", 4); /* binary bytes too: a PDF passed to qpdf */
	lc_strbuf_puts(&b, "de");
	lc_strbuf_printf(&b, "%d-%s", 42, "x");
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, 10);
	cr_expect_eq(memcmp(b.p, "ab\0cde42-x", 11), 0, "the bytes and the NUL after them");
	free(b.p);
}

Test(strbuf, an_empty_append_still_terminates)
{
	lc_strbuf b = {0};
	lc_strbuf_put(&b, "", 0);
	cr_assert_not_null(b.p);
	cr_expect_eq(b.len, 0);
	cr_expect_str_eq(b.p, "");
	free(b.p);
}

Test(strbuf, printf_is_never_cut)
{
	lc_strbuf b = {0};
	char *big = malloc(100001);
	cr_assert_not_null(big);
	memset(big, 'y', 100000);
	big[100000] = '\0';
	lc_strbuf_puts(&b, "<");
	lc_strbuf_printf(&b, "%s|%s", big, big);
	cr_assert_eq(b.err, 0);
	cr_expect_eq(b.len, 1 + 100000 + 1 + 100000);
	cr_expect_eq(b.p[0], '<');
	cr_expect_eq(b.p[100001], '|');
	cr_expect_eq(b.p[b.len - 1], 'y');
	cr_expect_eq(b.p[b.len], '\0');
	free(big);
	free(b.p);
}

Test(strbuf, an_error_sticks_and_later_appends_do_nothing)
{
	lc_strbuf b = {0};
	lc_strbuf_puts(&b, "kept");
	b.err = LC_ERR_NOMEM; /* as a failed realloc leaves it */
	lc_strbuf_puts(&b, " lost");
	lc_strbuf_printf(&b, "%s", " lost too");
	cr_expect_eq(b.err, LC_ERR_NOMEM);
	cr_expect_eq(b.len, 4);
	cr_expect_str_eq(b.p, "kept");
	free(b.p);
}
