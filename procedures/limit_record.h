/*
 * Where a measurement's limit comes from, recorded beside it so that a certificate can name it: the row's
 * standard and clause, its id, whether the reference material marks it UNCONFIRMED, and for a length-based
 * budget the arithmetic that gives its total. reports/ shows these extras (docs/reports.md, "Named limits").
 *
 * Thread safety: reentrant; each call writes into its own run's result.
 */
#ifndef LC_PROCEDURES_LIMIT_RECORD_H
#define LC_PROCEDURES_LIMIT_RECORD_H

#include <stddef.h>

#include "fixtures/budget.h"
#include "procedures/run_priv.h"

/* Extras of measurement idx for a limit row: limit_id, limit_source (the row's "standard": standard and
 * clause, e.g. "IEEE 802.3cm-2020 Cl.138"), limit_status = "unconfirmed" for a row marked UNCONFIRMED. */
void lc_record_limit_row(lc_run *run, int idx, const lc_limit *lim);
/* When lim (a row, or a budget made of rows) was confirmed by the station's limits confirmation file: the
 * measurement's extras limit_status "confirmed", limit_confirmed_by (the file's name) and
 * limit_confirmed_sha256 (its SHA-256), which the certificate shows next to the limit. */
void lc_record_limit_confirmation(lc_run *run, int idx, const lc_limit *lim);

/* The arithmetic of a length-based budget, one term per kind of contribution with the standard of its row:
 * "2 mated pairs × 0.5 dB (TIA-568.3-E) + 0.003 km × 3 dB/km (TIA-568.3-D/E, UNCONFIRMED) = 1.009 dB".
 * Always NUL-terminated (cut on a character when cap is too small). */
void lc_budget_basis(const lc_budget *b, const lc_limits *lims, char *buf, size_t cap);

/* The limit_source of a length-based budget. */
#define LC_BUDGET_LIMIT_SOURCE "TIA-568.3 length-based limit (Tier 1): connections, splices and fiber attenuation"

#endif
