/*
 * The simulated station's physical world: where light goes and what it loses.
 *
 * A world is built from a scenario (sim/world/scenario.h): the station wiring (which instrument port is
 * cabled to which switch port or DUT port, with reference-cord losses) and the DUT instance (a cable type of
 * fixtures/cables with its defects, through fixtures' channel model). Simulated instruments change the
 * world's state (a source turned on at 1310 nm, a switch routing input 1 to output 5) and ask it what they
 * would measure (the power at a meter channel, the reflectance seen by a return-loss port). Simulated BERTs,
 * OTDRs and module memories ask the DUT-level questions (lane map, lane BER, events along a path).
 *
 * Ports are named "ROLE:PORT": the instrument role of the station file and the instrument's own port name
 *   meter channel        "pm1:3"          (N774x channel 3, PM100 "pm2:1")
 *   816x slot            "mf1:2"          (slot 2; the second head of a dual sensor is "mf1:2.2")
 *   N773x switch         "sw1:A" "sw1:7"  (input A, port 7)
 *   matrix switch        "sw2:in1" "sw2:out5"  (GP600 X1 matrix)
 *   DUT                  "dut:A:<port>" "dut:B:<port>"  (the port names of fixtures' cable type, end A/B)
 *
 * Noise is deterministic: each reading draws from a stream keyed by (seed, port, reading number of that
 * port), so the same seed and the same sequence of commands per instrument give the same numbers whatever
 * the interleaving of threads.
 *
 * Thread safety: every function may be called from any thread; the world has one mutex held for each call.
 * A world outlives the instruments that use it.
 */
#ifndef LC_SIM_WORLD_H
#define LC_SIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct lc_sim_world lc_sim_world;
struct lc_sim_scenario;

/* Power reported for a path that carries no light before noise: far below any meter's floor. */
#define LC_SIM_DARK_DBM (-200.0)
#define LC_SIM_PORT_MAX 96

/* ---- building ---------------------------------------------------------------------------------------- */

/* Build the world of a loaded scenario (the scenario must outlive the world). diag names file and key. */
int lc_sim_world_create(const struct lc_sim_scenario *sc, lc_sim_world **out, lc_diag *diag);
void lc_sim_world_destroy(lc_sim_world *w);

uint64_t lc_sim_world_seed(const lc_sim_world *w);
/* Set before instruments start (the runner's --time-scale). */
void lc_sim_world_set_time_scale(lc_sim_world *w, double scale);
/* Simulated seconds per wall second (>= 1 compresses time). */
double lc_sim_world_time_scale(const lc_sim_world *w);

/* ---- station state changed by instruments ------------------------------------------------------------ */

/* A source port (laser) on or off, at a wavelength and an output power. Registers the port as a source. */
int lc_sim_world_source_set(lc_sim_world *w, const char *port, bool on, double nm, double dbm);
/* 1 if on, 0 if off, LC_ERR_NOT_FOUND if never set. */
int lc_sim_world_source_is_on(lc_sim_world *w, const char *port);
/* Ports of sources that are on now, written "a,b,c" into buf ("" when all are off). Returns their count. */
int lc_sim_world_sources_on(lc_sim_world *w, char *buf, size_t cap);

/* Route switch port a to port b (both "ROLE:PORT"), replacing any route of either; b NULL parks a. */
int lc_sim_world_switch_route(lc_sim_world *w, const char *a, const char *b);
/* The port routed to port a, into buf ("" when parked). */
int lc_sim_world_switch_peer(lc_sim_world *w, const char *a, char *buf, size_t cap);

/* The DUT of a slot (1: the scenario's) replaced by a reference thru, or put back. LC_ERR_NOT_FOUND if the
 * slot has no DUT. */
int lc_sim_world_set_reference_thru(lc_sim_world *w, unsigned slot, bool thru);

/* ---- what instruments measure ----------------------------------------------------------------------- */

/*
 * True optical power (dBm, no noise) arriving at a port: the power of the source its chain of cords, switch
 * routes and DUT fibers ends at (every element joins one port to one port, so at most one source), minus the
 * loss of that chain at the source's wavelength. LC_SIM_DARK_DBM when it ends elsewhere or the source is off.
 */
int lc_sim_world_power_true(lc_sim_world *w, const char *port, double *dbm);

/*
 * A noisy reading of the power at a meter port in watts, as an instrument whose floor is floor_dbm (its
 * dark noise at 100 ms averaging) would give it after averaging for atime_s: relative noise and floor noise both
 * fall with sqrt(averaging time). A dark port reads |noise| around the floor, never exactly zero.
 */
int lc_sim_world_power_read_w(lc_sim_world *w, const char *port, double atime_s, double floor_dbm, double *watts);

/*
 * The same reading as a meter calibrated for set_nm gives it: a photodiode's responsivity depends on the
 * wavelength, and the meter divides by its responsivity at the wavelength it was told, so light at another
 * wavelength reads off by R(light)/R(set) (InGaAs: 1310 nm light on a meter set to 1550 nm reads ~0.45 dB
 * low). set_nm <= 0: no correction (as lc_sim_world_power_read_w).
 */
int lc_sim_world_power_read_cal(lc_sim_world *w, const char *port, double set_nm, double atime_s, double floor_dbm,
				double *watts);

/*
 * Return loss (dB, positive) seen from a return-loss meter port: its light follows the routes to the first
 * connector of the DUT it reaches; the value follows the mated polishes there (APC-APC, UPC-UPC, APC-UPC),
 * plus deterministic noise. LC_ERR_NOT_FOUND (and *rl_db = 0) when the port leads nowhere (open: ~14.7 dB
 * Fresnel would need a cleaved end; an unconnected switch output is treated as terminated and reads the
 * meter's floor, returned as the positive value `floor_db`).
 */
int lc_sim_world_return_loss(lc_sim_world *w, const char *port, double nm, double floor_db, double *rl_db);

/*
 * The DUT port that light leaving an instrument port reaches now (through its cord and the switch routes as
 * they stand), as "dut:A:7", and the loss up to that connector. LC_ERR_NOT_FOUND when the chain ends before
 * the DUT (unrouted switch, uncabled port). For instruments that follow the switches (an OTDR behind a matrix).
 */
int lc_sim_world_reach(lc_sim_world *w, const char *port, double nm, char *dut_port, size_t cap, double *loss_db);

/* ---- DUT-level questions (for simulated BERTs, OTDRs, module memory) ------------------------------------ */

/*
 * Loss (dB) of the DUT from one of its ports to a port at its other end at a wavelength, defects included
 * ("dut:A:MPO.1" to "dut:B:L1.RX"). LC_ERR_NOT_FOUND when no fiber of the instance joins them.
 */
int lc_sim_world_dut_loss(lc_sim_world *w, const char *from, const char *to, double nm, double *loss_db);

/* Optical power arriving at DUT port `to` when `from` is launched with launch_dbm (dut_loss applied). */
int lc_sim_world_dut_power(lc_sim_world *w, const char *from, const char *to, double nm, double launch_dbm,
			   double *dbm);

/* Lane map of the instance: map[i] = the far-end Rx lane that near-end Tx lane i arrives at (-1 if dark).
 * Returns the number of lanes (entries written up to cap). */
int lc_sim_world_lane_map(lc_sim_world *w, int *map, size_t cap);
/* Bit-error ratio of near-end Tx lane i at its far end (defects included); LC_ERR_STATE if the lane is dark
 * (no light: a BERT loses pattern sync rather than counting errors). */
int lc_sim_world_lane_ber(lc_sim_world *w, int lane, double *ber);
/* Bit-error ratio of the light launched into DUT port `from` ("dut:A:tx3"), the model of
 * lc_sim_world_lane_ber() (defects included), for simulated module checkers; LC_ERR_NOT_FOUND for a port of
 * no DUT. Whether light arrives is lc_sim_world_dut_loss()'s business. */
int lc_sim_world_port_ber(lc_sim_world *w, const char *from, double *ber);
/* 1 if lane i carries no light (broken fiber, dark lane), 0 if it does. */
int lc_sim_world_lane_dark(lc_sim_world *w, int lane);

/* One event along a fiber path (connector, splice, bend, break, end), in the order light meets them. */
typedef struct lc_sim_event {
	double distance_m;     /* from the DUT port the path starts at */
	double loss_db;        /* at the wavelength asked */
	double reflectance_db; /* negative dB; 0 for a non-reflective event */
	char kind[16];         /* "connector", "splice", "break", "end", ... as fixtures' channel names them */
} lc_sim_event;

/* Events along the DUT fiber that starts at port `from`, at a wavelength. Returns the count (up to cap). */
int lc_sim_world_events(lc_sim_world *w, const char *from, double nm, lc_sim_event *ev, size_t cap);

/* Module temperature of a DUT end ('A'/'B') in °C as the scenario's defects set it (nominal 40 °C); an
 * over_temperature defect "under_load" applies only while traffic runs (lc_sim_world_set_traffic). */
int lc_sim_world_module_temp(lc_sim_world *w, char end, double *celsius);
/* The same for the module of one leg ("B3"; "A", "B" for a straight cable). */
int lc_sim_world_module_temp_at(lc_sim_world *w, const char *label, double *celsius);
/* What the module of one end or leg ("A", "B3") draws from its supply now, in W: more while traffic runs
 * (world_dut.c has the figures), or what an over_power defect says. */
int lc_sim_world_module_power_at(lc_sim_world *w, const char *label, double *watts);
/* Whether a BERT's pattern runs through the DUT now (the simulated BERTs set it with their outputs). */
void lc_sim_world_set_traffic(lc_sim_world *w, bool on);

/* ---- deterministic noise, for instruments that draw their own ---------------------------------------- */

/* A standard normal deviate from the stream named `key`; the n-th call for a key gives the same value
 * for the same seed. */
double lc_sim_world_gauss(lc_sim_world *w, const char *key);
/* A uniform deviate in [0, 1) from the stream named `key`. */
double lc_sim_world_uniform(lc_sim_world *w, const char *key);

#endif
