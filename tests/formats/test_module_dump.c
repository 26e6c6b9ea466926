/* The module dump format: round trip, and the error (and line/offset) of every malformed dump. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/module_image.h"
#include "tests/instruments/module_images.h"

static lc_module_image a, b;
static lc_diag d;

static char *dump_of(const lc_module_image *img)
{
	char *s = NULL;
	cr_assert_gt(lc_module_dump_format(img, "source line 1\nline 2", &s, &d), 0);
	return s;
}

static int parse(const char *s) { return lc_module_dump_parse(s, strlen(s), &b, &d); }

Test(module_dump, round_trip)
{
	tm_cmis_image(&a, 1);
	char *s = dump_of(&a);
	cr_assert(strstr(s, "# line 2\n"));
	cr_assert(strstr(s, "page 0:11\n80: "));
	cr_assert_eq(parse(s), 0, "%s", d.text);
	cr_assert(b.has_lower);
	cr_assert_eq(memcmp(a.lower, b.lower, 128), 0);
	cr_assert_eq(b.n_pages, a.n_pages);
	for (size_t i = 0; i < a.n_pages; i++) {
		const uint8_t *p = lc_module_image_page(&b, a.pages[i].bank, a.pages[i].page);
		cr_assert_not_null(p);
		cr_assert_eq(memcmp(p, a.pages[i].data, 128), 0);
	}
	free(s);
}

Test(module_dump, save_and_load)
{
	tm_sff8636_image(&a);
	char path[600];
	snprintf(path, sizeof(path), "%s/module-dump-test.txt", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp");
	cr_assert_eq(lc_module_dump_save(path, &a, "saved", &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_dump_load(path, &b, &d), 0, "%s", d.text);
	cr_assert_eq(memcmp(a.lower, b.lower, 128), 0);
	unlink(path);
	cr_assert_eq(lc_module_dump_load(path, &b, &d), LC_ERR_NOT_FOUND);
}

/* One line of a section, e.g. "80: 00 ... 00" */
static void rows(char *s, unsigned base, unsigned n)
{
	for (unsigned r = 0; r < n; r++) {
		sprintf(s + strlen(s), "%02x:", base + 16 * r);
		for (int i = 0; i < 16; i++)
			strcat(s, " 00");
		strcat(s, "\n");
	}
}

Test(module_dump, errors)
{
	char s[4096];
	cr_assert_eq(parse(""), LC_ERR_TRUNCATED);
	cr_assert_eq(parse("hello\n"), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "line 1"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n");
	rows(s, 0, 5);
	cr_assert_eq(parse(s), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "offset 0x50"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n");
	rows(s, 0, 3);
	strcat(s, "page 0:00\n");
	cr_assert_eq(parse(s), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "line 6"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n00: 00 11 22\n");
	cr_assert_eq(parse(s), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "offset 0x03"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n00: 00 1x");
	cr_assert_eq(parse(s), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 0x01"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n10:");
	cr_assert_eq(parse(s), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 0x10 where 0x00"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n");
	rows(s, 0, 1);
	s[strlen(s) - 1] = 0;
	strcat(s, " ff\n");
	cr_assert_eq(parse(s), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "more than 16"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\npage 0:11\n");
	rows(s, 128, 8);
	cr_assert_eq(parse(s), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "lower page"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n");
	rows(s, 0, 8);
	strcat(s, "page 0:11\n");
	rows(s, 128, 8);
	strcat(s, "page 0:11\n");
	cr_assert_eq(parse(s), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "twice"), "%s", d.text);

	strcpy(s, "lanecert-module-dump/1\nlower\n");
	rows(s, 0, 8);
	strcat(s, "page 0:1ff\n");
	cr_assert_eq(parse(s), LC_ERR_FORMAT);
	strcpy(s, "lanecert-module-dump/1\nupper\n");
	cr_assert_eq(parse(s), LC_ERR_FORMAT);
}

Test(module_dump, full_image)
{
	uint8_t p[128] = {0};
	lc_module_image_init(&a);
	for (unsigned i = 0; i < LC_MODULE_IMAGE_PAGES; i++)
		cr_assert_eq(lc_module_image_put(&a, 0, i, p, &d), 0);
	cr_assert_eq(lc_module_image_put(&a, 0, 0x80, p, &d), LC_ERR_OVERFLOW);
	cr_assert_eq(lc_module_image_put(&a, 0, 3, p, &d), 0); /* replacing is fine */
}

/* A dump with more pages than an image holds: LC_ERR_OVERFLOW with a diag and without one. Without a diag
 * the code used to come from lc_diag_prefix(NULL, ...), which had none to give and said LC_ERR_ARG. */
Test(module_dump, too_many_pages_same_code_without_diag)
{
	static char s[64 * 1024];
	strcpy(s, "lanecert-module-dump/1\nlower\n");
	rows(s, 0, 8);
	for (unsigned i = 0; i <= LC_MODULE_IMAGE_PAGES; i++) {
		sprintf(s + strlen(s), "page 0:%02x\n", i);
		rows(s, 128, 8);
	}
	cr_assert_eq(parse(s), LC_ERR_OVERFLOW);
	cr_assert(strstr(d.text, "line "), "%s", d.text);
	cr_assert_eq(lc_module_dump_parse(s, strlen(s), &b, NULL), LC_ERR_OVERFLOW);
}
