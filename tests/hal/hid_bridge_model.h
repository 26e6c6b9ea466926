/*
 * Models of the USB I2C bridges behind the lc_hid_io interface (hal/i2c.h), for the CP2112 (AN495) and
 * MCP2221A adapter tests: each keeps a module-like memory at 0x50 (256 bytes, a register pointer) and
 * answers the reports as the datasheets describe, with injectable faults.
 */
#ifndef LC_TESTS_HID_BRIDGE_MODEL_H
#define LC_TESTS_HID_BRIDGE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/i2c.h"

typedef struct hid_model {
	uint8_t mem[256];
	uint8_t ptr;
	/* output queue of input reports */
	uint8_t q[64][64];
	int qlen[64];
	int qhead, qtail;
	/* pending transfer */
	uint8_t data[600];
	int data_len, data_pos;
	bool nak;          /* this transfer's address was not acknowledged */
	/* faults */
	int busy_polls;    /* status polls answered "busy" before completion (-1: forever) */
	int error_status1; /* CP2112: >= 0 ends the transfer in error with this status1 */
	int short_by;      /* deliver this many bytes fewer than asked */
	int engine_state;  /* MCP2221: an engine error state for the next transfer (0: none) */
	bool refuse_busy;  /* MCP2221: the next command is refused with "busy" */
	uint8_t version;   /* CP2112 device version */
	/* what the adapter sent */
	uint8_t last_out[64];
	int cancels, outs;
	uint8_t config[16];
	bool closed;
} hid_model;

void hid_model_init(hid_model *m);
lc_hid_io hid_model_cp2112(hid_model *m);
lc_hid_io hid_model_mcp2221(hid_model *m);

#endif
