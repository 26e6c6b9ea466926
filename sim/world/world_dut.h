/*
 * The DUT adapter of the simulated world (world_dut.c): a fixtures lc_dut (cable type + defects) as physics.
 * Ports are the channel's port names without the world's "dut:" prefix ("A:1", "B1:rx", "A:tx3").
 * Not thread-safe by itself: the world calls it under its mutex.
 */
#ifndef LC_SIM_WORLD_DUT_H
#define LC_SIM_WORLD_DUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixtures/dut.h"
#include "fixtures/limits.h"
#include "sim/world/world.h"

enum lc_sim_polish { LC_SIM_POLISH_NONE = 0, LC_SIM_POLISH_UPC, LC_SIM_POLISH_APC };

struct lc_sim_dut;

/* Take ownership of dut and lim on success (lc_sim_dut_free frees them); on failure they stay the caller's.
 * LC_ERR_UNSUPPORTED (diag names `where` and the defect) for a defect this simulator cannot model. */
int lc_sim_dut_new(lc_dut *dut, lc_limits *lim, uint64_t seed, const char *where, struct lc_sim_dut **out,
		   lc_diag *diag);
void lc_sim_dut_free(struct lc_sim_dut *d);

/* The port at the other end that light entering `port` leaves by, and the loss at nm (defects included).
 * LC_ERR_NOT_FOUND: no fiber there (dark position) or the fiber is broken. */
int lc_sim_dut_cross(struct lc_sim_dut *d, const char *port, double nm, char *other, size_t cap, double *loss_db);
/* The effective polish of the DUT's connector at a port (an APC with a UPC ferrule mated in reads as UPC),
 * and a reflectance the scenario imposes there (NAN if none). */
enum lc_sim_polish lc_sim_dut_polish(struct lc_sim_dut *d, const char *port, double *reflectance_db);
/* The loss where a station cord of fiber mode `cord` meets the DUT's fiber at `port`, light running into the
 * DUT (into_dut) or out of it: 0 for fibers of one mode (or a mode not stated), else the mode-mismatch figure
 * of that direction (rows "world.mode_mismatch.*" of fixtures/limits, UNCONFIRMED). 0 for a reference thru. */
double lc_sim_dut_junction_loss(const struct lc_sim_dut *d, const char *port, enum lc_fiber_mode cord, bool into_dut);
/* The loss where a station cord of polish `cord` mates with the DUT's connector at `port`: the row
 * "world.apc_upc_mate.loss" of fixtures/limits (UNCONFIRMED) for an APC face against a UPC one, else 0 (one
 * polish, or a polish not stated). 0 for a reference thru. */
double lc_sim_dut_polish_loss(const struct lc_sim_dut *d, const char *port, enum lc_sim_polish cord);
int lc_sim_dut_lane_map(struct lc_sim_dut *d, int *map, size_t cap);
int lc_sim_dut_lane_ber(struct lc_sim_dut *d, int lane, double *ber);
int lc_sim_dut_port_ber(struct lc_sim_dut *d, const char *tx, double *ber);
int lc_sim_dut_lane_dark(struct lc_sim_dut *d, int lane);
int lc_sim_dut_events(struct lc_sim_dut *d, const char *port, double nm, lc_sim_event *ev, size_t cap);
int lc_sim_dut_module_temp(struct lc_sim_dut *d, const char *label, bool traffic, double *celsius);
int lc_sim_dut_module_power(struct lc_sim_dut *d, const char *label, bool traffic, double *watts);
/* Reference thru: the DUT is out and the station's cords are joined as the design maps them, through
 * reference adapters (what an operator does to take a 1-jumper reference). */
void lc_sim_dut_set_thru(struct lc_sim_dut *d, bool thru);
/* The slot's design (the cable type its station expects) when the DUT is another type: a thru joins the
 * cords as it maps them. Takes ownership of design (NULL: the DUT's own type), freeing one set before. */
void lc_sim_dut_set_design(struct lc_sim_dut *d, lc_channel *design);
bool lc_sim_dut_is_thru(const struct lc_sim_dut *d);
/* The slot is left empty: the operator joins the cords for a reference thru as the design says, then plugs
 * nothing in (the scenario's "slot_empty"). */
void lc_sim_dut_set_empty(struct lc_sim_dut *d, bool empty);
/* Something is in the slot's place now: the cable, or the cords joined for a reference thru. */
bool lc_sim_dut_is_present(const struct lc_sim_dut *d);

/* snprintf(dst, cap, "%s", src) without printf's cost (the world's files share it): port names are copied on
 * every hop of every reading. */
void lc_sim_copy_str(char *dst, size_t cap, const char *src);

#endif
