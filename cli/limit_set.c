/*
 * --limit-set: a name only counts when rows carry it. The budget falls back to the rows of no set for a name
 * it does not know (docs/fixtures.md), so a typo ("referense-grade") would silently price every mated pair
 * at the standard's maximum and print a certificate naming a set that priced nothing: refused instead,
 * with the sets the loaded limits do know.
 */
#include "cli/limit_set.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_SETS 32

int lc_cli_limit_set(const char *cmd, const lc_limits *lim, lc_channel *ch, const char *set)
{
	if (!set)
		return LC_EXIT_OK;
	const char *names[MAX_SETS];
	size_t n = lc_limits_set_names(lim, names, MAX_SETS);
	for (size_t i = 0; i < n && i < MAX_SETS; i++)
		if (strcmp(names[i], set) == 0) {
			lc_diag d;
			int rc = lc_channel_set_limit_set(ch, set, &d);
			return rc < 0 ? lc_cli_fail(cmd, rc, &d, "--limit-set") : LC_EXIT_OK;
		}
	char known[512] = "";
	size_t len = 0;
	for (size_t i = 0; i < n && i < MAX_SETS && len < sizeof(known); i++) {
		int w = snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "", names[i]);
		len += w > 0 ? (size_t)w : 0;
	}
	if (n)
		lc_cli_error(cmd, "--limit-set %s: no such limit set (known: %s)", set, known);
	else
		lc_cli_error(cmd, "--limit-set %s: no such limit set (the loaded limits name none)", set);
	return LC_EXIT_USAGE;
}
