/*
 * A module on a modelled I2C bus, for the module memory tests: an lc_i2c_ops adapter (hal/i2c.h) whose bus
 * holds a PCA9548A-style mux at 0x70 and module memories at 0x50 on its channels, with the misbehaviours a
 * real module shows: pages it does not implement, NAKs while it commits a page select, writes it ignores.
 */
#ifndef LC_TESTS_MODULE_BUS_MODEL_H
#define LC_TESTS_MODULE_BUS_MODEL_H

#include <stdbool.h>

#include "hal/i2c.h"
#include "formats/module_image.h"

typedef struct tm_module {
	bool present;
	bool cmis;
	lc_module_image img;   /* pages the module implements (bank 0; other banks refused) */
	uint8_t offset;
	uint8_t sel_page, sel_bank;
	int nak_after_select;  /* NAK this many transfers after each page select write */
	int naks_left;
	bool ignore_writes;    /* ACK writes to controls but keep the old value */
	int writes, reads;     /* transfers seen */
} tm_module;

typedef struct tm_bus {
	uint8_t mux;
	bool has_mux;
	tm_module mod[8];       /* per mux channel; without a mux only mod[0] answers */
	int mux_writes;
} tm_bus;

/* A bus over the model (the bus does not free it). */
int tm_bus_open(tm_bus *b, lc_i2c **out);

#endif
