/*
 * <lanecert/module_image.h>: Module memory images: CMIS / SFF-8636 pages as read, and their dump files.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_MODULE_IMAGE_H
#define LANECERT_MODULE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* ---- formats/module_image.h ---- */
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

/*
 * Empty an image (no lower page, no upper pages).
 *
 * Returns: nothing.
 * Thread safety: img belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_module_image_init(lc_module_image *img);
/*
 * The data of upper page bank:page (128 bytes, index 0 = byte 128).
 *
 * Returns: a pointer into img (valid while img is and the page is not replaced), or NULL when that page was
 * not read.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const uint8_t *lc_module_image_page(const lc_module_image *img, unsigned bank, unsigned page);
/*
 * Add upper page bank:page with the 128 bytes at data, or replace it when the image has it.
 *
 * Returns: 0; LC_ERR_ARG for a bank or page above 255; LC_ERR_OVERFLOW when the image already holds
 * LC_MODULE_IMAGE_PAGES pages (img unchanged).
 * Thread safety: img belongs to the caller.
 * Since: 0.1
 */
LC_API int lc_module_image_put(lc_module_image *img, unsigned bank, unsigned page, const uint8_t *data, lc_diag *diag);

/*
 * The dump text of img (format above); comment (may be NULL) becomes "# " lines, one per line of it.
 *
 * Returns: the length of the text (> 0) with *out malloc'd and NUL-terminated (the caller frees it with
 * free()); LC_ERR_NOMEM with *out unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_dump_format(const lc_module_image *img, const char *comment, char **out, lc_diag *diag);
/*
 * Parse the len bytes of dump text at text into img (emptied first).
 *
 * Returns: 0; LC_ERR_FORMAT for a malformed dump (not one, a bad offset or byte, a section twice, an
 * unknown section), LC_ERR_TRUNCATED for a dump or section cut short or one without its lower page; diag
 * names the line and the offset. On failure img holds what was parsed before the error: do not use it.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_dump_parse(const char *text, size_t len, lc_module_image *img, lc_diag *diag);
/*
 * Read and parse the dump file at path (at most 1 MiB) into img.
 *
 * Returns: 0; LC_ERR_NOT_FOUND when path does not exist; LC_ERR_IO when it cannot be opened or read (a
 * directory is LC_ERR_IO); LC_ERR_FORMAT for a file over 1 MiB; LC_ERR_NOMEM; the errors of
 * lc_module_dump_parse() with diag prefixed by the path.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_dump_load(const char *path, lc_module_image *img, lc_diag *diag);
/*
 * Write img as a dump file at path atomically (lc_atomic_write(), mode 0644, replacing a file there).
 *
 * Returns: 0; LC_ERR_NOMEM; the errors of lc_atomic_write().
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_dump_save(const char *path, const lc_module_image *img, const char *comment, lc_diag *diag);

#endif
