/* Module memory images and their text dump format (module_image.h). */
#include "formats/module_image.h"
#include "base/atomic_file.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DUMP_MAGIC "lanecert-module-dump/1"

void lc_module_image_init(lc_module_image *img) { memset(img, 0, sizeof(*img)); }

const uint8_t *lc_module_image_page(const lc_module_image *img, unsigned bank, unsigned page)
{
	for (size_t i = 0; i < img->n_pages; i++)
		if (img->pages[i].bank == bank && img->pages[i].page == page)
			return img->pages[i].data;
	return NULL;
}

int lc_module_image_put(lc_module_image *img, unsigned bank, unsigned page, const uint8_t *data, lc_diag *diag)
{
	if (bank > 255 || page > 255)
		return lc_diag_set(diag, LC_ERR_ARG, "module image: bank %u page %u out of range", bank, page);
	for (size_t i = 0; i < img->n_pages; i++)
		if (img->pages[i].bank == bank && img->pages[i].page == page) {
			memcpy(img->pages[i].data, data, LC_MODULE_PAGE_SIZE);
			return 0;
		}
	if (img->n_pages >= LC_MODULE_IMAGE_PAGES)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "module image: more than %d pages", LC_MODULE_IMAGE_PAGES);
	lc_module_page *p = &img->pages[img->n_pages++];
	p->bank = (uint8_t)bank;
	p->page = (uint8_t)page;
	memcpy(p->data, data, LC_MODULE_PAGE_SIZE);
	return 0;
}

static void put_section(char *out, size_t *n, const uint8_t *data, unsigned base)
{
	for (unsigned row = 0; row < 8; row++) {
		*n += (size_t)sprintf(out + *n, "%02x:", base + row * 16);
		for (unsigned i = 0; i < 16; i++)
			*n += (size_t)sprintf(out + *n, " %02x", data[row * 16 + i]);
		out[(*n)++] = '\n';
	}
}

int lc_module_dump_format(const lc_module_image *img, const char *comment, char **out, lc_diag *diag)
{
	/* each section: a header line and 8 lines of 4 + 48 + 1 characters */
	size_t cap = 256 + (comment ? strlen(comment) * 2 + 8 : 0) + (img->n_pages + 1) * (24 + 8 * 54);
	char *s = malloc(cap);
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "module dump: out of memory");
	size_t n = (size_t)sprintf(s, "%s\n", DUMP_MAGIC);
	if (comment) {
		/* one comment line per line of the text, so a newline in it cannot start a section */
		const char *c = comment;
		while (*c) {
			size_t l = strcspn(c, "\n");
			n += (size_t)sprintf(s + n, "# %.*s\n", (int)l, c);
			c += l + (c[l] == '\n');
		}
	}
	if (img->has_lower) {
		n += (size_t)sprintf(s + n, "lower\n");
		put_section(s, &n, img->lower, 0);
	}
	for (size_t i = 0; i < img->n_pages; i++) {
		n += (size_t)sprintf(s + n, "page %u:%02x\n", img->pages[i].bank, img->pages[i].page);
		put_section(s, &n, img->pages[i].data, 128);
	}
	s[n] = 0;
	*out = s;
	return (int)n;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A data line "OO: b0 .. b15" into dst, checking the offset. */
static int parse_row(const char *l, size_t len, unsigned want, uint8_t *dst, unsigned lineno, lc_diag *diag)
{
	size_t i = 0;
	unsigned off = 0;
	int digits = 0;
	while (i < len && hexval((unsigned char)l[i]) >= 0 && digits < 3) {
		off = off * 16 + (unsigned)hexval((unsigned char)l[i++]);
		digits++;
	}
	if (!digits || i >= len || l[i] != ':')
		return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: expected 'OFFSET:' at column %zu", lineno, i + 1);
	if (off != want)
		return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: offset 0x%02x where 0x%02x was expected", lineno, off, want);
	i++;
	for (unsigned b = 0; b < 16; b++) {
		while (i < len && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (i >= len)
			return lc_diag_set(diag, LC_ERR_TRUNCATED, "line %u: %u of 16 bytes, offset 0x%02x missing", lineno, b,
					   want + b);
		int hi = hexval((unsigned char)l[i]), lo = i + 1 < len ? hexval((unsigned char)l[i + 1]) : -1;
		if (hi < 0 || lo < 0 || (i + 2 < len && l[i + 2] != ' ' && l[i + 2] != '\t'))
			return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: byte at offset 0x%02x (column %zu) is not two hex digits",
					   lineno, want + b, i + 1);
		dst[b] = (uint8_t)(hi * 16 + lo);
		i += 2;
	}
	while (i < len && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'))
		i++;
	if (i < len)
		return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: more than 16 bytes after offset 0x%02x", lineno, want);
	return 0;
}

int lc_module_dump_parse(const char *text, size_t len, lc_module_image *img, lc_diag *diag)
{
	lc_module_image_init(img);
	uint8_t sec[LC_MODULE_PAGE_SIZE];
	int in = 0; /* 0 none, 1 lower, 2 page */
	unsigned bank = 0, page = 0, rows = 0, lineno = 0, sec_line = 0;
	bool magic = false;
	size_t pos = 0;
	while (pos < len) {
		size_t e = pos;
		while (e < len && text[e] != '\n')
			e++;
		const char *l = text + pos;
		size_t ll = e - pos;
		pos = e + 1;
		lineno++;
		while (ll && (l[ll - 1] == '\r' || l[ll - 1] == ' '))
			ll--;
		if (ll == 0 || l[0] == '#')
			continue;
		if (!magic) {
			if (ll != strlen(DUMP_MAGIC) || memcmp(l, DUMP_MAGIC, ll))
				return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: not a module dump (expected '%s')", lineno,
						   DUMP_MAGIC);
			magic = true;
			continue;
		}
		if (in && rows < 8 && hexval((unsigned char)l[0]) >= 0 && !(ll >= 4 && !memcmp(l, "page", 4))) {
			int rc = parse_row(l, ll, (in == 1 ? 0u : 128u) + rows * 16, sec + rows * 16, lineno, diag);
			if (rc < 0)
				return rc;
			if (++rows == 8) {
				if (in == 1) {
					memcpy(img->lower, sec, sizeof(sec));
					img->has_lower = true;
				} else if ((rc = lc_module_image_put(img, bank, page, sec, diag)) < 0) {
					lc_diag_prefix(diag, "line %u: ", lineno);
					return rc;
				}
				in = 0;
			}
			continue;
		}
		if (in)
			return lc_diag_set(diag, LC_ERR_TRUNCATED, "line %u: section of line %u ends at offset 0x%02x (8 lines of 16 "
					   "bytes expected)", lineno, sec_line, (in == 1 ? 0u : 128u) + rows * 16);
		char word[16], line[32];
		unsigned b, p;
		char tail;
		/* sscanf needs the line alone: the text is not NUL-terminated at the line's end */
		size_t cl = ll < sizeof(line) - 1 ? ll : sizeof(line) - 1;
		memcpy(line, l, cl);
		line[cl] = 0;
		if (ll == 5 && !memcmp(l, "lower", 5)) {
			if (img->has_lower)
				return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: second lower page", lineno);
			in = 1;
		} else if (ll < sizeof(line) - 1 && sscanf(line, "%15s %u:%x%c", word, &b, &p, &tail) == 3 && !strcmp(word, "page") &&
			   b <= 255 && p <= 255) {
			if (lc_module_image_page(img, b, p))
				return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: page %u:%02x appears twice", lineno, b, p);
			in = 2;
			bank = b;
			page = p;
		} else {
			return lc_diag_set(diag, LC_ERR_FORMAT, "line %u: expected 'lower' or 'page BANK:PAGE'", lineno);
		}
		rows = 0;
		sec_line = lineno;
	}
	if (!magic)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "empty module dump (expected '%s')", DUMP_MAGIC);
	if (in)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "section of line %u ends at offset 0x%02x (8 lines of 16 bytes "
				   "expected)", sec_line, (in == 1 ? 0u : 128u) + rows * 16);
	if (!img->has_lower)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "module dump without its lower page (offset 0x00)");
	return 0;
}

int lc_module_dump_load(const char *path, lc_module_image *img, lc_diag *diag)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return lc_diag_set(diag, errno == ENOENT ? LC_ERR_NOT_FOUND : LC_ERR_IO, "%s: %s", path, strerror(errno));
	/* a dump of every page of 4 banks stays far below 1 MiB */
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	if (!buf) {
		fclose(f);
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", path);
	}
	n = fread(buf, 1, cap, f);
	bool too_big = n == cap && fgetc(f) != EOF;
	bool err = ferror(f);
	fclose(f);
	int rc;
	if (err)
		rc = lc_diag_set(diag, LC_ERR_IO, "%s: read error", path);
	else if (too_big)
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s: larger than 1 MiB, not a module dump", path);
	else if ((rc = lc_module_dump_parse(buf, n, img, diag)) < 0)
		lc_diag_prefix(diag, "%s: ", path);
	free(buf);
	return rc;
}

int lc_module_dump_save(const char *path, const lc_module_image *img, const char *comment, lc_diag *diag)
{
	char *text;
	int n = lc_module_dump_format(img, comment, &text, diag);
	if (n < 0)
		return n;
	int rc = lc_atomic_write(path, text, (size_t)n, 0644, LC_ATOMIC_REPLACE, diag);
	free(text);
	return rc;
}
