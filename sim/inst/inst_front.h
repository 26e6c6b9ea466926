/*
 * A raw-socket front for instruments whose dialect is not SCPI (DiCon GP600 "X1 CH 1 2"): lines are split by
 * simnet's block-aware splitter, rewritten by the kind's translate() into the engine's SCPI form and executed
 * by the engine; replies, faults (silent, close, cut, latency) are honoured as the engine's endpoints do.
 * It exists because the engine has no per-instrument message hook; once it has, these kinds use the standard
 * endpoints and this file goes.
 *
 * Thread safety: start/stop from one thread; one thread per connection (at most 16; one for a pty), all joined
 * by stop.
 */
#ifndef LC_SIM_INST_FRONT_H
#define LC_SIM_INST_FRONT_H

#include "base/error.h"
#include "sim/scpi/scpi_engine.h"

typedef struct lc_sim_front lc_sim_front;
typedef int (*lc_sim_translate_fn)(const char *msg, size_t len, char *out, size_t cap);

/* Listen on a loopback address and port (0: any free); the reply terminator is term ("\r\n"). */
int lc_sim_front_start(lc_sim_scpi *e, lc_sim_translate_fn tr, const char *address, int port, const char *term,
		       lc_sim_front **out, lc_diag *diag);
/* The same on a pseudo-terminal (raw mode, the serial-port form of such instruments): clients open
 * lc_sim_front_pty_path(). */
int lc_sim_front_start_pty(lc_sim_scpi *e, lc_sim_translate_fn tr, const char *term, lc_sim_front **out,
			   lc_diag *diag);
int lc_sim_front_port(const lc_sim_front *f);
const char *lc_sim_front_pty_path(const lc_sim_front *f); /* NULL for a socket front */
void lc_sim_front_stop(lc_sim_front *f);

#endif
