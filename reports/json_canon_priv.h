/* The canonical JSON emitter over a jansson tree (reports/ only; rules in reports/report_json.h).
 * Thread safety: reentrant. */
#ifndef LC_REPORTS_JSON_CANON_PRIV_H
#define LC_REPORTS_JSON_CANON_PRIV_H

#include <jansson.h>
#include <stddef.h>

#include "base/error.h"

/* Shortest round-trip text of a finite double (at most 32 bytes with the NUL). LC_ERR_ARG for NaN/Inf. */
int lc_json_format_real(double v, char buf[32]);
/* The canonical text of a tree (malloc'ed, NUL-terminated, final LF). */
int lc_json_canonical(const json_t *v, char **out, size_t *len, lc_diag *diag);

#endif
