/* lanecert report job: one signed summary of a job's cables (lc_job_summary_write, <lanecert/results.h>). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include <lanecert/results.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert report job --job J --out DIR --key KEY [--db PATH] [--csv] [--no-pdf]\n"
		"                           [--pubkey-name NAME]\n\n"
		"Writes one signed summary of a job (lanecert run --job J): for each cable (its serial's last run\n"
		"in the job) the verdict its certificate shows and its report's SHA-256, the yield, and the\n"
		"instruments and references the runs used. Every report named by the results store is read and\n"
		"checked against the SHA-256 recorded for it first: a missing report exits 66, a changed one 65,\n"
		"and then nothing is written.\n\n"
		"  --job J            the job (required)\n"
		"  --out DIR          where job.json, job.json.minisig, job.html and job.pdf go (created; an\n"
		"                     existing summary there is never replaced: exit 73)\n"
		"  --key KEY          the station's minisign secret key (password from LANECERT_KEY_PASSWORD)\n"
		"  --db PATH          results store (default under $XDG_DATA_HOME/lanecert); it must exist\n"
		"  --csv              also write measurements.csv: every measurement of every cable of the job\n"
		"                     (its SHA-256 is in job.json, so the signature covers it)\n"
		"  --no-pdf           no job.pdf\n"
		"  --pubkey-name NAME the public key's file name shown in \"verify with\" (default STATION.pub)\n\n"
		"Verify: lanecert verify DIR/job.json --pubkey STATION.pub, or minisign -Vm job.json -p STATION.pub\n");
}

static int report_job(int argc, char **argv)
{
	const char *job = NULL, *out = NULL, *key_path = NULL, *db = NULL;
	lc_job_summary_options o = {.time_ms = LC_TIME_NONE};
	static const struct option opts[] = {{"job", required_argument, NULL, 'J'},
					     {"out", required_argument, NULL, 'o'},
					     {"key", required_argument, NULL, 'k'},
					     {"db", required_argument, NULL, 'd'},
					     {"csv", no_argument, NULL, 'c'},
					     {"no-pdf", no_argument, NULL, 'P'},
					     {"pubkey-name", required_argument, NULL, 'n'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("report", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'J': job = optarg; break;
		case 'o': out = optarg; break;
		case 'k': key_path = optarg; break;
		case 'd': db = optarg; break;
		case 'c': o.csv = true; break;
		case 'P': o.no_pdf = true; break;
		case 'n': o.pubkey_hint = optarg; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE; /* lc_cli_getopt said which option */
		}
	}
	if (optind != argc)
		return lc_cli_unexpected("report", argv[optind]);
	if (!job || !*job || !out || !*out || !key_path) {
		lc_cli_error("report", "job needs --job J, --out DIR and --key KEY");
		return LC_EXIT_USAGE;
	}
	lc_diag d;
	lc_sign_key *key = NULL;
	lc_store *s = NULL;
	int rc = lc_sign_key_load(key_path, getenv("LANECERT_KEY_PASSWORD"), &key, &d);
	if (rc < 0)
		return lc_cli_fail("report", rc, &d, "signing key");
	if ((rc = lc_store_open_mode(db, LC_STORE_EXISTING, &s, &d)) < 0) {
		lc_sign_key_free(key);
		return lc_cli_fail("report", rc, &d, "results store");
	}
	lc_job_summary_paths p;
	rc = lc_job_summary_write(s, job, out, key, &o, &p, &d);
	lc_store_close(s);
	lc_sign_key_free(key);
	if (rc == LC_ERR_VERIFY || rc == LC_ERR_BUSY) { /* a changed report is bad data; an existing summary stays */
		lc_cli_error("report", "job summary: %s", lc_diag_message(&d));
		return rc == LC_ERR_VERIFY ? LC_EXIT_DATAERR : LC_EXIT_CANTCREAT;
	}
	if (rc < 0)
		return lc_cli_fail("report", rc, &d, "job summary");
	printf("job %s: %d cable(s), %d certified; %zu measurement(s)\n", job, p.cables, p.certified, p.measurements);
	printf("signed summary: %s\n", p.json);
	printf("views: %s%s%s\n", p.html, p.pdf[0] ? ", " : "", p.pdf);
	if (p.csv[0])
		printf("measurements: %s\n", p.csv);
	return LC_EXIT_OK;
}

int lc_cmd_report(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "job") == 0)
		return report_job(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return LC_EXIT_OK;
	}
	if (argc >= 2 && argv[1][0] == '-')
		return report_job(argc, argv); /* an option before the subcommand: lc_cli_getopt names it */
	lc_cli_error("report", argc >= 2 ? "unknown report '%s': the one report is 'job'" : "which report? 'job'",
		     argc >= 2 ? argv[1] : "");
	return LC_EXIT_USAGE;
}
