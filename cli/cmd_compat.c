/*
 * lanecert compat END_A END_B [--cable TYPE] [--mux-a ADDR:CH] [--mux-b ADDR:CH] [--json] [-v]
 * Whether two module ends (each an I2C resource or a saved dump) can make a link, and why not.
 * Exit 0 compatible, 1 not, usage/IO codes per cli/cli.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/module_source.h"
#include <lanecert/compat.h>

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
	static const struct option opts[] = {{"cable", required_argument, NULL, 'c'},
					     {"mux-a", required_argument, NULL, 'a'},
					     {"mux-b", required_argument, NULL, 'b'},
					     {"json", no_argument, NULL, 'j'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("compat", argc, argv, "vh", opts)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return LC_EXIT_OK;
		case 'j': json = true; break;
		case 'v': verbosity++; break; /* -v, -vv, -v -v: one level each */
		case 'c': cable = optarg; break;
		case 'a':
		case 'b':
			if (parse_mux(optarg, &o[c == 'b'].mem) < 0) {
				lc_cli_error("compat", "--mux-%c: '%s' is not ADDR:CHANNEL (e.g. 0x70:1)", c, optarg);
				return LC_EXIT_USAGE;
			}
			break;
		default: return LC_EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (ends[1])
			return lc_cli_unexpected("compat", argv[i]);
		ends[ends[0] ? 1 : 0] = argv[i];
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
			char *s = NULL;
			if ((rc = lc_compat_json(r, &s, &d)) < 0)
				ex = lc_cli_fail("compat", rc, &d, "JSON");
			else
				printf("%s\n", s);
			free(s);
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
		if (rc >= 0) /* else the JSON could not be made: that error, not a verdict */
			ex = r->compatible ? LC_EXIT_OK : LC_EXIT_FAIL;
	}
	free(info);
	free(r);
	return ex;
}
