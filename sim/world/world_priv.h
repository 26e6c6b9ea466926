/*
 * Inside the simulated world: the station graph (links, switches, sources), the noise streams and the DUT
 * adapter over fixtures' channel model. Only world*.c and the scenario builder include this.
 */
#ifndef LC_SIM_WORLD_PRIV_H
#define LC_SIM_WORLD_PRIV_H

#include <pthread.h>

#include "fixtures/station.h"
#include "sim/world/world.h"
#include "sim/world/world_dut.h"

/* an eight-slot 800G DR8 bench wires 256 fibers (stations/dr8-eight-slots-bench.json) */
#define LC_SIM_MAX_LINKS 512
#define LC_SIM_MAX_SOURCES 64
#define LC_SIM_MAX_SWITCHES 64
#define LC_SIM_MAX_ROUTES 256
#define LC_SIM_NOISE_KEYS 1024
#define LC_SIM_MAX_EXTRA_DUTS 8
/* Longest chain of cords, switches and DUT crossings followed before giving up (a wiring loop). */
#define LC_SIM_MAX_HOPS 32

/* A cord or fiber between two ports (bidirectional): a fixed loss, or a station reference cord's loss per
 * wavelength; and the polish of each end's connector (NONE: whatever it mates with). */
struct lc_sim_link {
	char a[LC_SIM_PORT_MAX], b[LC_SIM_PORT_MAX];
	double loss_db;
	bool has_cord;
	lc_reference_cord cord;
	enum lc_sim_polish polish_a, polish_b;
	enum lc_fiber_mode mode; /* the cord's fiber, from its type ("... MM OM4 ...", "... SM ..."); NONE: not stated */
};

struct lc_sim_source {
	char port[LC_SIM_PORT_MAX];
	bool on;
	double nm, dbm;
};

/* A switch: routes join two of its ports; each route costs the switch's insertion loss. */
struct lc_sim_switch {
	char role[32];
	double il_db;
};

struct lc_sim_route {
	char a[LC_SIM_PORT_MAX], b[LC_SIM_PORT_MAX];
};

struct lc_sim_noise_key {
	uint64_t hash;
	uint64_t count;
};

struct lc_sim_world {
	pthread_mutex_t mu;
	uint64_t seed;
	double time_scale;
	struct lc_sim_link links[LC_SIM_MAX_LINKS];
	size_t n_links;
	struct lc_sim_source sources[LC_SIM_MAX_SOURCES];
	size_t n_sources;
	struct lc_sim_switch switches[LC_SIM_MAX_SWITCHES];
	size_t n_switches;
	struct lc_sim_route routes[LC_SIM_MAX_ROUTES];
	size_t n_routes;
	struct lc_sim_noise_key noise[LC_SIM_NOISE_KEYS];
	struct lc_sim_dut *dut; /* the scenario's DUT, ports "dut:...", NULL: none (DUT ports lead nowhere) */
	bool traffic;           /* a BERT's pattern runs through the DUT: its modules work under load */
	unsigned dut_slot;      /* the station slot it sits in (the scenario's "slot") */
	/* DUTs in other slots of a multi-slot station, ports "dutN:..." for slot N */
	struct lc_sim_dut *extra[LC_SIM_MAX_EXTRA_DUTS];
	unsigned extra_slot[LC_SIM_MAX_EXTRA_DUTS];
	size_t n_extra;
};

/* Building (used by the scenario builder and by tests that wire a station by hand). */
int lc_sim_world_new(uint64_t seed, double time_scale, lc_sim_world **out);
/* cord may be NULL (then loss_db applies at every wavelength). */
int lc_sim_world_add_link(lc_sim_world *w, const char *a, const char *b, double loss_db,
			  const lc_reference_cord *cord, enum lc_sim_polish pa, enum lc_sim_polish pb, lc_diag *diag);
/* The port cabled to port a, or NULL. */
const char *lc_sim_world_link_peer(const lc_sim_world *w, const char *a);
int lc_sim_world_add_switch(lc_sim_world *w, const char *role, double il_db, lc_diag *diag);
/* Hand the DUT to the world (it frees it). */
void lc_sim_world_set_dut(lc_sim_world *w, struct lc_sim_dut *dut);
/* Another slot's DUT, reached through ports "dutN:<port>" (the world frees it). */
int lc_sim_world_add_slot_dut(lc_sim_world *w, unsigned slot, struct lc_sim_dut *dut, lc_diag *diag);

/* Noise without locking (caller holds w->mu). */
double lc_sim_noise_uniform_locked(lc_sim_world *w, const char *key);
double lc_sim_noise_gauss_locked(lc_sim_world *w, const char *key);

#endif
