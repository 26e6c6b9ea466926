/*
 * Command patterns: "[SENSe#]:POWer:WAVelength" parsed into nodes (long form, short-form length, optional,
 * numeric suffix) and matched against received headers. A received mnemonic must be exactly the short or
 * the long form (SCPI: "SENS" or "SENSE", never "SENSE" truncated to "SENSEX" or "SEN").
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "sim/scpi/scpi_engine_priv.h"

/* Add the node being built; checks the mnemonic's shape. */
static int finish_node(struct lc_sim_cmd *cmd, const char *raw, size_t len, bool optional, bool suffix,
		       const char *pattern, lc_diag *diag)
{
	if (len == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': empty node", pattern);
	if (len > LC_SIM_MNEMONIC_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': mnemonic '%.*s' longer than %d characters",
				   pattern, (int)len, raw, LC_SIM_MNEMONIC_MAX);
	if (cmd->n >= LC_SIM_NODES_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': more than %d nodes", pattern, LC_SIM_NODES_MAX);
	if (!isupper((unsigned char)raw[0]))
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': mnemonic '%.*s' must start with an upper-case letter",
				   pattern, (int)len, raw);
	struct lc_sim_node *n = &cmd->nodes[cmd->n];
	size_t short_len = 0;
	bool lower = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)raw[i];
		if (!isalnum(ch) && ch != '_')
			return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': bad character '%c' in a mnemonic",
					   pattern, ch);
		if (islower(ch))
			lower = true;
		else if (lower && isupper(ch))
			return lc_diag_set(diag, LC_ERR_ARG,
					   "pattern '%s': upper case after lower case in '%.*s' (short form must be a prefix)",
					   pattern, (int)len, raw);
		else
			short_len++;
		n->name[i] = (char)toupper(ch);
	}
	n->name[len] = '\0';
	n->short_len = (unsigned char)short_len;
	n->optional = optional;
	n->suffix = suffix;
	if (suffix) {
		if (cmd->nsuffix >= LC_SIM_SUFFIXES_MAX)
			return lc_diag_set(diag, LC_ERR_OVERFLOW, "pattern '%s': more than %d numeric suffixes",
					   pattern, LC_SIM_SUFFIXES_MAX);
		cmd->nsuffix++;
	}
	cmd->n++;
	return 0;
}

int lc_sim_pattern_parse(const char *pattern, struct lc_sim_cmd *cmd, lc_diag *diag)
{
	memset(cmd, 0, sizeof(*cmd));
	if (!pattern || !*pattern)
		return lc_diag_set(diag, LC_ERR_ARG, "empty pattern");
	const char *p = pattern;
	if (*p == '*') {
		cmd->common = true;
		size_t len = strlen(p + 1);
		if (len == 0 || len > LC_SIM_MNEMONIC_MAX)
			return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': bad common command", pattern);
		for (size_t i = 1; i <= len; i++)
			if (!isalpha((unsigned char)p[i]))
				return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': common commands are letters only",
						   pattern);
		for (size_t i = 0; i < len; i++)
			cmd->nodes[0].name[i] = (char)toupper((unsigned char)p[i + 1]);
		cmd->nodes[0].short_len = (unsigned char)len;
		cmd->n = 1;
		return 0;
	}
	bool in_opt = false, opt_node = false, mandatory = false;
	const char *start = NULL;
	size_t len = 0;
	bool suffix = false, after_colon = false;
	for (;; p++) {
		char ch = *p;
		if (isalnum((unsigned char)ch) || ch == '_') {
			if (suffix)
				return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': '#' must end a node", pattern);
			after_colon = false;
			if (!start) {
				start = p;
				opt_node = in_opt;
			}
			len++;
			continue;
		}
		if (ch == '#') {
			if (!start || suffix)
				return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': '#' must follow a mnemonic", pattern);
			suffix = true;
			continue;
		}
		if (start) {
			int r = finish_node(cmd, start, len, opt_node, suffix, pattern, diag);
			if (r < 0)
				return r;
			mandatory |= !opt_node;
			start = NULL;
			len = 0;
			suffix = false;
		}
		if (ch == '\0')
			break;
		if (ch == ':') {
			/* "A::B" has an empty node; "[A]:B" and ":A" are fine */
			if (after_colon || (p > pattern && isalnum((unsigned char)p[-1]) == 0 && p[-1] != '#' &&
					    p[-1] != ']' && p[-1] != '['))
				return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': empty node", pattern);
			after_colon = true;
			continue;
		}
		after_colon = false;
		if (ch == '[') {
			if (in_opt)
				return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': nested '['", pattern);
			in_opt = true;
			continue;
		}
		if (ch == ']') {
			if (!in_opt)
				return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': ']' without '['", pattern);
			in_opt = false;
			continue;
		}
		if (ch == '?')
			return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': register without '?' (one pattern, set and query handlers)",
					   pattern);
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': bad character '%c'", pattern, ch);
	}
	if (in_opt)
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': '[' without ']'", pattern);
	if (!mandatory)
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': every node is optional", pattern);
	return 0;
}

bool lc_sim_pattern_same(const struct lc_sim_cmd *a, const struct lc_sim_cmd *b)
{
	if (a->common != b->common || a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->nodes[i].name, b->nodes[i].name) != 0 || a->nodes[i].optional != b->nodes[i].optional ||
		    a->nodes[i].suffix != b->nodes[i].suffix)
			return false;
	return true;
}

static bool form_match(const char *name, size_t short_len, const char *text, size_t len)
{
	size_t long_len = strlen(name);
	if (len == short_len && strncasecmp(name, text, len) == 0)
		return true;
	return len == long_len && strncasecmp(name, text, len) == 0;
}

/* A received mnemonic's trailing digits are its suffix only where the pattern node takes one. */
static bool node_match(const struct lc_sim_node *n, const struct lc_sim_hnode *h)
{
	if (n->suffix) {
		size_t name_len = h->len;
		while (name_len > 0 && isdigit((unsigned char)h->text[name_len - 1]))
			name_len--;
		return form_match(n->name, n->short_len, h->text, name_len);
	}
	return form_match(n->name, n->short_len, h->text, h->len);
}

static bool match_from(const struct lc_sim_cmd *cmd, int pi, const int *sufidx, const struct lc_sim_hnode *h,
		       int hi, int nh, int *suffix)
{
	if (pi == cmd->n)
		return hi == nh;
	const struct lc_sim_node *n = &cmd->nodes[pi];
	if (hi < nh && node_match(n, &h[hi]) && match_from(cmd, pi + 1, sufidx, h, hi + 1, nh, suffix)) {
		if (n->suffix)
			suffix[sufidx[pi]] = h[hi].suffix >= 0 ? (int)h[hi].suffix : 1;
		return true;
	}
	if (n->optional && match_from(cmd, pi + 1, sufidx, h, hi, nh, suffix)) {
		if (n->suffix)
			suffix[sufidx[pi]] = 1;
		return true;
	}
	return false;
}

bool lc_sim_pattern_match(const struct lc_sim_cmd *cmd, bool common, const struct lc_sim_hnode *h, int nh,
			  int *suffix)
{
	if (cmd->common != common)
		return false;
	if (common)
		return nh == 1 && h[0].len == strlen(cmd->nodes[0].name) &&
		       strncasecmp(cmd->nodes[0].name, h[0].text, h[0].len) == 0;
	int sufidx[LC_SIM_NODES_MAX];
	for (int i = 0, k = 0; i < cmd->n; i++)
		sufidx[i] = cmd->nodes[i].suffix ? k++ : -1;
	return match_from(cmd, 0, sufidx, h, 0, nh, suffix);
}

bool lc_sim_mnemonic_match(const char *pattern, const char *text, size_t len)
{
	char name[64];
	size_t n = strlen(pattern), short_len = 0;
	if (n >= sizeof(name))
		return false;
	bool lower = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)pattern[i];
		if (islower(ch))
			lower = true;
		else if (!lower)
			short_len++;
		name[i] = (char)toupper(ch);
	}
	name[n] = '\0';
	return form_match(name, short_len, text, len);
}
