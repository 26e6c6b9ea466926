/*
 * A generic test instrument on the SCPI engine, reachable on a raw socket, VXI-11 and HiSLIP at once: for the HAL's
 * transport tests and benchmarks, the interoperability tests (PyVISA, lxi-tools) and `lanecert-bench sim`.
 *
 * Commands (besides the IEEE 488.2 common commands and SYST:ERR?):
 *   [SOURce#]:VALue <number>|MIN|MAX|DEF   / [SOURce#]:VALue?   a settable value, -1E9..1E9, default 0
 *                                          per channel 1..4 (SOUR3:VAL 2.5); *RST sets 0
 *   [SOURce#]:STATe ON|OFF / ?             a boolean per channel
 *   TEST:BLOCk? [<n>]                      a definite block of n bytes (default 256, max 16 MiB), byte i = i % 256
 *                                          (so it contains '\n' and NUL bytes)
 *   TEST:DATA <block> / TEST:DATA?         stores a block, returns it
 *   TEST:ECHO? <string>                    returns the string quoted
 *   TEST:DELay? <seconds>                  spends that much instrument time, returns 1
 *   TEST:ERRor <code>                      pushes an error into the queue
 *
 * Thread safety: start/stop from one thread; the instrument's state is guarded by its engine's lock.
 */
#ifndef LC_SIM_TESTINST_H
#define LC_SIM_TESTINST_H

#include "base/error.h"
#include "sim/net/endpoint.h"
#include "sim/scpi/scpi_engine.h"

#define LC_SIM_TESTINST_IDN "LANECERT,SIM-TEST,SN0001,1.0"

typedef struct lc_sim_testinst lc_sim_testinst;

typedef struct lc_sim_testinst_opts {
	const char *address;  /* loopback address, default "127.0.0.1" */
	int socket_port;      /* raw socket: 5025, 0 = any free, -1 = none */
	int vxi11_port;       /* VXI-11 core channel: 0 = any free, -1 = no VXI-11 endpoint */
	int portmapper_port;  /* VXI-11 portmapper: 111, 0 = any free, -1 = none */
	const char *idn;      /* default LC_SIM_TESTINST_IDN */
	lc_sim_clock *clock;  /* NULL: real time */
	uint32_t max_recv_size; /* VXI-11 maxRecvSize / HiSLIP maximum message size, 0: the endpoint's default */
	int hislip_port;      /* HiSLIP: 4880, 0 = any free, -1 = none (the default) */
	int max_connections;  /* per endpoint, 0: the endpoint's default */
} lc_sim_testinst_opts;

void lc_sim_testinst_opts_init(lc_sim_testinst_opts *o);
int lc_sim_testinst_start(const lc_sim_testinst_opts *o, lc_sim_testinst **out, lc_diag *diag);
/* Stop the endpoints (joining their threads) and free the instrument. NULL is allowed. */
void lc_sim_testinst_stop(lc_sim_testinst *t);

lc_sim_scpi *lc_sim_testinst_engine(lc_sim_testinst *t);
/* NULL when not started. */
lc_sim_endpoint *lc_sim_testinst_socket(lc_sim_testinst *t);
lc_sim_endpoint *lc_sim_testinst_vxi11(lc_sim_testinst *t);
lc_sim_endpoint *lc_sim_testinst_hislip(lc_sim_testinst *t);

#endif
