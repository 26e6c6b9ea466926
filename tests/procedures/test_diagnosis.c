/* Operator text: what the library and Lua add for whoever debugs is taken out, the words are kept. */
#include <criterion/criterion.h>

#include "procedures/diagnosis.h"

static const char *op(const char *in)
{
	static char buf[256];
	lc_operator_text(in, buf, sizeof(buf));
	return buf;
}

Test(diagnosis, lua_positions_and_error_names_are_removed)
{
	cr_expect_str_eq(op("/src/procedures/mpo-trunk.lua:14: insertion_loss: negative loss (LC_ERR_STATE)"),
			 "insertion_loss: negative loss");
	cr_expect_str_eq(op("procedures/lib/optical.lua:47: procedures/x.lua:3: fiber map: no light"), "fiber map: no light");
	cr_expect_str_eq(op("[string \"e\"]:3: attempt to index a nil value"), "attempt to index a nil value");
	cr_expect_str_eq(op("step 'x': e.lua:3: attempt to index a nil value (local 't')"),
			 "step 'x': attempt to index a nil value (local 't')");
}

Test(diagnosis, ordinary_text_is_kept)
{
	cr_expect_str_eq(op("RL 27 dB on A:1\u20134 (limit 60 dB)"), "RL 27 dB on A:1\u20134 (limit 60 dB)");
	cr_expect_str_eq(op("lanes 3:4 swapped at 10:30: see (LC_ERR_ but not a name"),
			 "lanes 3:4 swapped at 10:30: see (LC_ERR_ but not a name");
	cr_expect_str_eq(op("a.lua: not a position"), "a.lua: not a position");
	cr_expect_str_eq(op(""), "");
	char small[8];
	lc_operator_text("x.lua:1: abcdefghij", small, sizeof(small));
	cr_expect_str_eq(small, "abcdefg");
}
