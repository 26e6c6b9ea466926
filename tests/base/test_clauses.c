/* Sentences of clauses (base/clauses.h): the cap with "and N more", the cut on a character, the ellipsis. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/clauses.h"
#include "base/utf8.h"

Test(clauses, joined_by_semicolons)
{
	char buf[64];
	lc_clauses c;
	lc_clauses_init(&c, buf, sizeof(buf), 0, LC_CLAUSES_CUT);
	cr_expect_str_eq(buf, "");
	lc_clauses_add(&c, "fiber %d dark", 3);
	lc_clauses_add(&c, "%s", "legs 1 and 2 swapped");
	cr_expect_eq(lc_clauses_end(&c), strlen("fiber 3 dark; legs 1 and 2 swapped"));
	cr_expect_str_eq(buf, "fiber 3 dark; legs 1 and 2 swapped");
	cr_expect_eq(c.count, 2);
	cr_expect_not(c.overflow);
}

Test(clauses, cap_counts_the_rest_as_and_n_more)
{
	char buf[128];
	lc_clauses c;
	lc_clauses_init(&c, buf, sizeof(buf), 2, LC_CLAUSES_CUT);
	for (int i = 1; i <= 5; i++)
		lc_clauses_add(&c, "f%d", i);
	cr_expect_eq(c.count, 2);
	cr_expect_eq(c.more, 3);
	lc_clauses_end(&c);
	cr_expect_str_eq(buf, "f1; f2; and 3 more");
}

Test(clauses, and_n_more_needs_room_to_spare)
{
	char buf[40];
	lc_clauses c;
	lc_clauses_init(&c, buf, sizeof(buf), 1, LC_CLAUSES_CUT);
	lc_clauses_add(&c, "%s", "twenty characters ab");
	lc_clauses_add(&c, "left out");
	lc_clauses_end(&c); /* 20 + 32 >= 40: no room for the count */
	cr_expect_str_eq(buf, "twenty characters ab");
}

Test(clauses, cut_on_a_character_never_splits_one)
{
	char buf[12];
	lc_clauses c;
	lc_clauses_init(&c, buf, sizeof(buf), 0, LC_CLAUSES_CUT);
	lc_clauses_add(&c, "A:1 \u2014 dirty"); /* the em dash is 3 bytes: bytes 4..6 */
	lc_clauses_add(&c, "B:2 \u2014 dirty");
	cr_expect_str_eq(buf, "A:1 \u2014 dir"); /* 11 bytes and the NUL */
	cr_expect(lc_utf8_valid(buf, strlen(buf)));
	char small[7];
	lc_clauses_init(&c, small, sizeof(small), 0, LC_CLAUSES_CUT);
	lc_clauses_add(&c, "A:1 \u2014 dirty");
	cr_expect_str_eq(small, "A:1 ", "the dash does not fit whole, so it is left out");
	cr_expect_eq(c.count, 1);
}

Test(clauses, ellipsis_leaves_out_what_does_not_fit_and_stops)
{
	char buf[24];
	lc_clauses c;
	lc_clauses_init(&c, buf, sizeof(buf), 0, LC_CLAUSES_ELLIPSIS);
	lc_clauses_add(&c, "A:1 dark");            /* 8 */
	lc_clauses_add(&c, "A:2 dark");            /* 18 with "; " */
	lc_clauses_add(&c, "A:3 lights several"); /* does not fit */
	lc_clauses_add(&c, "x");                   /* would fit, but the text has stopped */
	cr_expect(c.overflow);
	cr_expect_eq(c.count, 2);
	cr_expect_str_eq(buf, "A:1 dark; A:2 dark...");
	char tiny[10];
	lc_clauses_init(&c, tiny, sizeof(tiny), 0, LC_CLAUSES_ELLIPSIS);
	lc_clauses_add(&c, "A:1 dark");
	lc_clauses_add(&c, "B");
	cr_expect(c.overflow);
	cr_expect_str_eq(tiny, "A:1 da...", "the mark overwrites the end when the text reaches it");
}
