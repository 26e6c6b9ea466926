/*
 * lanecert results (cli/cmd_results.c), built into both programs (docs/HACKING.md, "The programs"): the
 * station's results store (SQLite) in either, the fleet store (--db postgresql://) through libpq only in
 * lanecert-full (cli/results_fleet.c). lanecert links no libpq, so its results (cli/full_exec.c) hands a
 * --db postgresql:// to lanecert-full and reads the local store itself.
 */
#ifndef LC_CLI_RESULTS_H
#define LC_CLI_RESULTS_H

#include <lanecert/fleet.h>

/* How the command reads the fleet store: lc_fleet_connect, lc_fleet_query and lc_fleet_close (lanecert-full). */
typedef struct lc_cli_fleet_reader {
	int (*connect)(const char *url, lc_fleet **out, lc_diag *diag);
	int (*query)(lc_fleet *f, const lc_store_filter *filter, int (*fn)(const lc_store_row *row, void *user),
		     void *user, lc_diag *diag);
	void (*close)(lc_fleet *f);
} lc_cli_fleet_reader;

/* The command with argv[0] "results". fleet NULL: the program reads no fleet store, and a --db
 * postgresql:// (or postgres://) is someone else's: the options are checked (a bad one exits 64 as always),
 * nothing is read or printed, and it returns LC_CLI_RESULTS_ELSEWHERE. Else the exit code. */
#define LC_CLI_RESULTS_ELSEWHERE (-1)
int lc_cli_results(int argc, char **argv, const lc_cli_fleet_reader *fleet);

#endif
