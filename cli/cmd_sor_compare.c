/* lanecert sor compare FILE...: how lanecert's own analysis agrees with the events each instrument stored,
 * measured the strict way of lc_otdr_compare_sor (matched within max(2 m, 2 point spacings), mean signed
 * offset, end within a pulse length where the trace shows one, events after the end), per file, per
 * vendor and over all files. Files without KeyEvents are listed and left out of the figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_sor_priv.h"
#include <lanecert/sor.h>
#include <lanecert/otdr.h>

#define MAX_VENDORS 16

typedef struct vendor_total {
	const char *name;
	lc_otdr_agreement g;
} vendor_total;

static void print_text(const char *label, const lc_otdr_agreement *g)
{
	printf("%-46s %5zu %6zu %5zu %7.1f%% %9.2f %8.2f %5zu/%-5zu %6zu\n", label, g->stored, g->found, g->matched,
	       100.0 * lc_otdr_agreement_matched(g), lc_otdr_agreement_offset_m(g), lc_otdr_agreement_offset_samples(g),
	       g->ends_within, g->ends_shown, g->after_end);
}

static void print_json(const char *key, const char *label, const lc_otdr_agreement *g)
{
	printf("{\"%s\":", key);
	lc_sor_cli_put_json_string(stdout, label);
	printf(",\"files\":%zu,\"stored\":%zu,\"found\":%zu,\"matched\":%zu,\"matched_share\":", g->files, g->stored,
	       g->found, g->matched);
	lc_sor_cli_put_json_number(stdout, lc_otdr_agreement_matched(g));
	printf(",\"mean_offset_m\":");
	lc_sor_cli_put_json_number(stdout, lc_otdr_agreement_offset_m(g));
	printf(",\"mean_offset_samples\":");
	lc_sor_cli_put_json_number(stdout, lc_otdr_agreement_offset_samples(g));
	printf(",\"ends_shown\":%zu,\"ends_within_pulse\":%zu,\"events_after_end\":%zu,\"loss_compared\":%zu,"
	       "\"mean_abs_loss_diff_db\":",
	       g->ends_shown, g->ends_within, g->after_end, g->loss_compared);
	lc_sor_cli_put_json_number(stdout, g->loss_compared ? g->sum_abs_loss_diff_db / (double)g->loss_compared : NAN);
	printf("}\n");
}

int lc_sor_cli_compare(char **files, size_t n, bool json)
{
	vendor_total v[MAX_VENDORS];
	size_t nv = 0;
	lc_otdr_agreement all = {0};
	int worst = LC_EXIT_OK;
	if (!json)
		printf("%-46s %5s %6s %5s %8s %9s %8s %11s %6s\n", "file", "store", "found", "match", "share",
		       "offset_m", "samples", "end_in/shown", "after");
	for (size_t i = 0; i < n; i++) {
		lc_sor *s;
		int rc = lc_sor_cli_load(files[i], &s, json);
		if (rc) {
			worst = (rc == LC_EXIT_DATAERR || worst == LC_EXIT_OK) ? rc : worst;
			continue;
		}
		if (!s->has_events) {
			if (!json)
				printf("%-46s (no KeyEvents: nothing to compare with)\n", files[i]);
			lc_sor_free(s);
			continue;
		}
		lc_otdr_analysis *a;
		lc_diag d;
		lc_otdr_agreement g;
		rc = lc_otdr_analyze_sor(s, NULL, &a, &d);
		if (rc < 0) {
			worst = lc_cli_fail("sor", rc, &d, files[i]);
			lc_sor_free(s);
			continue;
		}
		rc = lc_otdr_compare_sor(s, a, &g);
		lc_otdr_analysis_free(a);
		if (rc < 0) {
			worst = lc_cli_fail("sor", rc, NULL, files[i]);
			lc_sor_free(s);
			continue;
		}
		const char *vendor = lc_sor_vendor(s);
		size_t k = 0;
		while (k < nv && strcmp(v[k].name, vendor) != 0)
			k++;
		if (k == nv && nv < MAX_VENDORS)
			v[nv++] = (vendor_total){vendor, {0}};
		if (k < nv)
			lc_otdr_agreement_add(&v[k].g, &g);
		lc_otdr_agreement_add(&all, &g);
		const char *base = strrchr(files[i], '/');
		if (json)
			print_json("file", files[i], &g);
		else
			print_text(base ? base + 1 : files[i], &g);
		lc_sor_free(s);
	}
	for (size_t k = 0; k < nv; k++) {
		char label[64];
		snprintf(label, sizeof(label), "vendor %s (%zu files)", v[k].name, v[k].g.files);
		json ? print_json("vendor", v[k].name, &v[k].g) : print_text(label, &v[k].g);
	}
	if (json) {
		print_json("overall", "all", &all);
	} else {
		char label[64];
		snprintf(label, sizeof(label), "overall (%zu files)", all.files);
		print_text(label, &all);
		printf("tolerance: max(2 m, 2 point spacings) per file; offset = ours - stored (mean, m and spacings); "
		       "end within one pulse length where the trace drops by the end threshold after the stored end\n");
	}
	return worst;
}
