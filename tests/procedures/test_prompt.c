#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "procedures/prompt.h"

static int asked;

static int fake_ask(void *user, const char *id, const char *text, enum lc_prompt_kind kind, const char *dflt,
		    char *answer, size_t cap)
{
	(void)user, (void)text, (void)kind, (void)dflt;
	asked++;
	if (strcmp(id, "decline") == 0)
		return LC_ERR_ABORTED;
	snprintf(answer, cap, "typed");
	return 0;
}

Test(prompt, non_interactive_confirms_and_uses_defaults_and_answers)
{
	lc_prompter p;
	char a[32];
	lc_diag d;
	lc_prompter_init(&p, false, fake_ask, NULL);
	cr_assert_eq(lc_prompter_add_answer(&p, "fiber=12", &d), 0);
	cr_assert_eq(lc_prompt_ask(&p, 1, "reference", "connect cords", LC_PROMPT_CONFIRM, NULL, a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "ok");
	cr_assert_eq(lc_prompt_ask(&p, 1, "fiber", "which fiber?", LC_PROMPT_QUESTION, NULL, a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "12");
	cr_assert_eq(lc_prompt_ask(&p, 1, "lot", "lot?", LC_PROMPT_QUESTION, "L7", a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "L7");
	cr_expect_eq(lc_prompt_ask(&p, 1, "length", "length?", LC_PROMPT_QUESTION, NULL, a, sizeof(a), &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "--answer length=VALUE") != NULL, "detail: %s", d.text);
	cr_expect_eq(asked, 0, "a non-interactive run never calls the keyboard");
	lc_prompter_destroy(&p);
}

Test(prompt, interactive_asks_and_decline_aborts)
{
	lc_prompter p;
	char a[32];
	lc_diag d;
	asked = 0;
	lc_prompter_init(&p, true, fake_ask, NULL);
	cr_assert_eq(lc_prompt_ask(&p, 1, "x", "?", LC_PROMPT_QUESTION, NULL, a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "typed");
	cr_expect_eq(lc_prompt_ask(&p, 1, "decline", "?", LC_PROMPT_CONFIRM, NULL, a, sizeof(a), &d), LC_ERR_ABORTED);
	cr_expect_eq(asked, 2);
	lc_prompter_destroy(&p);
}

Test(prompt, malformed_answers_are_refused)
{
	lc_prompter p;
	lc_diag d;
	lc_prompter_init(&p, false, NULL, NULL);
	cr_expect_eq(lc_prompter_add_answer(&p, "novalue", &d), LC_ERR_ARG);
	cr_expect_eq(lc_prompter_add_answer(&p, "=x", &d), LC_ERR_ARG);
	for (int i = 0; i < LC_PROMPT_MAX_ANSWERS; i++)
		cr_assert_eq(lc_prompter_add_answer(&p, "a=b", &d), 0);
	cr_expect_eq(lc_prompter_add_answer(&p, "a=b", &d), LC_ERR_OVERFLOW);
	lc_prompter_destroy(&p);
}
