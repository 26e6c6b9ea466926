/* lanecert: dispatch to one subcommand per file (cli/cmd_*.c), listed in cli/commands.def. Built twice
 * (cli/sources.cmake, cli/full_program.h): lanecert, which runs these commands but execs lanecert-full for
 * the ones below, and lanecert-full, which runs them all. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/full_program.h"
#include <lanecert/base.h>

#ifdef LC_CLI_LEAN
/* The commands that need the report renderers (cairo, pango, librsvg: approve renders the views again, report
 * renders them and job summaries), the fleet's libpq (sync, fleet) or the dashboard's libmicrohttpd (serve):
 * lanecert does not link them, so that certifying never loads those libraries; it execs lanecert-full for
 * them. verify (signatures, JSON and the files beside a report) needs none of them and runs here; so does
 * results, but for the fleet store (--db postgresql://), which it hands to lanecert-full (cli/results.h). */
#define lc_cmd_approve lc_cli_exec_full
#define lc_cmd_report lc_cli_exec_full
#define lc_cmd_sync lc_cli_exec_full
#define lc_cmd_fleet lc_cli_exec_full
#define lc_cmd_serve lc_cli_exec_full
#endif
#include "cli/commands.h"

struct lc_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct lc_command commands[] = {
#define LC_COMMAND(name, fn, summary) {name, fn, summary},
#include "cli/commands.def"
#undef LC_COMMAND
};

static void usage(FILE *out)
{
	fprintf(out, "usage: lanecert COMMAND [ARGS...]\n"
		     "       lanecert COMMAND --help\n\n"
		     "Certifies fiber-optic cables and breakout lanes.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nexit codes: 0 success/pass, 1 fail, 2 inconclusive, 3 error, 4 aborted,\n"
		     "64 usage, 65 bad data, 66 not found, 69 unreachable, 70 internal, 74 I/O,\n"
		     "75 timeout, 76 protocol, 77 permission, 78 instrument error (see README.md)\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	if (lc_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return LC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lanecert %s\n", LC_VERSION_STRING);
		return LC_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);

	lc_cli_error("", "unknown command '%s' (lanecert --help lists them)", argv[1]);
	return LC_EXIT_USAGE;
}
