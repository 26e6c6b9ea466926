/*
 * What every simulated OTDR shares, whatever its dialect: the DUT events it sees from its port (following
 * the station's cords and switch routes), the synthesized trace of an acquisition, and the acquisition as
 * a SOR file whose KeyEvents are the world's ground truth: the components and defects the trace was
 * synthesized from, with their positions, losses and reflectances (a real OTDR stores its firmware's
 * analysis; the simulator knows better, and must never borrow the client's analysis, or end-to-end tests
 * could not see its mistakes). Built on the simulator's own trace synthesis (sim/world/otdr_synth.h) and
 * the SOR writer of formats/, never on anything under instruments/.
 *
 * Thread safety: functions act on the caller's lc_sim_otdr; callers serialise (the engine's lock).
 */
#ifndef LC_SIM_OTDR_SIM_H
#define LC_SIM_OTDR_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "sim/world/otdr_synth.h"
#include "sim/world/world.h"

#define LC_SIM_OTDR_MAX_EVENTS 64

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
	double atten_db_km, bc_db;       /* the fibre's Rayleigh slope and backscatter coefficient */
	double front_reflectance_db;     /* the front panel's connector */
	lc_otdr_synth_event truth[LC_SIM_OTDR_MAX_EVENTS]; /* what the trace was made of, by position */
	size_t n_truth;
	uint32_t acquired_unix;          /* when (the simulated clock's time): FxdParams' timestamp */
} lc_sim_otdr;

/* Synthesize an acquisition of n points over range_m at nm. LC_ERR_NOMEM / LC_ERR_ARG. */
int lc_sim_otdr_acquire(lc_sim_otdr *o, double nm, double pulse_ns, double range_m, double avg_s, size_t n);
/* The last acquisition as a SOR file (*file malloc'ed). supplier/model/serial go into SupParams; the
 * KeyEvents are the truth (the front panel, then every event of the channel, the end last), the timestamp
 * o->acquired_unix. */
int lc_sim_otdr_sor(const lc_sim_otdr *o, const char *supplier, const char *model, const char *serial,
		    uint8_t **file, size_t *len);
void lc_sim_otdr_free(lc_sim_otdr *o);

#endif
