/*
 * SFF-8024 code tables (instruments/module/sff8024.def): identifiers, connectors, CMIS media types, host and
 * media interface IDs, SFF-8636 extended compliance codes.
 *
 * Thread safety: constant tables; the functions are reentrant.
 */
#ifndef LC_MODULE_SFF8024_H
#define LC_MODULE_SFF8024_H

#include <stdint.h>

enum lc_sff8024_table {
	LC_SFF8024_ID,
	LC_SFF8024_CONNECTOR,
	LC_SFF8024_MEDIA_TYPE,
	LC_SFF8024_HOST_IF,
	LC_SFF8024_MMF_IF,
	LC_SFF8024_SMF_IF,
	LC_SFF8024_COPPER_IF,
	LC_SFF8024_ACTIVE_IF,
	LC_SFF8024_EXT_COMPLIANCE,
};

/* The name of a code, or NULL when the table does not list it. */
const char *lc_sff8024_name(enum lc_sff8024_table t, uint8_t code);
/* The media interface table a CMIS media type (byte 85) selects; -1 when there is none. */
int lc_sff8024_media_table(uint8_t media_type);

#endif
