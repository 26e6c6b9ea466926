/* Helpers shared by the reports tests: scratch directories under $LC_BUILD_DIR, files, commands. */
#ifndef LC_TESTS_REPORTS_HELPERS_H
#define LC_TESTS_REPORTS_HELPERS_H

#include <stddef.h>

/* A new empty directory under $LC_BUILD_DIR/test-scratch (or /tmp); malloc'ed path. */
char *th_scratch_dir(const char *tag);
/* Whole file, NUL-terminated, malloc'ed; NULL if unreadable. */
char *th_slurp(const char *path, size_t *len);
void th_spit(const char *path, const void *data, size_t len);
/* Run a shell command, return its exit status (-1 if it did not exit). Output goes to out_path if non-NULL. */
int th_run(const char *cmd);
/* True if an executable named prog is on PATH. */
int th_have(const char *prog);
/* Fails the test unless prog is on PATH: for tools bootstrap.sh installs (package names the Debian package),
 * whose absence is a broken set-up, never a reason to pass without checking. */
void th_require(const char *prog, const char *package);
char *th_path(const char *dir, const char *name);
/* pdftotext -layout of pages first..last (0: all) of pdf (poppler-utils, which bootstrap.sh installs),
 * NUL-terminated, malloc'ed; fails the test when pdftotext is missing or fails. */
char *th_pdf_text(const char *pdf, int first, int last);

#endif
