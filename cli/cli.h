/*
 * Shared pieces of the lanecert command: exit codes, error reporting, logging to stderr.
 * The tool's files only parse options and print; the work is done by the library.
 */
#ifndef LC_CLI_H
#define LC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <lanecert/base.h>

/* Exit codes (documented in README.md). 0-4 are the verdicts of a run; the others follow sysexits.h. */
enum lc_exit {
	LC_EXIT_OK = 0,           /* success; for `run`: pass */
	LC_EXIT_FAIL = 1,         /* `run`: fail; `verify`: signature invalid */
	LC_EXIT_INCONCLUSIVE = 2, /* `run`: inconclusive */
	LC_EXIT_ERROR = 3,        /* `run`: error (instrument or station problem) */
	LC_EXIT_ABORTED = 4,      /* `run`: aborted */
	LC_EXIT_USAGE = 64,       /* bad command line or resource string */
	LC_EXIT_DATAERR = 65,     /* malformed input file or reply */
	LC_EXIT_NOINPUT = 66,     /* a file, driver or instrument was not found */
	LC_EXIT_UNAVAILABLE = 69, /* the instrument could not be reached */
	LC_EXIT_SOFTWARE = 70,    /* internal error */
	LC_EXIT_CANTCREAT = 73,   /* an output file exists and is never overwritten (keygen) */
	LC_EXIT_IOERR = 74,       /* I/O error */
	LC_EXIT_TEMPFAIL = 75,    /* timeout */
	LC_EXIT_PROTOCOL = 76,    /* the instrument broke the protocol or truncated a reply */
	LC_EXIT_NOPERM = 77,      /* permission denied */
	LC_EXIT_INSTRUMENT = 78,  /* the instrument reported an error in its error queue */
};

/* The exit code for a library error. */
int lc_cli_exit_for(int lc_error);

/* Print "lanecert <cmd>: <message>" to stderr. */
void lc_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report a library failure with its detail and return the matching exit code. */
int lc_cli_fail(const char *cmd, int lc_error, const lc_diag *diag, const char *what);

/* Install a log handler writing to stderr at the level of -v flags (0: warn, 1: info, 2: debug, 3: spew). */
void lc_cli_setup_logging(int verbosity);

/* This process image's peak resident set in KiB (VmHWM of /proc/self/status), -1 when unknown. Not
 * getrusage's ru_maxrss: that also counts the memory of whatever the process was before its exec, and a
 * program started by posix_spawn (vfork) inherits its parent's peak there. */
long lc_cli_peak_rss_kib(void);

/* True if s is "-h" or "--help". */
bool lc_cli_is_help(const char *s);

/*
 * getopt_long() for every command, with one wording for a bad option: it never lets getopt print, and on
 * an unknown option, a missing argument or an argument given to an option that takes none it prints
 *   lanecert CMD: unknown option '--frob' (lanecert CMD --help)
 *   lanecert CMD: option '--key' needs an argument (lanecert CMD --help)
 *   lanecert CMD: option '--json' takes no argument (lanecert CMD --help)
 * naming the option as it was typed, and returns '?' (the caller exits LC_EXIT_USAGE). Otherwise it returns
 * what getopt_long returns: the option's value (optarg set), 1 for a positional argument when shortopts
 * starts with '-' (arguments kept in order), or -1 at the end. shortopts may start with '+' or '-' as for
 * getopt_long. Set optind = 1 before the first call of a command.
 */
int lc_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts);

/* A positional argument the command has no place for: prints
 *   lanecert CMD: unexpected argument 'ARG' (lanecert CMD --help)
 * and returns LC_EXIT_USAGE. */
int lc_cli_unexpected(const char *cmd, const char *arg);

#endif
