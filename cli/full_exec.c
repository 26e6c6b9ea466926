/* lanecert's stand-in for the commands of lanecert-full (cli/full_program.h): exec it; and lanecert's results,
 * which execs it only for the fleet store (cli/results.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/full_program.h"
#include "cli/results.h"

int lc_cli_exec_full(int argc, char **argv)
{
	char path[PATH_MAX];
	if (lc_cli_helper_path("lanecert-full", path, sizeof(path)) < 0) {
		lc_cli_error(argv[0], "this command runs in %s, which is not installed (or not executable)", path);
		return LC_EXIT_SOFTWARE;
	}
	/* lanecert-full COMMAND ARGS...: argv is COMMAND ARGS... NULL */
	char **args = calloc((size_t)argc + 2, sizeof(*args));
	if (!args) {
		lc_cli_error(argv[0], "out of memory");
		return LC_EXIT_SOFTWARE;
	}
	args[0] = path;
	memcpy(args + 1, argv, sizeof(*args) * (size_t)argc);
	execv(path, args);
	lc_cli_error(argv[0], "cannot run %s: %s", path, strerror(errno));
	free(args);
	return LC_EXIT_SOFTWARE;
}

int lc_cmd_results(int argc, char **argv)
{
	/* Handed over, the options were checked and had no operand, so getopt_long left argv as it was:
	 * lanecert-full reads the same command line. */
	int rc = lc_cli_results(argc, argv, NULL);
	return rc == LC_CLI_RESULTS_ELSEWHERE ? lc_cli_exec_full(argc, argv) : rc;
}
