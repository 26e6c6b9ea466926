/*
 * From the station's wiring and the channel's expected map to the optical paths the measurement functions
 * of procedures/measure/ take: for each fiber of the DUT, the launch (source output, switch channel) on the
 * side its light enters and the detector (switch channel, meter channel) on the side it leaves.
 *
 * Switches: a wire names the switch port on the DUT side (switch_channel) and on the instrument side
 * (switch_input, 1 for the common port of a 1xN switch).
 *
 * Ports: a wire's instrument_port is the instrument's physical port; what it is (a source, a sensor, an RL
 * module) the driver says (lc_instrument_port_class). A to_dut wire launches only from a source port, is an
 * RL port only from an RL-meter port; a from_dut wire detects only into a power-meter port. A DUT port may
 * have several wires in one direction (a source and an RL module through one matrix switch).
 */
#ifndef LC_PROCEDURES_OPTICAL_PATHS_H
#define LC_PROCEDURES_OPTICAL_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "fixtures/channel.h"
#include "fixtures/station.h"
#include "procedures/measure/optical.h"
#include "procedures/instrument_set.h"

typedef struct lc_wired_path {
	lc_optical_path path;
	size_t map_index;                 /* the channel map entry (lane = map_index + 1) */
	char launch_port[LC_PORT_NAME_MAX];
	char detect_port[LC_PORT_NAME_MAX];
	char label[2 * LC_PORT_NAME_MAX + 8];
} lc_wired_path;

/*
 * The paths of every map entry that the station wires for a slot, in map order: reverse false measures each
 * fiber in the direction its light travels in the link (from -> to), true the opposite. Returns the count
 * (0 when the station wires none: the caller says so), or an error (a wire's switch role is not a switch, or a
 * switch that cannot park shares a channel between two inputs: LC_ERR_UNSUPPORTED, "station design"). Only
 * source ports launch and only power-meter ports detect (lc_wire_of_class). *out is malloc'ed.
 */
int lc_wired_paths(const lc_channel *ch, const lc_station *st, lc_instrument_set *set, unsigned slot, bool reverse,
		   lc_wired_path **out, lc_diag *diag);

/* 1 when the wire's instrument port is of class c (and *inst, *channel: the instrument and its class channel,
 * each may be NULL), 0 when it is not, the role is not open, or the instrument has no such port. */
int lc_wire_port_class(const lc_station_wire *w, lc_instrument_set *set, enum lc_inst_class c, lc_instrument **inst,
		       int *channel);
/* The first wire of a slot's DUT port in a direction whose instrument port is of class c, or NULL. */
const lc_station_wire *lc_wire_of_class(const lc_station *st, lc_instrument_set *set, unsigned slot,
					const char *dut_port, enum lc_wire_direction dir, enum lc_inst_class c);
/* The return-loss port of a to_dut wire from an RL-meter port (LC_ERR_ARG if it is not one; LC_ERR_UNSUPPORTED
 * when another input of its switch reaches the same channel and the switch cannot park). */
int lc_wire_rl_port(const lc_station *st, const lc_station_wire *w, lc_instrument_set *set, lc_rl_port *p, lc_diag *diag);

/* Launches (every wire into the DUT from a source port) and detectors (every wire out of it to a power-meter
 * port) of a slot,
 * with the DUT port names as labels. Returns 0 or an error; arrays malloc'ed. */
typedef struct lc_wired_ends {
	size_t n_launch, n_detect;
	lc_launch *launch;
	lc_detector *detect;
	char (*launch_port)[LC_PORT_NAME_MAX];
	char (*detect_port)[LC_PORT_NAME_MAX];
} lc_wired_ends;

int lc_wired_ends_get(const lc_station *st, lc_instrument_set *set, unsigned slot, lc_wired_ends *out, lc_diag *diag);
void lc_wired_ends_free(lc_wired_ends *e);
/* expected[i]: the detector index (into e) where the channel routes launch i, or -1 (LC_MAP_DARK of
 * procedures/measure/map.h) when it routes it to no wired detector. */
void lc_wired_expected_map(const lc_channel *ch, const lc_wired_ends *e, int *expected);

/* Lock every distinct instrument of the paths (in address order, so slots never deadlock), and unlock. */
void lc_wired_lock(lc_instrument **insts, size_t n);
void lc_wired_unlock(lc_instrument **insts, size_t n);
/* Collect the distinct instruments of paths into insts (room for 4 * n); returns the count. */
size_t lc_wired_instruments(const lc_wired_path *p, size_t n, lc_instrument **insts);

#endif
