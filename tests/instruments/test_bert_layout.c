/* BERT layout strings of the station file and pattern names. */
#include <criterion/criterion.h>
#include <string.h>

#include "instruments/bert/bert.h"

Test(bert_layout, anritsu_and_keysight)
{
	lc_bert_layout l;
	cr_assert_eq(lc_bert_layout_parse("1.1.1>1.3.1, 1.1.2>1.3.2", &l, NULL), 0);
	cr_expect_eq(l.lanes, 2);
	cr_expect_str_eq(l.ppg[1], "1.1.2");
	cr_expect_str_eq(l.ed[1], "1.3.2");
	cr_expect_str_eq(l.group, "");
	cr_assert_eq(lc_bert_layout_parse("M1.DataOut1>M1.DataIn1,M1.DataOut2>M2.DataIn1,group=Lanes", &l, NULL), 0);
	cr_expect_eq(l.lanes, 2);
	cr_expect_str_eq(l.ed[1], "M2.DataIn1");
	cr_expect_str_eq(l.group, "Lanes");
	cr_assert_eq(lc_bert_layout_parse(NULL, &l, NULL), 0);
	cr_expect_eq(l.lanes, 0);
	cr_assert_eq(lc_bert_layout_parse("", &l, NULL), 0);
	cr_expect_eq(l.lanes, 0);
}

Test(bert_layout, bad_layouts)
{
	lc_bert_layout l;
	lc_diag d;
	cr_expect_eq(lc_bert_layout_parse("1.1.1", &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "is not PPG>ED") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_layout_parse(">1.3.1", &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "empty PPG") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_layout_parse("1.1.1>", &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "empty ED") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_layout_parse("1.1.1>1.3.1,,1.1.2>1.3.2", &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "empty item") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_layout_parse("speed=3", &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "unknown option") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_layout_parse("M1.Data'Out>x", &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "has '''") != NULL, "%s", d.text);
	char many[1024] = "";
	for (int i = 0; i < LC_BERT_LANES_MAX + 1; i++)
		strcat(many, i ? ",1.1.1>1.2.1" : "1.1.1>1.2.1");
	cr_expect_eq(lc_bert_layout_parse(many, &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "more than") != NULL, "%s", d.text);
	char longaddr[128];
	memset(longaddr, 'a', 60);
	strcpy(longaddr + 60, ">b");
	cr_expect_eq(lc_bert_layout_parse(longaddr, &l, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "longer than") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_layout_parse("a>b", NULL, &d), LC_ERR_ARG);
}

Test(bert_layout, pattern_names)
{
	cr_expect_str_eq(lc_bert_pattern_name(LC_BERT_PRBS31), "PRBS31");
	cr_expect_str_eq(lc_bert_pattern_name(LC_BERT_SSPRQ), "SSPRQ");
	cr_expect_null(lc_bert_pattern_name((enum lc_bert_pattern)0));
	cr_expect_null(lc_bert_pattern_name((enum lc_bert_pattern)99));
	cr_expect_eq(lc_bert_pattern_parse("prbs13q"), LC_BERT_PRBS13Q);
	cr_expect_eq(lc_bert_pattern_parse("PRBS8"), LC_ERR_NOT_FOUND);
	cr_expect_eq(lc_bert_pattern_parse(NULL), LC_ERR_NOT_FOUND);
	cr_expect(lc_bert_pattern_is_pam4(LC_BERT_PRBS31Q));
	cr_expect(!lc_bert_pattern_is_pam4(LC_BERT_PRBS31));
	cr_expect_eq(lc_bert_pattern_prbs_order(LC_BERT_PRBS13Q), 13);
	cr_expect_eq(lc_bert_pattern_prbs_order(LC_BERT_SSPRQ), 0);
}
