/*
 * Simulated module memories (sim/inst/inst_module*.c): one per end or leg of the DUT, behind the
 * I2C service's mux. inst_module.c builds them from the cable type and keeps the DOM following the world;
 * inst_module_mem.c holds the memory maps (CMIS or SFF-8636) and answers the bus. Private to these files.
 */
#ifndef LC_SIM_INST_MODULE_PRIV_H
#define LC_SIM_INST_MODULE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/world/world.h"

#define SIM_MOD_MAX_ENDS 9 /* a DR8 and its eight DR1s: mux 0x70 channels 0-7, 0x71 channel 0 */
#define SIM_MOD_LANES 8
#define SIM_MOD_PAGES 8 /* 00h 01h 02h 03h 10h 11h 13h 14h */

struct sim_modules;

#define SIM_MOD_BREAKOUTS 2
/* A CMIS optic's narrower application: `legs` copies, each on host_lanes host lanes and media_lanes media
 * lanes (a DR4's 4 x 100GBASE-DR: 4 legs, 100GAUI-2 on 2 host lanes, 1 media lane). */
struct sim_mod_breakout {
	unsigned legs;
	uint8_t host_code;
	unsigned host_lanes;
	uint8_t media_code;
	unsigned media_lanes;
};

/* What the generator needs to know about one end (filled by inst_module.c). */
struct sim_mod_end {
	char label[8];         /* "A", "B", "B3" */
	char end;              /* 'A' or 'B' (the world's module temperature is per end) */
	int channel;           /* mux channel */
	uint8_t identifier;    /* SFF-8024 byte 0 */
	bool cmis, copper, flat, breakout_near; /* breakout_near: the 8-lane end of a breakout */
	unsigned lanes;        /* lanes this module drives */
	unsigned far_legs;     /* legs at the other end (1 for a straight cable) */
	unsigned host_lanes;   /* lanes its DSP presents to the host (the cable's host_lanes), 0 = `lanes` */
	/* a separate optic plugged into a fiber DUT (a DR4 module on a breakout harness, a DR1 on a leg): its
	 * media interface code (CMIS SMF table / SFF-8636 byte 192) and, for a CMIS optic that breaks out, its
	 * breakout applications; 0 = not an optic (the end of an AOC or DAC) */
	bool optic;
	uint8_t media_code;
	uint8_t host_code;               /* CMIS host interface code of its full-width application */
	struct sim_mod_breakout brk[SIM_MOD_BREAKOUTS]; /* its narrower applications (legs 0: none) */
	uint8_t connector;               /* SFF-8024 connector code of the optic's receptacle */
	unsigned host_app_lanes; /* host lanes of the optic's full-width application */
	double nm, length_m;
	char vendor[17], pn[17], sn[17];
	/* lane k: its Tx port ("A:tx3") and where that light lands (end index, lane); its Rx port and the
	 * (end, lane) whose Tx feeds it; -1 when not connected */
	char tx_port[SIM_MOD_LANES][24], rx_port[SIM_MOD_LANES][24];
	int far_end[SIM_MOD_LANES], far_lane[SIM_MOD_LANES];
	int src_end[SIM_MOD_LANES], src_lane[SIM_MOD_LANES];
	/* CMIS diagnostics (pages 13h/14h): whether this module advertises PRBS generators and checkers (option
	 * "prbs"), the wall time each media checker lane was switched on and its loss-of-lock latch */
	bool diag;
	int64_t chk_start_us[SIM_MOD_LANES];
	uint8_t chk_lol;
	/* memory */
	uint8_t lower[128];
	uint8_t up[SIM_MOD_PAGES][128];
	uint8_t offset;
	struct sim_modules *all;
};

struct sim_modules {
	lc_sim_world *world;
	size_t n;
	struct sim_mod_end ends[SIM_MOD_MAX_ENDS];
	double tx_dbm, bias_ma;
	int power_class;     /* CMIS class 1..8 the AOC ends declare */
	double max_power_w;  /* and their maximum power */
};

/* Fill the static part of an end's memory (identity, advertisements, thresholds). */
void lc_sim_mod_build(struct sim_mod_end *e, const struct sim_modules *all);
/* Recompute the live part (monitors, flags) from the world and the other ends' Tx disable bits. */
void lc_sim_mod_refresh(struct sim_mod_end *e);
/* Whether lane k of end e has its transmitter disabled (Tx disable register). */
bool lc_sim_mod_tx_disabled(const struct sim_mod_end *e, unsigned lane);
/* The light arriving at lane k's Rx port (power in dBm) and the end and lane that launch it; false when dark. */
bool lc_sim_mod_arriving(const struct sim_mod_end *e, unsigned k, double *dbm, const struct sim_mod_end **src,
			 unsigned *src_lane);
#define SIM_MOD_RX_LOS_DBM (-14.0) /* below it the receiver declares loss of signal (RX_LOS_MW) */
/* Whether lane k of end e runs its media-side PRBS generator, and with which pattern id. */
bool lc_sim_mod_generating(const struct sim_mod_end *e, unsigned lane, int *pattern);
/* Page 14h's results for the checkers that run (inst_module_diag.c), page 13h's enables as written. */
void lc_sim_mod_diag_refresh(struct sim_mod_end *e);
/* Page 13h: a checker enable byte was written (old value before): start the lanes switched on. */
void lc_sim_mod_diag_enabled(struct sim_mod_end *e, uint8_t before, uint8_t after);
/* Build the advertisement of pages 13h/14h. */
void lc_sim_mod_diag_build(struct sim_mod_end *e);
uint8_t *lc_sim_mod_page(struct sim_mod_end *e, uint8_t id);
/* Bus callbacks (lc_sim_i2c_device). */
int lc_sim_mod_write(void *user, const uint8_t *data, size_t len);
int lc_sim_mod_read(void *user, uint8_t *buf, size_t len);

#endif
