/*
 * Module management memory over I2C: lower page (bytes 0-127) always visible, upper pages (128-255) selected
 * by the page byte 127 and, for CMIS pages 10h-FFh, the bank byte 126 (domain-facts §5). Optionally behind
 * a PCA9548A-style I2C mux (one control byte, bit n = channel n), as on fixtures that hold several modules
 * on one bus; the simulator's I2C service models one (docs/module.md).
 *
 * Honest and cache-free: every read goes to the module. Before each operation the mux channel and the page
 * are selected again (another user of the bus may have moved them), and the page select is read back:
 * a module that does not implement a page answers with another page number, which is LC_ERR_UNSUPPORTED,
 * never data of the wrong page. After any write the module may NAK while it commits (its write cycle);
 * NAKs are retried until write_settle_ms has passed, then returned.
 *
 * Thread safety: an lc_module_mem borrows its bus and holds the bus lock for each whole operation (mux,
 * page select, read back, transfer), so several modules behind one mux may be read from different threads.
 */
#ifndef LC_MODULE_MEMORY_H
#define LC_MODULE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hal/i2c.h"
#include "formats/module_image.h"

#define LC_MODULE_I2C_ADDR 0x50 /* 1010000x: SFF-8636 and CMIS (domain-facts §5) */

typedef struct lc_module_mem_opts {
	uint8_t addr;        /* 0: 0x50 */
	uint8_t mux_addr;    /* 0: no mux; else the mux's 7-bit address (PCA9548A: 0x70..0x77) */
	int mux_channel;     /* 0..7 when mux_addr is set */
	int write_settle_ms; /* how long NAKs after a write are retried; 0: 80 ms. The module write-cycle time
	                        of SFF-8636/CMIS is not in domain-facts: UNCONFIRMED, hence configurable */
} lc_module_mem_opts;

typedef struct lc_module_mem lc_module_mem;

void lc_module_mem_opts_init(lc_module_mem_opts *o);
/* Reads byte 0 to learn whether the module is CMIS (bank select) or SFF-8636. */
int lc_module_mem_open(lc_i2c *bus, const lc_module_mem_opts *opts, lc_module_mem **out, lc_diag *diag);
void lc_module_mem_close(lc_module_mem *m);
/* The identifier byte read at open. */
uint8_t lc_module_mem_identifier(const lc_module_mem *m);

/* Read len bytes at offset (0..255) of bank/page. Offsets below 128 are the lower page (page ignored);
 * a read may not cross from the lower page into the upper one (LC_ERR_ARG). */
int lc_module_mem_read(lc_module_mem *m, unsigned bank, unsigned page, unsigned offset, uint8_t *buf, size_t len,
		       lc_diag *diag);
int lc_module_mem_write(lc_module_mem *m, unsigned bank, unsigned page, unsigned offset, const uint8_t *data,
			size_t len, lc_diag *diag);

/* Read the pages the decoders use: lower and 00h; for paged memory SFF-8636 03h, CMIS 01h, 02h, 10h, 11h
 * (bank 0). extra_page >= 0 adds that page (bank 0) too (`lanecert module --page N`). */
int lc_module_mem_read_image(lc_module_mem *m, int extra_page, lc_module_image *img, lc_diag *diag);

#endif
