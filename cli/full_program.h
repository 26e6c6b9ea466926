/*
 * lanecert and its helper programs in LIBEXECDIR/lanecert/ (docs/HACKING.md, "The programs"). lanecert links
 * only what certifying needs; the commands that need the report renderers (cairo, pango, librsvg), the
 * fleet's libpq or the dashboard's libmicrohttpd run in lanecert-full, the same commands built with every
 * library, which lanecert execs for them; `lanecert run` spawns lanecert-render (cli/render_main.c, only the
 * renderers linked) to render each slot's report views. So the certifying process never loads those
 * libraries (issue 22: the peak RSS of a certification).
 */
#ifndef LC_CLI_FULL_PROGRAM_H
#define LC_CLI_FULL_PROGRAM_H

#include <stddef.h>

/* The path of the helper program name ("lanecert-full", "lanecert-render") into buf: beside this program's
 * own executable when it is there (a build tree, or a helper itself), else in $LANECERT_LIBEXEC when set and
 * it is there, else the installed LIBEXECDIR/lanecert/NAME. 0, or -1 when neither is an executable file (buf then names the installed path,
 * for the message). */
int lc_cli_helper_path(const char *name, char *buf, size_t cap);

/* lanecert's stand-in for a command of lanecert-full (cli/main.c): exec lanecert-full with the same command
 * and arguments (argv[0] is the command's name), in this process (same pid, fds and environment). Returns
 * only when that fails, with LC_EXIT_SOFTWARE after saying why. */
int lc_cli_exec_full(int argc, char **argv);

#endif
