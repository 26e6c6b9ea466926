/*
 * The simulator's I2C service: an I2C bus model served on an SCPI engine, one query per transfer
 * (protocol in docs/hal.md "I2C service"; client hal/i2c_sim.c):
 *     I2C:XFER? <addr>,<rlen>[,"<hex bytes to write>"]   ->  definite block: status byte [+ rlen bytes]
 * status 0 done, 1 address NAK, 2 data NAK, 3 arbitration lost, 4 clock stretched too long.
 *
 * The bus has PCA9548A-style muxes at 0x70..0x77 (one control byte each, bit n enables channel n) in front of
 * the devices attached to channels: channel c is channel c % 8 of the mux at 0x70 + c / 8 (a bench of nine
 * modules needs two muxes; a real one strapped at 0x71 has A0 high). Devices attached with channel -1 sit
 * before the muxes and are always visible.
 * A device is a pair of callbacks; a transfer is the device's write (if any) then its read (if any), as a
 * repeated start joins them on a real bus.
 *
 * Thread safety: transfers run inside the engine's handler (engine lock held), so the device callbacks are
 * never called concurrently for one service. Attach devices and set faults before serving.
 */
#ifndef LC_SIM_I2C_SERVICE_H
#define LC_SIM_I2C_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "sim/scpi/scpi_engine.h"

enum lc_sim_i2c_status {
	LC_SIM_I2C_OK = 0,
	LC_SIM_I2C_NAK_ADDR = 1,
	LC_SIM_I2C_NAK_DATA = 2,
	LC_SIM_I2C_ARB_LOST = 3,
	LC_SIM_I2C_STRETCH = 4,
};

#define LC_SIM_I2C_MUX_ADDR 0x70
#define LC_SIM_I2C_MUXES 8
#define LC_SIM_I2C_MAX_READ 256

typedef struct lc_sim_i2c_device {
	/* Bytes written after the address; returns an lc_sim_i2c_status. */
	int (*write)(void *user, const uint8_t *data, size_t len);
	/* Fill buf with len bytes; returns an lc_sim_i2c_status, or a count < len for a device that stops
	 * early (the master then reads 0xFF, as a released SDA line reads; the reply carries what was read). */
	int (*read)(void *user, uint8_t *buf, size_t len);
	void *user;
} lc_sim_i2c_device;

typedef struct lc_sim_i2c_service lc_sim_i2c_service;

/* Register I2C:XFER on engine (before it is served). The service is freed with lc_sim_i2c_service_free. */
int lc_sim_i2c_service_create(lc_sim_scpi *engine, lc_sim_i2c_service **out, lc_diag *diag);
void lc_sim_i2c_service_free(lc_sim_i2c_service *s);
/* Attach a device at addr on a mux channel (0..63: mux 0x70 + channel / 8) or before the muxes (-1). */
int lc_sim_i2c_service_attach(lc_sim_i2c_service *s, int channel, uint8_t addr, const lc_sim_i2c_device *dev,
			      lc_diag *diag);
/* Fault injection for tests: the next `count` transfers end with `status` (a short read when status is
 * LC_SIM_I2C_OK and short_by > 0: the block carries short_by fewer bytes than asked). */
void lc_sim_i2c_service_fault(lc_sim_i2c_service *s, int status, unsigned count, unsigned short_by);

#endif
