/*
 * <lanecert/module.h>: Module memory: CMIS / SFF-8636 images, decoding, reading over I2C, link compatibility.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_MODULE_H
#define LANECERT_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "module_image.h"

/* ---- instruments/module/module_info.h ---- */
/*
 * A decoded module: identity, DOM per lane, flags and thresholds, from an image (module_image.h) by the
 * SFF-8636 decoder (QSFP+/QSFP28, instruments/module/sff8636.c) or the CMIS decoder (QSFP-DD, OSFP, QSFP112,
 * instruments/module/cmis.c). Field sources are cited in those files; units are in the field names.
 *
 * Bounds: every decoder checks the image it gets. A page it needs that is absent is LC_ERR_TRUNCATED, a
 * field that contradicts another or the specification (identifier copy at byte 128 differing from byte 0,
 * an application advertising 9 lanes, non-ASCII in a vendor name) is LC_ERR_FORMAT; the diag names the
 * page and the byte offset.
 *
 * Thread safety: plain data; the functions are reentrant.
 */




enum lc_module_spec { LC_MODULE_SPEC_UNKNOWN = 0, LC_MODULE_SFF8636 = 1, LC_MODULE_CMIS = 2 };

/* Flags a monitor raised (latched in the module), in the order SFF-8636 and CMIS both list them. */
enum {
	LC_MODULE_HIGH_ALARM = 1,
	LC_MODULE_LOW_ALARM = 2,
	LC_MODULE_HIGH_WARN = 4,
	LC_MODULE_LOW_WARN = 8,
};

typedef struct lc_module_limits {
	bool valid;
	double high_alarm, low_alarm, high_warn, low_warn;
} lc_module_limits;

#define LC_MODULE_LANES_MAX 8 /* CMIS bank 0; lanes 9-16 (bank 1) are not decoded */
#define LC_MODULE_APPS_MAX 8

typedef struct lc_module_lane {
	bool has_tx_bias, has_tx_power, has_rx_power;
	double tx_bias_ma, tx_power_mw, rx_power_mw;
	bool tx_los, rx_los, tx_fault, tx_lol, rx_lol, tx_disabled;
	unsigned tx_bias_flags, tx_power_flags, rx_power_flags; /* LC_MODULE_HIGH_ALARM | ... */
} lc_module_lane;

typedef struct lc_module_app {
	uint8_t host_id, media_id;
	uint8_t host_lanes, media_lanes;
	uint8_t host_lane_mask;  /* lanes where the application may start (bit 0 = lane 1) */
	uint8_t media_lane_mask; /* page 01h 176+i; 0 when page 01h is absent */
	char host_name[64], media_name[64];
} lc_module_app;

typedef struct lc_module_info {
	enum lc_module_spec spec;
	uint8_t identifier;
	char identifier_name[48];
	uint8_t revision;       /* byte 1 as read */
	char revision_text[16]; /* CMIS "5.0"; SFF-8636 "rev 0x08" */
	bool flat_memory;
	char vendor[17], part_number[17], vendor_revision[5], serial[17], date_code[9];
	uint8_t oui[3];
	uint8_t connector;
	char connector_name[32];
	uint8_t media_type;      /* CMIS byte 85; SFF-8636: derived from transmitter technology and compliance */
	char media_type_name[24];
	bool has_cable_length;
	double cable_length_m;
	/* CMIS power class (byte 200 bits 7-5: class 1..8) and the maximum power the module declares (byte 201 x
	 * 0.25 W, scale UNCONFIRMED; NaN when 0: not declared). SFF-8636's byte 129 is not decoded (its class
	 * encoding is not in the reference material). */
	bool has_power_class;
	int power_class;
	double max_power_w;
	bool has_wavelength;
	double wavelength_nm;
	int module_state;        /* CMIS 1..5; -1 for SFF-8636 (no state machine) */
	char module_state_name[16];
	bool has_temperature, has_vcc;
	double temperature_c, vcc_v;
	unsigned temperature_flags, vcc_flags;
	size_t n_lanes;
	lc_module_lane lanes[LC_MODULE_LANES_MAX];
	lc_module_limits temperature_limits_c, vcc_limits_v, tx_power_limits_mw, tx_bias_limits_ma, rx_power_limits_mw;
	size_t n_apps;
	lc_module_app apps[LC_MODULE_APPS_MAX];
	uint8_t near_end_implementation, far_end_config; /* CMIS 210/211 "Cable Assembly Lane
	                                                 * Information", raw: encodings UNCONFIRMED */
	uint8_t eth_compliance, ext_compliance; /* SFF-8636 131/192 */
	char ext_compliance_name[80];
	bool rx_power_is_average;               /* false: OMA */
	unsigned tx_bias_multiplier;            /* CMIS 1/2/4; 1 for SFF-8636 */
} lc_module_info;

/*
 * Decode img with the decoder its identifier byte (byte 0) calls for: lc_sff8636_decode() for
 * 0x0C/0x0D/0x11, lc_cmis_decode() for 0x18/0x19/0x1E/0x21.
 *
 * Returns: 0 with *out filled; LC_ERR_ARG for a NULL img or out; LC_ERR_TRUNCATED without the lower page;
 * LC_ERR_UNSUPPORTED for an identifier that is neither SFF-8636 nor CMIS (SFP, ...); else the decoder's
 * errors (above). On failure *out is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_decode(const lc_module_image *img, lc_module_info *out, lc_diag *diag);
/*
 * Decode an SFF-8636 (QSFP+/QSFP28) image: lower page and page 00h needed, page 03h (thresholds) used when
 * present.
 *
 * Returns: 0 with *out filled; LC_ERR_TRUNCATED for a page it needs that is absent; LC_ERR_FORMAT for an
 * identifier that is not SFF-8636 or fields that contradict each other or the specification (diag names
 * the page and offset). On failure *out is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sff8636_decode(const lc_module_image *img, lc_module_info *out, lc_diag *diag);
/*
 * Decode a CMIS (QSFP-DD, OSFP, QSFP112) image: lower page and page 00h needed; pages 01h, 02h, 10h, 11h
 * used when present (applications, thresholds, lane state).
 *
 * Returns: 0 with *out filled; LC_ERR_TRUNCATED for a page it needs that is absent; LC_ERR_FORMAT for an
 * identifier that is not CMIS, a revision below 3.0 or fields that contradict each other or the
 * specification (diag names the page and offset). On failure *out is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_cmis_decode(const lc_module_image *img, lc_module_info *out, lc_diag *diag);

/*
 * Which spec an identifier (byte 0 of a module's memory) calls for: SFF-8636 for QSFP/QSFP+/QSFP28, CMIS for
 * QSFP-DD, OSFP, QSFP112 and the like.
 *
 * Returns: the spec; LC_MODULE_SPEC_UNKNOWN for another identifier.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API enum lc_module_spec lc_module_spec_of(uint8_t identifier);

/*
 * dBm of a power in mW: 10 log10(mw).
 *
 * Returns: the power in dBm; -INFINITY for 0 ("no light") and below.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_module_mw_to_dbm(double mw);

/*
 * The JSON form of a decoded module (docs/module.md "JSON"), as text: two-space indentation, keys in the
 * documented order, numbers that read back as the same double.
 *
 * Returns: 0 with *json malloc'd and NUL-terminated (the caller frees it with free()); LC_ERR_ARG for a
 * NULL m or json; LC_ERR_NOMEM. On failure *json is NULL (when json is not NULL).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_info_json(const lc_module_info *m, char **json, lc_diag *diag);

/* ---- instruments/module/module_memory.h ---- */
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



#define LC_MODULE_I2C_ADDR 0x50 /* 1010000x: SFF-8636 and CMIS (domain-facts §5) */

typedef struct lc_module_mem_opts {
	uint8_t addr;        /* 0: 0x50 */
	uint8_t mux_addr;    /* 0: no mux; else the mux's 7-bit address (PCA9548A: 0x70..0x77) */
	int mux_channel;     /* 0..7 when mux_addr is set */
	uint8_t mux_others;  /* other PCA9548A muxes on the bus, bit k = the one at 0x70 + k: each is set to no
	                        channel before this one is selected, as two open channels would put two modules
	                        at 0x50 on the bus (a bench of nine modules behind 0x70 and 0x71). Since 0.1 */
	int write_settle_ms; /* how long NAKs after a write are retried; 0: 80 ms. The module write-cycle time
	                        of SFF-8636/CMIS is not in domain-facts: UNCONFIRMED, hence configurable */
} lc_module_mem_opts;

typedef struct lc_module_mem lc_module_mem;

/*
 * Default options: address 0x50, no mux, 80 ms of write settling.
 *
 * Returns: nothing.
 * Thread safety: o belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_module_mem_opts_init(lc_module_mem_opts *o);
/*
 * The module memory at opts->addr (0: 0x50) on bus, behind the mux opts names (NULL: defaults). Selects the
 * mux channel and reads byte 0 to learn whether the module is CMIS (bank select) or SFF-8636. The caller
 * keeps bus, which must outlive the memory.
 *
 * Returns: 0 with *out a new memory the caller frees with lc_module_mem_close(); LC_ERR_ARG for a mux
 * channel outside 0..7; LC_ERR_NOMEM; the bus errors of the mux select or the read (a module or mux that
 * does not answer is LC_ERR_NOT_FOUND or LC_ERR_IO), with diag prefixed "module at 0xNN: ". On failure
 * *out is unchanged.
 * Thread safety: see above (the bus lock is held for the read).
 * Since: 0.1
 */
LC_API int lc_module_mem_open(lc_i2c *bus, const lc_module_mem_opts *opts, lc_module_mem **out, lc_diag *diag);
/*
 * Free a module memory (NULL is allowed). The bus is not closed: it is the caller's.
 *
 * Returns: nothing.
 * Thread safety: must not race with other use of m.
 * Since: 0.1
 */
LC_API void lc_module_mem_close(lc_module_mem *m);
/*
 * The identifier byte (SFF-8024: 0x11 QSFP28, 0x18 QSFP-DD ...) read at open.
 *
 * Returns: the byte.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API uint8_t lc_module_mem_identifier(const lc_module_mem *m);

/*
 * Read len bytes at offset (0..255) of bank/page into buf. Offsets below 128 are the lower page (bank and
 * page ignored); a read may not cross from the lower page into an upper one. The mux channel and the page
 * are selected again before the read, and the page select is read back.
 *
 * Returns: 0 with len bytes in buf; LC_ERR_ARG for a span outside one page, a bank or page above 255, or a
 * bank other than 0 for a page below 10h or on SFF-8636; LC_ERR_UNSUPPORTED when the module does not take
 * that page (its page byte reads back another); the bus errors (diag prefixed with page and offset). On
 * failure buf is unspecified: never partial data as success.
 * Thread safety: holds the bus lock for the whole operation.
 * Since: 0.1
 */
LC_API int lc_module_mem_read(lc_module_mem *m, unsigned bank, unsigned page, unsigned offset, uint8_t *buf, size_t len,
		       lc_diag *diag);
/*
 * Write len bytes (at most 128) of data at offset of bank/page, with the page selection of
 * lc_module_mem_read(); afterwards NAKs are retried for write_settle_ms while the module commits.
 *
 * Returns: 0; LC_ERR_ARG for a span as in lc_module_mem_read() or more than 128 bytes; LC_ERR_UNSUPPORTED
 * for a page the module does not take; the bus errors (diag prefixed with page and offset).
 * Thread safety: holds the bus lock for the whole operation.
 * Since: 0.1
 */
LC_API int lc_module_mem_write(lc_module_mem *m, unsigned bank, unsigned page, unsigned offset, const uint8_t *data,
			size_t len, lc_diag *diag);

/*
 * Read the pages the decoders use into img (emptied first): lower and 00h; unless the memory is flat,
 * SFF-8636 03h or CMIS 01h, 02h, 10h, 11h (bank 0); extra_page >= 0 adds that page (bank 0) too
 * (`lanecert module --page N`).
 *
 * Returns: 0; the errors of lc_module_mem_read() and lc_module_image_put(). On failure img holds the pages
 * read before the error: do not decode it.
 * Thread safety: holds the bus lock for each page read (another thread may move the page between pages; each
 * read selects its own).
 * Since: 0.1
 */
LC_API int lc_module_mem_read_image(lc_module_mem *m, int extra_page, lc_module_image *img, lc_diag *diag);

/* ---- instruments/module/module.h ---- */
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
 *     char *j; lc_module_snapshot(mod, &j, &d); free(j);             // JSON text for reports
 *     lc_module_close(mod);
 *
 * Thread safety: an lc_module may be shared by threads (the bus lock covers each operation);
 * lc_module_close() must not race with other use.
 */




typedef struct lc_module_opts {
	lc_i2c_opts i2c;
	lc_module_mem_opts mem;
} lc_module_opts;

typedef struct lc_module lc_module;

/*
 * Default options: lc_i2c_opts_init() and lc_module_mem_opts_init().
 *
 * Returns: nothing.
 * Thread safety: o belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_module_opts_init(lc_module_opts *o);
/*
 * Open the I2C adapter at resource (I2C::linux::..., I2C::cp2112::..., I2C::mcp2221::..., I2C::sim::...)
 * and the module memory on it (lc_module_mem_open()); opts may be NULL (defaults).
 *
 * Returns: 0 with *out a new module the caller frees with lc_module_close() (which closes the adapter too);
 * the errors of lc_i2c_open() (LC_ERR_ARG for a bad resource string, LC_ERR_NOT_FOUND, LC_ERR_PERMISSION,
 * LC_ERR_IO ...) and of lc_module_mem_open(); LC_ERR_NOMEM. On failure nothing stays open and *out is
 * unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_open(const char *resource, const lc_module_opts *opts, lc_module **out, lc_diag *diag);
/*
 * A module on a bus the caller keeps (several modules behind one mux share a bus); opts->i2c is not used.
 *
 * Returns: 0 with *out a new module the caller frees with lc_module_close() (which leaves bus open);
 * LC_ERR_ARG for a NULL bus; the errors of lc_module_mem_open(); LC_ERR_NOMEM. On failure *out is
 * unchanged.
 * Thread safety: the module shares the bus lock with the bus's other users.
 * Since: 0.1
 */
LC_API int lc_module_open_bus(lc_i2c *bus, const lc_module_opts *opts, lc_module **out, lc_diag *diag);
/*
 * One end of a module instrument on the I2C resource `resource`: `layout` "A:0,B1:1,B2:2" (a station
 * instrument's layout, lc_station_instrument.layout; the simulator writes it) gives the mux channel of each
 * end label (case-insensitive): channel c is channel c % 8 of the PCA9548A at 0x70 + c / 8 (channels 0..63),
 * and the other muxes the layout uses are set to no channel first (mux_others). Without a layout (NULL or "")
 * the resource is one module with no mux (end NULL, "" or "A").
 *
 * Returns: 0 with *out a new module the caller frees with lc_module_close(); LC_ERR_ARG for a NULL resource
 * or out; the errors of lc_module_end_opts(); the errors of lc_module_open() with diag prefixed "end X: ".
 * On failure *out is NULL (when out is not NULL).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_open_end(const char *resource, const char *layout, const char *end, const lc_module_opts *opts,
			      lc_module **out, lc_diag *diag);
/*
 * The choice of lc_module_open_end() without opening: set o's mux fields for that end (o keeps its other
 * fields; the layout decides mux_addr, mux_channel and mux_others).
 *
 * Returns: 0; LC_ERR_ARG for a NULL o; LC_ERR_FORMAT for a layout that is not LABEL:CHANNEL,... with
 * labels of letters and digits and channels 0..63 in decimal digits, each label and each channel once;
 * LC_ERR_NOT_FOUND for an end the layout does not name, or an end other than A without a
 * layout. On failure o is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_end_opts(const char *layout, const char *end, lc_module_opts *o, lc_diag *diag);
/*
 * Close a module (NULL is allowed): its memory, and the adapter when lc_module_open() opened it.
 *
 * Returns: nothing.
 * Thread safety: must not race with other use of mod.
 * Since: 0.1
 */
LC_API void lc_module_close(lc_module *mod);
/*
 * The module's memory, for page reads and writes of its own (lc_module_mem_read()).
 *
 * Returns: the memory, owned by mod (never NULL for an open module; valid until lc_module_close()).
 * Thread safety: as the module.
 * Since: 0.1
 */
LC_API lc_module_mem *lc_module_memory(lc_module *mod);

/*
 * lc_module_mem_read_image() on the module's memory.
 *
 * Returns: as lc_module_mem_read_image().
 * Thread safety: as lc_module_mem_read_image().
 * Since: 0.1
 */
LC_API int lc_module_read_image(lc_module *mod, int extra_page, lc_module_image *img, lc_diag *diag);
/*
 * Read the pages the decoders use and decode them (lc_module_decode()).
 *
 * Returns: 0 with *info filled; LC_ERR_NOMEM; the errors of lc_module_mem_read_image() and
 * lc_module_decode(). On failure *info is unspecified.
 * Thread safety: as lc_module_mem_read_image().
 * Since: 0.1
 */
LC_API int lc_module_read_info(lc_module *mod, lc_module_info *info, lc_diag *diag);
/*
 * Switch the transmitter of lane (1-based: 1..8 CMIS, 1..4 SFF-8636) off (disable) or on: a
 * read-modify-write of the Tx-disable byte (CMIS page 10h byte 130, SFF-8636 byte 86), read back to verify.
 *
 * Returns: 0 once the module reads back the new bit; LC_ERR_ARG for a lane outside the module's;
 * LC_ERR_INSTRUMENT when the module ignores the write (diag gives the byte read and the byte written); the
 * errors of lc_module_mem_read()/lc_module_mem_write().
 * Thread safety: holds the bus lock across the read-modify-write, so lanes switched from several threads
 * never undo each other.
 * Since: 0.1
 */
LC_API int lc_module_set_tx_disable(lc_module *mod, unsigned lane, bool disable, lc_diag *diag);
/*
 * An image from a module source: a live module when source starts with "I2C::" (case-insensitive; opened,
 * read with lc_module_read_image() and closed), else the path of a saved dump (lc_module_dump_load();
 * extra_page is then ignored). For `lanecert module` and `lanecert compat`, whose arguments may be either.
 *
 * Returns: 0; LC_ERR_ARG for a NULL source or img; the errors of lc_module_open()/lc_module_read_image() or
 * of lc_module_dump_load().
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_read_source(const char *source, const lc_module_opts *opts, int extra_page, lc_module_image *img,
			  lc_diag *diag);

/*
 * The module read now, as JSON text: {"adapter", "identifier", "module": the lc_module_info_json() object},
 * for a report's list of instruments.
 *
 * Returns: 0 with *json malloc'd and NUL-terminated (the caller frees it with free()); LC_ERR_ARG for a NULL
 * mod or json; LC_ERR_NOMEM; the errors of lc_module_read_info(). On failure *json is NULL (when json is not
 * NULL).
 * Thread safety: as lc_module_read_info().
 * Since: 0.1
 */
LC_API int lc_module_snapshot(lc_module *mod, char **json, lc_diag *diag);

#endif
