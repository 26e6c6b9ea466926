/*
 * Raw replies on an SCPI session, for instruments that are not IEEE 488.2 (Yokogawa AQ7260 OTDR): a binary
 * reply with no block header whose length the instrument announced some other way (a size query before the
 * file, a known point count). Framing stays exact: the reply is exactly n bytes, never "what arrived".
 *
 * lc_scpi_query_exact writes cmd (with the session's write terminator) and reads exactly n bytes; bytes
 * already buffered by an earlier framed read are used first, bytes after the n-th stay for the next read.
 * Fewer than n bytes by the session's deadline, or the peer closing (or a message-based transport marking
 * the end) before n: LC_ERR_TRUNCATED with "k of n bytes" in the detail (LC_ERR_TIMEOUT / LC_ERR_CLOSED
 * when not one byte came). The session then discards what is left as after any abandoned reply.
 *
 * Thread safety: as hal/scpi.h (the session mutex is held for the whole exchange).
 */
#ifndef LC_HAL_SCPI_RAW_H
#define LC_HAL_SCPI_RAW_H

#include <stddef.h>

#include "hal/scpi.h"

int lc_scpi_query_exact(lc_scpi *s, const char *cmd, void *buf, size_t n);
/* The same without writing (the rest of a reply whose first part was read framed). */
int lc_scpi_read_exact(lc_scpi *s, void *buf, size_t n);

#endif
