/* `--limit-set NAME` of `lanecert plan` and `lanecert run`: the per-mated-pair loss set a budget is priced
 * with, chosen on the command line over the cable's or chain's own "limit_set". */
#ifndef LC_CLI_LIMIT_SET_H
#define LC_CLI_LIMIT_SET_H

#include <lanecert/channel.h>
#include <lanecert/limits.h>

/* Choose set (NULL: keep the channel's own) on ch after checking that the loaded limits know it. Returns
 * LC_EXIT_OK, or LC_EXIT_USAGE after printing "cmd: --limit-set NAME: no such limit set (known: a, b, c)". */
int lc_cli_limit_set(const char *cmd, const lc_limits *lim, lc_channel *ch, const char *set);

#endif
