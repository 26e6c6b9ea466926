/*
 * The live view's state: the events `lanecert run` publishes (serve/publish.c) arrive on an AF_UNIX SOCK_SEQPACKET
 * socket (one message per event, one connection per run), update the state of their slot and are kept, numbered, in a bounded ring from which every
 * Server-Sent Events stream reads. A browser that reconnects with its Last-Event-ID catches up from the ring;
 * one that has missed more than the ring holds (or whose id is from an earlier server) is told to reload.
 *
 * Event ids are "BOOT.SEQ": BOOT (hex) changes at every start of the server, SEQ counts from 1.
 * Thread safety: every function may be called from any thread.
 */
#ifndef LC_SERVE_LIVE_H
#define LC_SERVE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lanecert/base.h>

#define LC_LIVE_RING 1024   /* events kept for catching up */
#define LC_LIVE_SLOTS_MAX 64

typedef struct lc_live_slot {
	char station[64];
	unsigned slot;
	bool running;
	char serial[80], operator_name[160], procedure[128], cable[128];
	char step[128];
	unsigned index, total;  /* step index (from 1) of total; 0: none yet */
	double fraction;        /* progress of the step, NaN: none */
	double eta_s;           /* NaN: none */
	char progress_text[160];
	char last_verdict[16], last_reason[512], last_serial[80];
	int64_t updated_ms;
} lc_live_slot;

typedef struct lc_live lc_live;

/* A hub without a socket (tests, fuzzing): events come through lc_live_ingest(). */
int lc_live_new(lc_live **out, lc_diag *diag);
/* Bind the events socket at path (a stale socket left by a server that died is replaced; one a live server
 * holds is LC_ERR_BUSY; a file that is no socket is never removed: LC_ERR_BUSY) and receive in a thread. */
int lc_live_listen(lc_live *l, const char *path, lc_diag *diag);
/* Stop receiving, wake every reader (they end their streams), remove the socket. */
void lc_live_shutdown(lc_live *l);
void lc_live_free(lc_live *l);

/* One event message: 0 when taken, LC_ERR_FORMAT when it is no event (dropped, counted). */
int lc_live_ingest(lc_live *l, const char *buf, size_t len);

/* A copy of up to cap slots' states; *last_id receives the id of the last event they include ("" before any
 * event: 40 bytes). Returns the number of slots. */
size_t lc_live_slots(lc_live *l, lc_live_slot *out, size_t cap, char last_id[40]);

/* Where a stream starts: after the event whose id is last_id (NULL or unparsable: only events to come;
 * an id of another boot or older than the ring: a reset first). */
uint64_t lc_live_resume_point(lc_live *l, const char *last_id, bool *reset);
/* Stream text for a reader at *next: a reset, the events from *next that fit cap (advancing *next), or after
 * wait_ms without any a keep-alive comment. Returns the bytes written, 0 never; -1 once the hub is shut
 * down (the stream ends). */
long lc_live_read(lc_live *l, uint64_t *next, bool *reset, char *buf, size_t cap, int wait_ms);

/* Counters for the health of the feed. */
void lc_live_counts(lc_live *l, unsigned long *received, unsigned long *rejected);

#endif
