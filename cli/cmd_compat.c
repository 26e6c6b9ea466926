/*
 * lanecert compat END_A END_B [--cable TYPE] [--mux-a ADDR:CH] [--mux-b ADDR:CH] [--json] [-v]
 * Whether two module ends (each an I2C resource or a saved dump) can make a link, and why not.
 * Exit 0 compatible, 1 not, usage/IO codes per cli/cli.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/module_source.h"
#include <lanecert/module.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: lanecert compat END_A END_B [--cable TYPE] [--mux-a ADDR:CH] [--mux-b ADDR:CH] [--json] [-v]\n\n"
		     "Says whether the modules at END_A and END_B (I2C resources or saved dumps from `lanecert module\n"
		     "--dump`) can make a link, and why not: fiber mode, wavelength, modulation and lane rate, connector\n"
		     "polish, breakout lane assignment, AOC BER class. --cable names the cable type between them\n"
		     "(fixtures/cables), e.g. dr4-mpo12apc-4xlc. Exit 0 compatible, 1 not.\n");
}

static int parse_mux(const char *s, lc_module_mem_opts *o)
{
	char *end;
	unsigned long a = strtoul(s, &end, 0);
	if (*end != ':' || a < 0x08 || a > 0x77)
		return -1;
	char *e2;
	long ch = strtol(end + 1, &e2, 10);
	if (*e2 || e2 == end + 1 || ch < 0 || ch > 7)
		return -1;
	o->mux_addr = (uint8_t)a;
	o->mux_channel = (int)ch;
	return 0;
}

static int load(const char *src, const lc_module_opts *o, lc_module_info *info, lc_diag *d)
{
	lc_module_image *img = malloc(sizeof(*img));
	if (!img)
		return lc_diag_set(d, LC_ERR_NOMEM, "out of memory");
	int rc = lc_module_read_source(src, o, -1, img, d);
	if (rc >= 0)
		rc = lc_module_decode(img, info, d);
	free(img);
	return lc_cli_module_source_error(src, rc, d);
}

int lc_cmd_compat(int argc, char **argv)
{
	const char *ends[2] = {NULL, NULL}, *cable = NULL;
	bool json = false;
	int verbosity = 0;
	lc_module_opts o[2];
	lc_module_opts_init(&o[0]);
	lc_module_opts_init(&o[1]);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (lc_cli_is_help(a)) {
			usage(stdout);
			return LC_EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "-vv") || !strcmp(a, "-vvv")) {
			verbosity = (int)strlen(a) - 1;
		} else if (!strcmp(a, "--cable") && more) {
			cable = argv[++i];
		} else if ((!strcmp(a, "--mux-a") || !strcmp(a, "--mux-b")) && more) {
			if (parse_mux(argv[++i], &o[a[6] == 'b'].mem) < 0) {
				lc_cli_error("compat", "%s: '%s' is not ADDR:CHANNEL (e.g. 0x70:1)", a, argv[i]);
				return LC_EXIT_USAGE;
			}
		} else if (a[0] == '-' || ends[1]) {
			lc_cli_error("compat", "unexpected argument '%s' (lanecert compat --help)", a);
			return LC_EXIT_USAGE;
		} else {
			ends[ends[0] ? 1 : 0] = a;
		}
	}
	if (!ends[1]) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	lc_cli_setup_logging(verbosity);
	lc_module_info *info = malloc(2 * sizeof(*info));
	lc_compat_result *r = malloc(sizeof(*r));
	if (!info || !r) {
		free(info);
		free(r);
		return lc_cli_fail("compat", LC_ERR_NOMEM, NULL, "memory");
	}
	lc_diag d;
	lc_diag_clear(&d);
	int rc = 0, ex = LC_EXIT_OK;
	for (int k = 0; k < 2 && rc >= 0; k++)
		if ((rc = load(ends[k], &o[k], &info[k], &d)) < 0)
			ex = lc_cli_fail("compat", rc, &d, ends[k]);
	if (rc >= 0 && (rc = lc_compat_check(&info[0], &info[1], cable, NULL, r, &d)) < 0)
		ex = lc_cli_fail("compat", rc, &d, cable);
	if (rc >= 0) {
		if (json) {
			json_t *j = lc_compat_json(r);
			char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
			if (s)
				printf("%s\n", s);
			free(s);
			json_decref(j);
		} else {
			for (int k = 0; k < 2; k++) {
				const lc_link_profile *p = k ? &r->b : &r->a;
				printf("end %c: %s %s %s", k ? 'B' : 'A', info[k].identifier_name, info[k].vendor, info[k].part_number);
				if (p->known)
					printf(": %s, %s, %u x %g Gb/s %s", p->name, p->medium, p->lanes, p->gbps_per_lane,
					       p->pam4 ? "PAM4" : "NRZ");
				printf("\n");
			}
			static const char *const sev[] = {"note", "warning", "error"};
			for (size_t i = 0; i < r->n; i++)
				printf("  %-7s %-17s %s\n", sev[r->findings[i].severity], r->findings[i].code, r->findings[i].text);
			printf("%s\n", r->compatible ? "compatible" : "NOT compatible");
		}
		ex = r->compatible ? LC_EXIT_OK : LC_EXIT_FAIL;
	}
	free(info);
	free(r);
	return ex;
}
