/* Every malformed file is refused with LC_ERR_FORMAT or LC_ERR_TRUNCATED and a detail that names the block
 * and the offset; every truncation of a real file is refused, never half-read. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/formats/test_sor_util.h"

static int read_bytes(const uint8_t *b, size_t len, lc_diag *d)
{
	lc_sor *s = NULL;
	int rc = lc_sor_read(b, len, &s, d);
	lc_sor_free(s);
	return rc;
}

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

Test(sor_corrupt, every_truncation_of_a_sample_is_refused)
{
	size_t len;
	uint8_t *b = sor_sample_bytes("fabry44-example6-viavi-smartotdr-1310nm.sor", &len);
	cr_assert(b);
	lc_diag d;
	/* every length up to the end of the map and of the first blocks, then a stride through the rest */
	for (size_t n = 0; n < len; n += n < 2000 ? 1 : 97) {
		int rc = read_bytes(b, n, &d);
		cr_assert(rc == LC_ERR_TRUNCATED || rc == LC_ERR_FORMAT, "length %zu: rc %d", n, rc);
		cr_assert(d.text[0] != '\0');
	}
	cr_expect_eq(read_bytes(b, len, &d), 0);
	free(b);
}

Test(sor_corrupt, truncated_block_names_block_and_offset)
{
	size_t len;
	uint8_t *b = sor_sample_bytes("otdrparser-otdr2.sor", &len);
	lc_diag d;
	cr_expect_eq(read_bytes(b, len - 3, &d), LC_ERR_TRUNCATED);
	cr_expect(strstr(d.text, "Cksum") != NULL, "%s", d.text);
	cr_expect(strstr(d.text, "offset 33789") != NULL, "%s", d.text);
	free(b);
}

Test(sor_corrupt, not_a_sor_file)
{
	lc_diag d;
	const uint8_t png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	cr_expect_eq(read_bytes(png, sizeof(png), &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "not a SOR file") != NULL, "%s", d.text);
	cr_expect_eq(read_bytes((const uint8_t *)"Map", 4, &d), LC_ERR_TRUNCATED);
	cr_expect_eq(read_bytes((const uint8_t *)"", 0, &d), LC_ERR_TRUNCATED);
}

Test(sor_corrupt, bad_map_fields)
{
	size_t len;
	uint8_t *b = sor_sample_bytes("otdrparser-otdr2.sor", &len);
	uint8_t *c = malloc(len);
	lc_diag d;
	memcpy(c, b, len);
	put16(c + 4, 900); /* revision */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "revision 900") != NULL, "%s", d.text);
	memcpy(c, b, len);
	put32(c + 6, 0x7fffffff); /* map size beyond the file */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_TRUNCATED);
	memcpy(c, b, len);
	put32(c + 6, 5); /* map size smaller than its own header */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	memcpy(c, b, len);
	put16(c + 10, 0); /* block count */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "block count") != NULL);
	memcpy(c, b, len);
	put16(c + 10, 60000);
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	memcpy(c, b, len);
	/* first entry "GenParams" at 12: its size field at 12+10+2 */
	put32(c + 24, 0x10000000);
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_TRUNCATED);
	cr_expect(strstr(d.text, "GenParams") != NULL, "%s", d.text);
	memcpy(c, b, len);
	c[12] = 'X'; /* GenParams renamed: now a proprietary block, the file still reads */
	cr_expect_eq(read_bytes(c, len, &d), 0);
	memcpy(c, b, len);
	memcpy(c + 12, "SupParams", 9); /* SupParams twice */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "twice") != NULL, "%s", d.text);
	free(b);
	free(c);
}

static size_t block_offset(const uint8_t *b, size_t len, const char *name)
{
	lc_sor *s = NULL;
	lc_diag d;
	cr_assert_eq(lc_sor_read(b, len, &s, &d), 0);
	size_t off = 0;
	for (size_t i = 0; i < s->n_blocks; i++)
		if (strcmp(s->blocks[i].name, name) == 0)
			off = s->blocks[i].offset;
	lc_sor_free(s);
	cr_assert(off > 0);
	return off;
}

Test(sor_corrupt, bad_block_contents)
{
	size_t len;
	uint8_t *b = sor_sample_bytes("otdrparser-otdr2.sor", &len);
	uint8_t *c = malloc(len);
	lc_diag d;
	size_t fxd = block_offset(b, len, "FxdParams") + 10;
	size_t key = block_offset(b, len, "KeyEvents") + 10;
	size_t pts = block_offset(b, len, "DataPts") + 8;
	size_t gen = block_offset(b, len, "GenParams");

	memcpy(c, b, len);
	c[gen] = 'g'; /* v2 body must repeat the block name */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "does not start with its name") != NULL, "%s", d.text);

	memcpy(c, b, len);
	put16(c + fxd + 16, 0); /* no pulse width */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "FxdParams") && strstr(d.text, "pulse widths"), "%s", d.text);
	memcpy(c, b, len);
	put16(c + fxd + 16, 400);
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);

	memcpy(c, b, len);
	put16(c + key, 5000); /* more events than the block holds */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "KeyEvents") && strstr(d.text, "5000 events"), "%s", d.text);

	memcpy(c, b, len);
	put16(c + key, 3); /* one more event than stored: the summary no longer fits */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "KeyEvents") != NULL, "%s", d.text);

	memcpy(c, b, len);
	put16(c + pts + 4, 0xffff); /* -1 scale factors */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "DataPts") && strstr(d.text, "scale factors"), "%s", d.text);
	memcpy(c, b, len);
	put32(c + pts + 6, 20000); /* more points than the block holds */
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "20000 points") != NULL, "%s", d.text);

	/* strings that run to the end of the block */
	memcpy(c, b, len);
	size_t sup = block_offset(b, len, "SupParams");
	for (size_t i = sup + 10; i < fxd - 10; i++)
		if (c[i] == 0)
			c[i] = 'x';
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "SupParams") && strstr(d.text, "NUL-terminated"), "%s", d.text);
	free(b);
	free(c);
}

Test(sor_corrupt, missing_required_blocks)
{
	size_t len;
	uint8_t *b = sor_sample_bytes("otdrparser-otdr2.sor", &len);
	lc_diag d;
	/* rename DataPts in map and body: the trace is gone */
	size_t pts = block_offset(b, len, "DataPts");
	uint8_t *c = malloc(len);
	memcpy(c, b, len);
	for (size_t i = 12; i < 200; i++)
		if (memcmp(c + i, "DataPts", 7) == 0) {
			c[i] = 'Q';
			break;
		}
	c[pts] = 'Q';
	cr_expect_eq(read_bytes(c, len, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "no DataPts") != NULL, "%s", d.text);
	free(b);
	free(c);
}
