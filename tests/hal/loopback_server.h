/*
 * A scripted SCPI peer for tests: a thread in the test process listening on 127.0.0.1 (port from bind(0)),
 * accepting one connection and playing a list of steps — expect a line, send bytes in chunks of any size,
 * sleep, close mid-message, flood, signal the test — then, if asked, echoing every line it receives.
 * Every step is bounded (15 s at most waiting for the client or the test: generous, because a loaded machine
 * may not run the client for seconds, and only a broken test ever waits that long), so no test hangs the suite.
 */
#ifndef LC_TESTS_LOOPBACK_SERVER_H
#define LC_TESTS_LOOPBACK_SERVER_H

#include <stddef.h>
#include <stdint.h>

enum lb_op {
	LB_END = 0,
	LB_EXPECT,       /* read one '\n'-terminated line; it must equal data */
	LB_EXPECT_BYTES, /* read exactly len bytes; they must equal data */
	LB_SEND,         /* send data (len bytes, or strlen) in writes of arg bytes (0: one write) */
	LB_SLEEP,        /* sleep arg ms */
	LB_CLOSE,        /* close the connection */
	LB_SIGNAL,       /* let lb_wait_signal() return */
	LB_FLOOD,        /* send arg bytes of 'x' (no terminator); arg -1: without end, until the client leaves */
	LB_ECHO,         /* from now on answer each line L with "L\n" ("ECHO? abc" -> "abc") */
	LB_SINK,         /* read and drop exactly arg bytes (fails if fewer come) */
	LB_HOLD,         /* neither read nor send until the test calls lb_release(): a peer that provably does not
			  * answer while the client's timeout runs, however slowly the machine runs either side */
};

typedef struct lb_step {
	enum lb_op op;
	const char *data;
	size_t len;
	int arg;
} lb_step;

#define LB_EXPECT_LINE(s) {LB_EXPECT, (s), 0, 0}
#define LB_REPLY(s) {LB_SEND, (s), 0, 0}
#define LB_REPLY_CHUNKED(s, n) {LB_SEND, (s), 0, (n)}
#define LB_REPLY_BYTES(s, l) {LB_SEND, (s), (l), 0}
#define LB_WAIT_MS(ms) {LB_SLEEP, NULL, 0, (ms)}
#define LB_HOLD_UNTIL_RELEASED {LB_HOLD, NULL, 0, 0}
#define LB_DONE {LB_END, NULL, 0, 0}

typedef struct lb_server lb_server;

/* Start a server playing steps (copied; data pointers must stay valid). */
lb_server *lb_start(const lb_step *steps);
/* The same script played on the master of a pseudo-terminal (a serial instrument): the resource is
 * "ASRL/dev/pts/N::INSTR"; the slave is in raw mode. */
lb_server *lb_start_pty(const lb_step *steps);
uint16_t lb_port(const lb_server *s);
/* "TCPIP::127.0.0.1::<port>::SOCKET" */
const char *lb_resource(const lb_server *s);
/* Wait (at most 15 s) for the next LB_SIGNAL step; returns 0 if it came. */
int lb_wait_signal(lb_server *s);
/* Let the script go on past its next LB_HOLD step (the count is kept: a release may come before the hold). */
void lb_release(lb_server *s);
/* Stop the server; returns the number of script failures (mismatched or missing lines). */
int lb_stop(lb_server *s);
/* The first failure's description ("" if none). Valid until lb_stop. */
const char *lb_failure(const lb_server *s);

#endif
