/* Shared by the `lanecert sor` command files: text and JSON output helpers and the file loader. */
#ifndef LC_CLI_CMD_SOR_PRIV_H
#define LC_CLI_CMD_SOR_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <lanecert/sor.h>

/* Bytes as text, non-printable ones as \xNN. */
void lc_sor_cli_put_text(FILE *o, const char *s);
/* A JSON string: valid UTF-8 passes, other bytes are taken as Latin-1. */
void lc_sor_cli_put_json_string(FILE *o, const char *s);
/* A number with 4 decimals, null when not finite. */
void lc_sor_cli_put_json_number(FILE *o, double v);
/* Read a file; on failure print the error (and with json a {"file","error","code","exit"} line on stdout)
 * and return the exit status, else 0 with *s to lc_sor_free. */
int lc_sor_cli_load(const char *path, lc_sor **s, bool json);
/* lanecert sor compare FILE...: the strict agreement per file, per vendor and overall. */
int lc_sor_cli_compare(char **files, size_t n, bool json);

#endif
