/*
 * What a module source's failure means for the exit code, shared by `lanecert module` and `lanecert compat`:
 * a source is a live I2C resource or a saved dump, and a dump is a file.
 */
#ifndef LC_CLI_MODULE_SOURCE_H
#define LC_CLI_MODULE_SOURCE_H

#include <stdbool.h>

#include <lanecert/base.h>

/* True when source names a live module (an I2C resource), false for a saved dump. */
bool lc_cli_module_is_live(const char *source);

/*
 * The library error rc of reading or decoding source, as the CLI reports it: a dump cut short is malformed
 * content (LC_ERR_FORMAT, 65), not an instrument breaking the protocol (LC_ERR_TRUNCATED, 76); a dump path that
 * is a directory names no dump (LC_ERR_NOT_FOUND, 66, with d rewritten). A live source's errors are unchanged.
 */
int lc_cli_module_source_error(const char *source, int rc, lc_diag *d);

#endif
