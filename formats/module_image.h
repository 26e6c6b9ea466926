/*
 * A module's management memory as read: the lower page (bytes 0-127) and the upper pages (bytes 128-255 of
 * each bank/page that was read). Decoders (module_info.h) work on an image, never on the bus, so a saved
 * dump decodes exactly like the live module did and the decoders can be fuzzed.
 *
 * Dump file (text, docs/module.md "Dump format"):
 *     lanecert-module-dump/1
 *     # comment lines anywhere
 *     lower
 *     00: 18 50 00 06 00 00 00 00 00 00 00 00 00 00 28 00
 *     ... 8 lines, offsets 00..70
 *     page 0:00
 *     80: ... 8 lines, offsets 80..F0
 *     page 0:11
 *     ...
 * Sections are `lower` or `page BANK:PAGE` (bank decimal, page hex); each holds exactly 8 lines of 16 hex
 * bytes at the offsets shown. A section cut short is LC_ERR_TRUNCATED, anything else malformed
 * LC_ERR_FORMAT; the diag names the line and the offset.
 *
 * Thread safety: plain data; the functions are reentrant.
 */
#ifndef LC_MODULE_IMAGE_H
#define LC_MODULE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define LC_MODULE_PAGE_SIZE 128
#define LC_MODULE_IMAGE_PAGES 24

typedef struct lc_module_page {
	uint8_t bank;
	uint8_t page;
	uint8_t data[LC_MODULE_PAGE_SIZE]; /* bytes 128..255 of that page */
} lc_module_page;

typedef struct lc_module_image {
	bool has_lower;
	uint8_t lower[LC_MODULE_PAGE_SIZE];
	size_t n_pages;
	lc_module_page pages[LC_MODULE_IMAGE_PAGES];
} lc_module_image;

void lc_module_image_init(lc_module_image *img);
/* Upper page data (128 bytes, index 0 = byte 128), or NULL when that page was not read. */
const uint8_t *lc_module_image_page(const lc_module_image *img, unsigned bank, unsigned page);
/* Add or replace a page. LC_ERR_OVERFLOW when the image is full. */
int lc_module_image_put(lc_module_image *img, unsigned bank, unsigned page, const uint8_t *data, lc_diag *diag);

/* The dump text of an image (malloc'd, NUL-terminated; the caller frees). comment may be NULL. */
int lc_module_dump_format(const lc_module_image *img, const char *comment, char **out, lc_diag *diag);
/* Parse dump text. */
int lc_module_dump_parse(const char *text, size_t len, lc_module_image *img, lc_diag *diag);
/* Read and parse a dump file (diag prefixed with the path). */
int lc_module_dump_load(const char *path, lc_module_image *img, lc_diag *diag);
/* Write a dump file atomically (temporary name, fsync, rename). */
int lc_module_dump_save(const char *path, const lc_module_image *img, const char *comment, lc_diag *diag);

#endif
