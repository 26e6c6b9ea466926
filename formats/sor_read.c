/* SOR reader: the map, block dispatch, name headers, trailing bytes and the checksum. Field decoding is in
 * sor_read_params.c and sor_read_trace.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/sor_priv.h"

#define LC_SOR_MAX_FILE (256u * 1024u * 1024u)

static int parse_map(const uint8_t *data, size_t len, lc_sor *sor, size_t *first_block, lc_diag *diag)
{
	lc_sor_cursor c = {.base = data, .pos = 0, .end = len, .block = "Map", .diag = diag};
	if (len >= 4 && memcmp(data, "Map", 4) == 0) {
		sor->version = 2;
		c.pos = 4;
	} else {
		sor->version = 1;
	}
	uint32_t map_size;
	uint16_t n;
	int rc;
	if ((rc = lc_sor_cur_u16(&c, "revision", &sor->map_revision)) < 0 ||
	    (rc = lc_sor_cur_u32(&c, "map size", &map_size)) < 0 || (rc = lc_sor_cur_u16(&c, "block count", &n)) < 0)
		return len < 12 ? lc_diag_set(diag, LC_ERR_TRUNCATED, "Map: file of %zu bytes ends inside the map header", len)
				: rc;
	if (sor->version == 1 && (sor->map_revision < 100 || sor->map_revision >= 200))
		return lc_diag_set(diag, LC_ERR_FORMAT,
				   "Map: not a SOR file (no \"Map\" header and revision %u at offset 0 is not 1.xx)",
				   sor->map_revision);
	if (sor->version == 2 && (sor->map_revision < 200 || sor->map_revision >= 300))
		return lc_diag_set(diag, LC_ERR_FORMAT, "Map: revision %u at offset 4 is not 2.xx", sor->map_revision);
	if (map_size > len)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "Map: map size %u at offset %zu exceeds the file (%zu bytes)",
				   map_size, c.pos - 6, len);
	if (map_size < c.pos)
		return lc_diag_set(diag, LC_ERR_FORMAT, "Map: map size %u at offset %zu is smaller than its header",
				   map_size, c.pos - 6);
	if (n < 1 || n - 1 > LC_SOR_MAX_BLOCKS)
		return lc_diag_set(diag, LC_ERR_FORMAT, "Map: block count %u at offset %zu (1..%d accepted)", n,
				   c.pos - 2, LC_SOR_MAX_BLOCKS + 1);
	c.end = map_size;
	size_t off = map_size;
	for (size_t i = 0; i + 1 < n; i++) {
		lc_sor_block_info *b = &sor->blocks[i];
		size_t at = c.pos;
		const uint8_t *nul = memchr(data + c.pos, 0, lc_sor_cur_left(&c));
		if (!nul)
			return lc_diag_set(diag, LC_ERR_FORMAT, "Map: entry %zu name at offset %zu runs past the map", i + 1, at);
		size_t nl = (size_t)(nul - (data + c.pos));
		if (nl == 0 || nl >= LC_SOR_NAME_MAX)
			return lc_diag_set(diag, LC_ERR_FORMAT, "Map: entry %zu name at offset %zu has length %zu (1..%d)",
					   i + 1, at, nl, LC_SOR_NAME_MAX - 1);
		memcpy(b->name, data + c.pos, nl + 1);
		c.pos += nl + 1;
		uint32_t size;
		if ((rc = lc_sor_cur_u16(&c, "entry revision", &b->revision)) < 0 ||
		    (rc = lc_sor_cur_u32(&c, "entry size", &size)) < 0)
			return rc;
		b->size = size;
		b->offset = off;
		if (size > len - off)
			return lc_diag_set(diag, LC_ERR_TRUNCATED,
					   "%s: block at offset %zu of %u bytes runs past the end of the file (%zu bytes)",
					   b->name, off, size, len);
		off += size;
		for (size_t j = 0; j < i; j++)
			if (strcmp(sor->blocks[j].name, b->name) == 0 && lc_sor_is_standard_block(b->name))
				return lc_diag_set(diag, LC_ERR_FORMAT, "Map: block %s listed twice (entry at offset %zu)",
						   b->name, at);
		if (strcmp(b->name, "Map") == 0)
			return lc_diag_set(diag, LC_ERR_FORMAT, "Map: entry at offset %zu names the map itself", at);
	}
	sor->n_blocks = n - 1u;
	sor->trailing_bytes = len - off;
	*first_block = map_size;
	return 0;
}

static int keep_raw(lc_sor *sor, const lc_sor_block_info *b, const uint8_t *body, size_t blen, bool had_header,
		    lc_diag *diag)
{
	lc_sor_raw_block *r = realloc(sor->raw, (sor->n_raw + 1) * sizeof(*r));
	if (!r)
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", b->name);
	sor->raw = r;
	r = &sor->raw[sor->n_raw];
	memset(r, 0, sizeof(*r));
	memcpy(r->name, b->name, sizeof(r->name));
	r->revision = b->revision;
	r->had_header = had_header;
	r->data = malloc(blen ? blen : 1);
	if (!r->data)
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", b->name);
	if (blen)
		memcpy(r->data, body, blen);
	r->len = blen;
	sor->n_raw++;
	return 0;
}

static int read_block(lc_sor *sor, const lc_sor_block_info *b, const uint8_t *data, size_t len, lc_diag *diag)
{
	size_t nl = strlen(b->name) + 1;
	bool std = lc_sor_is_standard_block(b->name);
	bool header = b->size >= nl && memcmp(data + b->offset, b->name, nl) == 0;
	if (sor->version == 2 && std && !header && b->size > 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: block at offset %zu does not start with its name", b->name,
				   b->offset);
	lc_sor_cursor c = {.base = data, .pos = b->offset + (header ? nl : 0), .end = b->offset + b->size,
			   .block = b->name, .diag = diag};
	if (!std)
		return keep_raw(sor, b, data + c.pos, c.end - c.pos, header, diag);
	if (strcmp(b->name, "GenParams") == 0)
		return lc_sor_read_gen(&c, sor->version, &sor->gen);
	if (strcmp(b->name, "SupParams") == 0)
		return lc_sor_read_sup(&c, &sor->sup);
	if (strcmp(b->name, "FxdParams") == 0)
		return lc_sor_read_fxd(&c, sor->version, &sor->fxd);
	if (strcmp(b->name, "KeyEvents") == 0)
		return lc_sor_read_events(&c, sor->version, sor);
	if (strcmp(b->name, "LnkParams") == 0)
		return lc_sor_read_links(&c, sor);
	if (strcmp(b->name, "DataPts") == 0)
		return lc_sor_read_datapts(&c, sor);
	/* Cksum: the stored value is the block's last two bytes. */
	int rc = lc_sor_cur_need(&c, 2, "checksum");
	if (rc < 0)
		return rc;
	sor->has_cksum_block = true;
	lc_sor_check_cksum(sor, data, len, b->offset, c.end - 2);
	return 0;
}

/* Strings are never NULL in a model handed out, so callers need no checks. */
static int fill_strings(lc_sor *sor)
{
	char **f[] = {&sor->gen.cable_id, &sor->gen.fiber_id, &sor->gen.location_a, &sor->gen.location_b,
		      &sor->gen.cable_code, &sor->gen.operator_name, &sor->gen.comment, &sor->sup.supplier,
		      &sor->sup.mainframe_id, &sor->sup.mainframe_sn, &sor->sup.module_id, &sor->sup.module_sn,
		      &sor->sup.software_rev, &sor->sup.other};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!*f[i] && lc_sor_set_string(f[i], "") < 0)
			return LC_ERR_NOMEM;
	for (size_t i = 0; i < sor->n_events; i++)
		if (!sor->events[i].comment && lc_sor_set_string(&sor->events[i].comment, "") < 0)
			return LC_ERR_NOMEM;
	return 0;
}

int lc_sor_read(const uint8_t *data, size_t len, lc_sor **out, lc_diag *diag)
{
	lc_diag_clear(diag);
	if (!data || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_sor_read: NULL argument");
	*out = NULL;
	lc_sor *sor = calloc(1, sizeof(*sor));
	if (!sor)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	size_t first = 0;
	int rc = parse_map(data, len, sor, &first, diag);
	bool fxd = false, pts = false;
	for (size_t i = 0; rc == 0 && i < sor->n_blocks; i++) {
		rc = read_block(sor, &sor->blocks[i], data, len, diag);
		fxd |= strcmp(sor->blocks[i].name, "FxdParams") == 0;
		pts |= strcmp(sor->blocks[i].name, "DataPts") == 0;
	}
	if (rc == 0 && (!fxd || !pts))
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "Map: the file has no %s block", fxd ? "DataPts" : "FxdParams");
	if (rc == 0 && fill_strings(sor) < 0)
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	if (rc < 0) {
		lc_sor_free(sor);
		return rc;
	}
	*out = sor;
	return 0;
}

int lc_sor_read_file(const char *path, lc_sor **out, lc_diag *diag)
{
	lc_diag_clear(diag);
	if (!path || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_sor_read_file: NULL argument");
	FILE *f = fopen(path, "rb");
	if (!f)
		return lc_diag_set(diag, errno == ENOENT ? LC_ERR_NOT_FOUND : errno == EACCES ? LC_ERR_PERMISSION : LC_ERR_IO,
				   "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return lc_diag_set(diag, LC_ERR_IO, "%s: not a regular file", path);
	}
	if ((unsigned long long)st.st_size > LC_SOR_MAX_FILE) {
		fclose(f);
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "%s: %lld bytes is larger than the %u accepted", path,
				   (long long)st.st_size, LC_SOR_MAX_FILE);
	}
	size_t len = (size_t)st.st_size;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf) {
		fclose(f);
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", path);
	}
	size_t got = fread(buf, 1, len, f);
	int ioerr = ferror(f);
	fclose(f);
	if (ioerr || got != len) {
		free(buf);
		return lc_diag_set(diag, LC_ERR_IO, "%s: read %zu of %zu bytes", path, got, len);
	}
	int rc = lc_sor_read(buf, len, out, diag);
	free(buf);
	if (rc < 0)
		lc_diag_prefix(diag, "%s: ", path);
	return rc;
}
