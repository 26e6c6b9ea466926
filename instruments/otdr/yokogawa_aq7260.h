/*
 * The Yokogawa AQ7260 OTDR driver's own API (instruments/otdr/yokogawa_aq7260.c): the event table as the
 * instrument reports it (EDR), which the OTDR class does not carry (its events come from the SOR file).
 *
 * Thread safety: lc_aq7260_read_event holds the instrument lock; lc_aq7260_parse_edr is pure.
 */
#ifndef LC_INSTRUMENTS_OTDR_YOKOGAWA_AQ7260_H
#define LC_INSTRUMENTS_OTDR_YOKOGAWA_AQ7260_H

#include <stdbool.h>

#include "base/error.h"

/* What lanecert appends to every AQ7260 command before the session's LF. UNCONFIRMED: the reference gives no
 * RS-232 terminator; the instrument ends its own replies in CR LF (manual p. 8-60), so CR LF is sent too.
 * The one place to change it (the identity query in instruments/identities.def uses it as well). */
#define LC_AQ7260_LINE_END "\r"

typedef struct lc_instrument lc_instrument;

/* One EDR reply: "event No., distance, splice loss, return loss, cumulative loss, dB/km, event type". */
typedef struct lc_aq7260_event {
	int number;               /* the event No. field (0 for the END line) */
	bool end;                 /* the far end ("END" in the number field) */
	double distance_m;
	double splice_loss_db;
	double return_loss_db;
	double cumulative_loss_db;
	double slope_db_km;
	int type;                 /* the instrument's event type code (meaning UNCONFIRMED) */
} lc_aq7260_event;

/* Parse one EDR reply (without its CR LF). LC_ERR_PROTOCOL with the field and offset that is malformed. */
int lc_aq7260_parse_edr(const char *reply, lc_aq7260_event *ev, lc_diag *diag);
/* EDR number (holds the instrument lock): number 1.. for events, 0 for the E point, -1 for the R point (the manual's numbering). */
int lc_aq7260_read_event(lc_instrument *inst, int number, lc_aq7260_event *ev, lc_diag *diag);

#endif
