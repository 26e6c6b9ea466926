/* Pattern names and properties of the BERT class. */
#include <strings.h>

#include "instruments/bert/bert.h"

static const char *const pattern_names[] = {
	[LC_BERT_PRBS7] = "PRBS7",     [LC_BERT_PRBS9] = "PRBS9",     [LC_BERT_PRBS11] = "PRBS11",
	[LC_BERT_PRBS13] = "PRBS13",   [LC_BERT_PRBS15] = "PRBS15",   [LC_BERT_PRBS23] = "PRBS23",
	[LC_BERT_PRBS31] = "PRBS31",   [LC_BERT_PRBS13Q] = "PRBS13Q", [LC_BERT_PRBS31Q] = "PRBS31Q",
	[LC_BERT_SSPRQ] = "SSPRQ",
};

const char *lc_bert_pattern_name(enum lc_bert_pattern p)
{
	if ((int)p < LC_BERT_PRBS7 || (int)p > LC_BERT_SSPRQ)
		return NULL;
	return pattern_names[p];
}

int lc_bert_pattern_parse(const char *name)
{
	for (int p = LC_BERT_PRBS7; name && p <= LC_BERT_SSPRQ; p++)
		if (strcasecmp(name, pattern_names[p]) == 0)
			return p;
	return LC_ERR_NOT_FOUND;
}

bool lc_bert_pattern_is_pam4(enum lc_bert_pattern p)
{
	return p == LC_BERT_PRBS13Q || p == LC_BERT_PRBS31Q || p == LC_BERT_SSPRQ;
}

int lc_bert_pattern_prbs_order(enum lc_bert_pattern p)
{
	static const int order[] = {
		[LC_BERT_PRBS7] = 7,   [LC_BERT_PRBS9] = 9,   [LC_BERT_PRBS11] = 11,  [LC_BERT_PRBS13] = 13,
		[LC_BERT_PRBS15] = 15, [LC_BERT_PRBS23] = 23, [LC_BERT_PRBS31] = 31,  [LC_BERT_PRBS13Q] = 13,
		[LC_BERT_PRBS31Q] = 31, [LC_BERT_SSPRQ] = 0,
	};
	if ((int)p < LC_BERT_PRBS7 || (int)p > LC_BERT_SSPRQ)
		return 0;
	return order[p];
}
