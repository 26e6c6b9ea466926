/*
 * The station dashboard (`lanecert serve`): an HTTP server for the people on a line — the slots live, the
 * history of runs with their reports, the yield, the station's health — and the publisher through which
 * `lanecert run` feeds it its events. This is the one header of serve/ that cli/ may include
 * (docs/HACKING.md, "Floors and arrows"); serve/ itself uses the public API <lanecert/...> only, so the
 * dashboard is built on what any program linking liblanecert could build on, and libmicrohttpd stays out of
 * liblanecert (lc_serve is a static library of its own, linked into the lanecert program like lc_sim).
 *
 * Thread safety: one server per lc_serve; lc_serve_start/lc_serve_stop from one thread. A publisher is used
 * by one run process; lc_publish_line may be called from several threads (each send is one message).
 */
#ifndef LC_SERVE_SERVE_H
#define LC_SERVE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lanecert/base.h>

#define LC_SERVE_STATIONS_MAX 8
#define LC_SERVE_TOKEN_MAX 256
#define LC_SERVE_DEFAULT_PORT 8470
/* The largest event message: a longer one is dropped by the publisher and the server alike. */
#define LC_PUBLISH_DATAGRAM_MAX 4096

typedef struct lc_serve_opts {
	const char *listen;                 /* "ADDR:PORT" or "[V6]:PORT"; NULL: 127.0.0.1:8470; port 0: any */
	const char *db;                     /* results store path; NULL: the default store */
	const char *live_socket;            /* the events socket; NULL: lc_publish_default_path(db) */
	const char *stations[LC_SERVE_STATIONS_MAX]; /* station files for the line and health pages */
	size_t n_stations;
	const char *fixtures_dir;           /* where station names are looked up; NULL: the default */
	const char *pubkey;                 /* public key file reports are verified with; NULL: not verified */
	const char *token;                  /* access token (required off loopback), NULL: none */
	const char *tls_cert, *tls_key;     /* PEM files: HTTPS (both or neither) */
	unsigned max_connections;           /* 0: 128 */
	unsigned max_rate;                  /* requests per second over all clients (burst the same); 0: 500 */
	const char *shifts;                 /* shift starts "HH:MM,HH:MM,..." (1 to 6, rising) in the server's local
					     * time zone (TZ) for the quality page; NULL: days only */
} lc_serve_opts;

typedef struct lc_serve lc_serve;

/* Start serving in background threads. *out receives the server (NULL on failure). Errors: LC_ERR_ARG for a
 * bad listen address, malformed shifts, a token missing for a non-loopback address, half a TLS pair; LC_ERR_UNSUPPORTED for a
 * postgresql:// store or TLS without GnuTLS in libmicrohttpd; LC_ERR_BUSY when the address or the events
 * socket is taken; LC_ERR_IO/LC_ERR_NOT_FOUND for files; detail in diag. */
int lc_serve_start(const lc_serve_opts *opts, lc_serve **out, lc_diag *diag);
/* The address actually bound, "http://127.0.0.1:PORT/" (the port chosen when 0 was asked). */
const char *lc_serve_url(const lc_serve *s);
/* The events socket the server receives on. */
const char *lc_serve_live_socket(const lc_serve *s);
/* Stop: closes every connection (SSE streams end), joins the threads, removes the events socket. NULL: no-op. */
void lc_serve_stop(lc_serve *s);

/* ---- publishing (the run side) ---- */

typedef struct lc_publisher lc_publisher;

/* The events socket that belongs to a results store: "<store path>.live" (db NULL: the default store). The
 * run and the server derive the same path from the same --db, so they meet without configuration.
 * LC_ERR_ARG when the path does not fit an AF_UNIX address (then there is no default). */
int lc_publish_default_path(const char *db, char *buf, size_t size, lc_diag *diag);
/* A publisher that sends messages to the server listening at path (AF_UNIX SOCK_SEQPACKET), each event tagged
 * with the station's name and the run's pid. Opening never fails because nobody listens: that is found (and
 * ignored) at each send, and a connection is tried again at most twice a second. */
int lc_publish_open(const char *path, const char *station, lc_publisher **out, lc_diag *diag);
/* Send one event (a JSON object's text, {"event":...}). Never blocks and never fails the caller: an event
 * nobody receives, or that does not fit the connection's buffer, is dropped and counted. */
void lc_publish_line(lc_publisher *p, const char *json, size_t len);
/* Events dropped so far (no listener, queue full, too long). */
unsigned long lc_publish_dropped(const lc_publisher *p);
void lc_publish_close(lc_publisher *p);

#endif
