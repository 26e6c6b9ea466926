/*
 * The module instrument class (LC_CLASS_MODULE): a transceiver or cable end read through an I2C adapter.
 * Modules have no *IDN?, so they are not bound through the SCPI registry (instruments/registry.h): a
 * station role whose resource is an I2C resource (I2C::linux::/dev/i2c-3, I2C::sim::127.0.0.1:5100) is
 * opened with lc_module_open(), and everything a procedure needs is here:
 *
 *     lc_module *mod;
 *     lc_module_opts o; lc_module_opts_init(&o); o.mem.mux_addr = 0x70; o.mem.mux_channel = 1;
 *     lc_module_open("I2C::sim::127.0.0.1:5100", &o, &mod, &d);
 *     lc_module_info info;  lc_module_read_info(mod, &info, &d);    // identity, DOM per lane, flags, thresholds
 *     lc_module_set_tx_disable(mod, 3, true, &d);                    // darken lane 3 (read back to verify)
 *     json_t *j = lc_module_snapshot(mod, &d);                       // for reports
 *     lc_module_close(mod);
 *
 * Thread safety: an lc_module may be shared by threads (the bus lock covers each operation);
 * lc_module_close() must not race with other use.
 */
#ifndef LC_MODULE_MODULE_H
#define LC_MODULE_MODULE_H

#include <stdbool.h>

#include <jansson.h>

#include "base/error.h"
#include "fixtures/station.h"
#include "hal/i2c.h"
#include "formats/module_image.h"
#include "instruments/module/module_info.h"
#include "instruments/module/module_memory.h"

typedef struct lc_module_opts {
	lc_i2c_opts i2c;
	lc_module_mem_opts mem;
} lc_module_opts;

typedef struct lc_module lc_module;

void lc_module_opts_init(lc_module_opts *o);
/* Open the bus of an I2C resource and the module on it. opts may be NULL. */
int lc_module_open(const char *resource, const lc_module_opts *opts, lc_module **out, lc_diag *diag);
/* A module on a bus the caller keeps (several modules behind one mux share a bus). */
int lc_module_open_bus(lc_i2c *bus, const lc_module_opts *opts, lc_module **out, lc_diag *diag);
/*
 * One end of a station's module instrument (a role whose resource is an I2C resource): its layout
 * "A:0,B1:1,B2:2" gives the mux channel of each end label (the simulator writes it); the mux is at 0x70
 * unless opts says otherwise. Without a layout the role is one module with no mux (end NULL or "A").
 */
int lc_module_open_end(const lc_station_instrument *si, const char *end, const lc_module_opts *opts,
		       lc_module **out, lc_diag *diag);
/* The same choice without opening: set o's mux fields for that end (o keeps its other fields). */
int lc_module_end_opts(const lc_station_instrument *si, const char *end, lc_module_opts *o, lc_diag *diag);
void lc_module_close(lc_module *mod);
lc_module_mem *lc_module_memory(lc_module *mod);

/* Read the pages the decoders use (and extra_page >= 0). */
int lc_module_read_image(lc_module *mod, int extra_page, lc_module_image *img, lc_diag *diag);
/* Read and decode. */
int lc_module_read_info(lc_module *mod, lc_module_info *info, lc_diag *diag);
/* Disable (or enable) the transmitter of lane (1-based): CMIS page 10h byte 130 (lanes 1-8), SFF-8636
 * byte 86 (lanes 1-4). Read-modify-write of the other lanes' bits, then read back: a module that ignored
 * the write is LC_ERR_INSTRUMENT. */
int lc_module_set_tx_disable(lc_module *mod, unsigned lane, bool disable, lc_diag *diag);
/*
 * A module image from a source that is either an I2C resource ("I2C::..." : read live, extra_page as in
 * lc_module_read_image) or the path of a saved dump (module_image.h). For `lanecert module` and
 * `lanecert compat`, whose arguments may be either.
 */
int lc_module_read_source(const char *source, const lc_module_opts *opts, int extra_page, lc_module_image *img,
			  lc_diag *diag);

/* {"adapter", "identifier", "module": lc_module_info_json} — a new reference or NULL with diag. */
json_t *lc_module_snapshot(lc_module *mod, lc_diag *diag);

#endif
