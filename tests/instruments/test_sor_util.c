#include "tests/instruments/test_sor_util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

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
	const char *dir = getenv("LC_SHARED_DIR");
	cr_assert(dir != NULL, "LC_SHARED_DIR is not set");
	snprintf(path, sizeof(path), "%s/sor-samples/%s", dir, name);
	return path;
}

uint8_t *sor_sample_bytes(const char *name, size_t *len)
{
	FILE *f = fopen(sor_sample_path(name), "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
	*len = b ? fread(b, 1, (size_t)n, f) : 0;
	fclose(f);
	return b;
}

lc_sor *sor_sample(const char *name)
{
	lc_sor *s = NULL;
	lc_diag d;
	int rc = lc_sor_read_file(sor_sample_path(name), &s, &d);
	cr_assert_eq(rc, 0, "%s: %s", name, d.text);
	return s;
}
