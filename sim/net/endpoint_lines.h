/*
 * Splitting a byte stream into program messages, block-aware: a terminator inside a definite block
 * (#NLLL<data>) is data, so "TRAC:DATA #15a\nbc\n" is one message. A terminator inside a quoted string still
 * ends the message (the engine then reports the unterminated string), so a stray quote cannot wedge the
 * stream. A message longer than max is discarded up to its terminator and -363 "Input buffer overrun" is
 * pushed; the stream resynchronises there.
 *
 * Thread safety: one splitter per connection, used by its thread only.
 */
#ifndef LC_SIM_ENDPOINT_LINES_H
#define LC_SIM_ENDPOINT_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lc_sim_lines {
	uint8_t *buf;
	size_t len, cap, max;
	char term;
	int state;
	char quote;
	int ndig;        /* block header digits still to read */
	size_t blk_left; /* block data bytes still to come */
	bool overflow;   /* discarding up to the next terminator */
} lc_sim_lines;

/* Callback for each complete message (terminator removed); overflowed says the message was too long and
 * only its first max bytes are given (the caller pushes -363). Returns false to stop feeding (close). */
typedef bool (*lc_sim_lines_cb)(const uint8_t *msg, size_t len, bool overflowed, void *user);

int lc_sim_lines_init(lc_sim_lines *l, size_t max, char term);
void lc_sim_lines_free(lc_sim_lines *l);
void lc_sim_lines_reset(lc_sim_lines *l);
/* Feed n bytes; calls cb per complete message. Returns false if cb asked to stop. */
bool lc_sim_lines_feed(lc_sim_lines *l, const uint8_t *data, size_t n, lc_sim_lines_cb cb, void *user);
/* End of a message-based transfer (VXI-11 END): emit what is buffered as a message, if anything. */
bool lc_sim_lines_flush(lc_sim_lines *l, lc_sim_lines_cb cb, void *user);

#endif
