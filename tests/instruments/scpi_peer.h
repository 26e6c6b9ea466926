/*
 * A scripted SCPI instrument on loopback for driver tests: it listens on 127.0.0.1 (port from bind(0)),
 * records every line it receives byte for byte, and answers from a rule table. Rules are matched in the
 * order added, unused `once` rules before standing ones; a `once` rule is used up by its first match, so a
 * test can script a sequence (first *STB? says 4, the next ones the standing 0). A line no rule matches is recorded as unexpected and gets no reply.
 *
 * Thread safety: one peer thread; the test adds rules before connecting, or between operations.
 */
#ifndef LC_TESTS_SCPI_PEER_H
#define LC_TESTS_SCPI_PEER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct scpi_peer scpi_peer;

scpi_peer *scpi_peer_start(void);
void scpi_peer_stop(scpi_peer *p);
/* "TCPIP::127.0.0.1::<port>::SOCKET" */
const char *scpi_peer_resource(const scpi_peer *p);

/* Answer cmd with reply + "\n" (reply NULL: accept silently). A '*' in cmd (other than a leading one, as in
 * "*IDN?") matches any run of characters: ":SENS*:POW:WAV?". */
void scpi_peer_rule(scpi_peer *p, const char *cmd, const char *reply);
void scpi_peer_rule_once(scpi_peer *p, const char *cmd, const char *reply);
/* Refuse cmd as an instrument does a command it rejects: no reply, and error ("-221,\"Settings conflict\"")
 * queued; while the queue holds entries *STB? answers 4 (EAV) and SYST:ERR? pops the oldest, before any rule. */
void scpi_peer_rule_refuse(scpi_peer *p, const char *cmd, const char *error);
/* Answer with raw bytes (blocks), no terminator added. */
void scpi_peer_rule_bytes(scpi_peer *p, const char *cmd, const void *bytes, size_t len);
void scpi_peer_rule_bytes_once(scpi_peer *p, const char *cmd, const void *bytes, size_t len);
/* The usual IEEE 488.2 answers: *STB? -> 0, *OPC? -> 1. */
void scpi_peer_rule_common(scpi_peer *p);

/* Received lines, without their '\n', joined by '|' (e.g. "*IDN?|:SENS1:POW:UNIT 1|*STB?"). */
const char *scpi_peer_log(scpi_peer *p);
/* The log without the *STB? and SYST:ERR? lines of error-queue checks (they follow every operation). */
const char *scpi_peer_log_nostb(scpi_peer *p);
void scpi_peer_clear_log(scpi_peer *p);
/* Lines that matched no rule, '|'-joined; "" if none. */
const char *scpi_peer_unexpected(scpi_peer *p);
/* True if every line received ended in exactly one '\n' (no CR, no missing terminator). */
bool scpi_peer_lf_only(scpi_peer *p);

#endif
