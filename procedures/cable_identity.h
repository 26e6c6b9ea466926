/* What a certified cable is, from its cable type, for the certificate (procedures/cable_identity.c). */
#ifndef LC_PROCEDURES_CABLE_IDENTITY_H
#define LC_PROCEDURES_CABLE_IDENTITY_H

#include <stddef.h>

#include "fixtures/channel.h"
#include "reports/result.h"

/* The connectors at one end (0: A, 1: B) of ch in words into buf: "MPO-16 UPC female", "8 x LC duplex UPC"
 * (with the multiplication sign), "QSFP-DD" for a module's host side; "" when the end has no connector.
 * Reentrant. */
void lc_cable_end_text(const lc_channel *ch, unsigned end, char *buf, size_t cap);

/* Record ch's identity (part number, description, fiber mode and category, length, both ends) in r
 * (lc_result_set_cable). 0 or the setter's LC_ERR_*. Reentrant. */
int lc_cable_identity_record(const lc_channel *ch, lc_result *r, lc_diag *diag);

#endif
