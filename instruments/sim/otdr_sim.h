/*
 * What every simulated OTDR shares, whatever its dialect: the DUT events it sees from its port (following
 * the station's cords and switch routes), the synthesized trace of an acquisition, and the acquisition as
 * a SOR file whose KeyEvents are the instrument's own (lanecert's analysis of its trace, as a real OTDR
 * stores its firmware's). Built on lc_otdr_core (synthesis, analysis, SOR writer; hal only, never a client
 * driver).
 *
 * Thread safety: functions act on the caller's lc_sim_otdr; callers serialise (the engine's lock).
 */
#ifndef LC_SIM_OTDR_SIM_H
#define LC_SIM_OTDR_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "instruments/sim/world.h"

typedef struct lc_sim_otdr {
	lc_sim_world *world;
	char role[64];
	char dut_port[LC_SIM_PORT_MAX]; /* "" = follow the station from "ROLE:1" */
	double launch_m;                 /* launch cord before the front of the DUT */
	double far_end_r;                /* reflectance of an unterminated far end, dB */
	unsigned acquisitions;           /* seeds successive acquisitions differently */
	/* the last acquisition */
	double *level_db;                /* n levels, dB (backscatter falling with distance) */
	size_t n;
	double dx_m, nm, pulse_ns, avg_s, range_m;
	double floor_db;                 /* the receiver's lowest level */
	bool reached;                    /* the port led to a DUT fiber (else only the launch cord) */
} lc_sim_otdr;

/* Synthesize an acquisition of n points over range_m at nm. LC_ERR_NOMEM / LC_ERR_ARG. */
int lc_sim_otdr_acquire(lc_sim_otdr *o, double nm, double pulse_ns, double range_m, double avg_s, size_t n);
/* The last acquisition as a SOR file (*file malloc'ed). supplier/model/serial go into SupParams. */
int lc_sim_otdr_sor(const lc_sim_otdr *o, const char *supplier, const char *model, const char *serial,
		    uint8_t **file, size_t *len);
void lc_sim_otdr_free(lc_sim_otdr *o);

#endif
