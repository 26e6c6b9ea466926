/* The station file's lane layout of a BERT: "PPG>ED,PPG>ED,...,group=NAME". */
#include <ctype.h>
#include <string.h>

#include "instruments/bert/bert.h"

static int copy_field(char *dst, const char *src, size_t len, const char *what, unsigned lane, lc_diag *diag)
{
	while (len && isspace((unsigned char)*src))
		src++, len--;
	while (len && isspace((unsigned char)src[len - 1]))
		len--;
	if (len == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: lane %u has an empty %s address", lane, what);
	if (len >= LC_BERT_ADDR_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: lane %u %s address is longer than %d characters",
				   lane, what, LC_BERT_ADDR_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)src[i]) && src[i] != '.' && src[i] != '_' && src[i] != '-')
			return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: lane %u %s address has '%c'", lane, what,
					   src[i]);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int lc_bert_layout_parse(const char *s, lc_bert_layout *out, lc_diag *diag)
{
	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: no output");
	memset(out, 0, sizeof *out);
	if (!s)
		return 0;
	const char *p = s;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len), *gt = memchr(p, '>', len);
		int rc;
		if (eq) {
			if (len < 6 || strncmp(p, "group=", 6) != 0)
				return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: unknown option '%.*s'", (int)len, p);
			if ((rc = copy_field(out->group, p + 6, len - 6, "group", 0, diag)) < 0)
				return rc;
		} else if (gt) {
			if (out->lanes == LC_BERT_LANES_MAX)
				return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: more than %d lanes", LC_BERT_LANES_MAX);
			unsigned lane = out->lanes + 1;
			if ((rc = copy_field(out->ppg[out->lanes], p, (size_t)(gt - p), "PPG", lane, diag)) < 0 ||
			    (rc = copy_field(out->ed[out->lanes], gt + 1, len - (size_t)(gt - p) - 1, "ED", lane,
					     diag)) < 0)
				return rc;
			out->lanes++;
		} else if (len > 0) {
			return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: '%.*s' is not PPG>ED", (int)len, p);
		} else {
			return lc_diag_set(diag, LC_ERR_ARG, "BERT layout: empty item at offset %zu", (size_t)(p - s));
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}
