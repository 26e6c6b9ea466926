#include "tests/formats/test_sor_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const lc_sor_samples[LC_SOR_N_SAMPLES] = {
	"fabry44-F1_TT07_FO_004_1310_OE.sor",
	"fabry44-example6-viavi-smartotdr-1310nm.sor",
	"otdrparser-1310_0001.sor",
	"otdrparser-1310_0002.sor",
	"otdrparser-1310_0045.sor",
	"otdrparser-1310_0046.sor",
	"otdrparser-example.sor",
	"otdrparser-issue14.sor",
	"otdrparser-issue15a.sor",
	"otdrparser-issue15b.sor",
	"otdrparser-otdr1.sor",
	"otdrparser-otdr2.sor",
	"otdrparser-otdr3.sor",
	"otdrparser-otdr4.sor",
	"otdrparser-otdr5.sor",
	"otdrparser-otdr6.sor",
	"otdrparser-otdr7.sor",
	"otdrparser-sample1310_lowDR.sor",
	"otdrs-example1-noyes-ofl280-fastreporter-save.sor",
	"otdrs-example1-noyes-ofl280.sor",
	"otdrs-example2-exfo-maxtester730c.sor",
	"otdrs-example3-anritsu-accessmastermt9085.sor",
	"otdrs-example4-exfo-ftb4ftbx730c-mfdgainer-1310nm.sor",
	"otdrs-example4-exfo-ftb4ftbx730c-mfdgainer-1550nm.sor",
	"otdrs-example5-exfo-rtu2ftbx735c-sm7r-ea-hrd.sor",
	"pyotdr-M200_Sample_005_S13.sor",
	"pyotdr-demo_ab.sor",
};

const char *sor_sample_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("LC_SOURCE_DIR");
	cr_assert(dir != NULL, "LC_SOURCE_DIR is not set (run the test through ctest)");
	int w = snprintf(path, sizeof(path), "%s/tests/data/sor/%s", dir, name);
	cr_assert(w > 0 && (size_t)w < sizeof(path), "sample path too long: %s/tests/data/sor/%s", dir, name);
	return path;
}

/* Every caller gets the whole file or the test fails here, naming the path: a missing or short sample must
 * never reach a parser as NULL or as a partial buffer. */
uint8_t *sor_sample_bytes(const char *name, size_t *len)
{
	const char *path = sor_sample_path(name);
	FILE *f = fopen(path, "rb");
	cr_assert(f != NULL, "SOR sample %s is missing (tests/data/sor/ of the checkout): %s", path, strerror(errno));
	long n = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	cr_assert(n > 0 && fseek(f, 0, SEEK_SET) == 0, "SOR sample %s: cannot size it", path);
	uint8_t *b = malloc((size_t)n);
	cr_assert(b != NULL, "out of memory for %s (%ld bytes)", path, n);
	size_t got = fread(b, 1, (size_t)n, f);
	fclose(f);
	cr_assert_eq(got, (size_t)n, "SOR sample %s: short read (%zu of %ld bytes)", path, got, n);
	*len = got;
	return b;
}

lc_sor *sor_sample(const char *name)
{
	const char *path = sor_sample_path(name);
	cr_assert(access(path, R_OK) == 0, "SOR sample %s is missing (tests/data/sor/ of the checkout): %s", path,
		  strerror(errno));
	lc_sor *s = NULL;
	lc_diag d;
	int rc = lc_sor_read_file(path, &s, &d);
	cr_assert_eq(rc, 0, "%s: %s", name, d.text);
	return s;
}
