/* lanecert verify: check a signed report (reports/report.h, lc_report_verify). */
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
		"usage: lanecert verify REPORT [--pubkey FILE] [--sig FILE] [--approver FILE]... [--quiet]\n\n"
		"Checks REPORT (a report.json, or a job summary's job.json) against its signature (default REPORT.minisig) and the station's\n"
		"public key (--pubkey, else $LANECERT_PUBKEY): the signature, the key id recorded in the report,\n"
		"the signed trusted comment, and the digests of the raw data files present beside the report.\n"
		"Each --approver APPROVER.pub also checks that key's QA approval (REPORT.approval-KEYID.minisig,\n"
		"written by lanecert approve) and prints who approved it and when.\n"
		"Exit 0 when the report (and each approval asked for) is valid; 1 with the reason when it is not\n"
		"(an approval asked for but absent included); 66 when a file is missing.\n"
		"The same check without lanecert: minisign -Vm REPORT -p FILE\n"
		"(an approval: minisign -Vm REPORT -x REPORT.approval-KEYID.minisig -p APPROVER.pub)\n");
}

int lc_cmd_verify(int argc, char **argv)
{
	const char *pubkey = getenv("LANECERT_PUBKEY"), *sig = NULL;
	const char *approvers[8];
	size_t n_approvers = 0;
	bool quiet = false;
	static const struct option opts[] = {{"pubkey", required_argument, NULL, 'p'},
					     {"approver", required_argument, NULL, 'a'},
					     {"sig", required_argument, NULL, 's'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("verify", argc, argv, "p:s:a:qh", opts)) != -1) {
		switch (c) {
		case 'p': pubkey = optarg; break;
		case 'a':
			if (n_approvers == sizeof(approvers) / sizeof(approvers[0])) {
				lc_cli_error("verify", "at most %zu --approver keys", sizeof(approvers) / sizeof(approvers[0]));
				return LC_EXIT_USAGE;
			}
			approvers[n_approvers++] = optarg;
			break;
		case 's': sig = optarg; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		return lc_cli_unexpected("verify", argv[optind + 1]);
	if (optind + 1 != argc) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	const char *report = argv[optind];
	if (!pubkey || !*pubkey) {
		lc_cli_error("verify", "which public key? give --pubkey FILE (or set LANECERT_PUBKEY)");
		return LC_EXIT_USAGE;
	}
	lc_diag d;
	lc_pubkey pub;
	int rc = lc_pubkey_load(pubkey, &pub, &d);
	if (rc < 0)
		return lc_cli_fail("verify", rc, &d, "public key");
	if (lc_job_summary_file(report)) { /* a job summary (lanecert report job): its own checks */
		if (n_approvers) {
			lc_cli_error("verify", "--approver checks a report's approval; %s is a job summary", report);
			return LC_EXIT_USAGE;
		}
		lc_job_summary_verify_info ji;
		if ((rc = lc_job_summary_verify(report, sig, &pub, &ji, &d)) < 0) {
			bool invalid = rc == LC_ERR_VERIFY || rc == LC_ERR_FORMAT || rc == LC_ERR_TRUNCATED;
			lc_cli_error("verify", "%s: %s: %s", report, invalid ? "INVALID" : "cannot verify", lc_diag_message(&d));
			return invalid ? LC_EXIT_FAIL : lc_cli_exit_for(rc);
		}
		if (!quiet) {
			printf("%s: valid job summary, signed by key %s\n", report, ji.key_id);
			printf("job %s: %d cable(s), %d certified\n", ji.job, ji.cables, ji.certified);
			printf("trusted comment: %s\n", ji.trusted_comment);
			printf("measurements.csv: %s\n", ji.csv_checked ? "checked" : "not present beside the summary");
		}
		return LC_EXIT_OK;
	}
	lc_report_verify_info info;
	rc = lc_report_verify(report, sig, &pub, &info, &d);
	if (rc < 0) {
		/* Whatever is wrong with the report itself, it is not a valid report: exit 1. A file that cannot be
		 * read says nothing about the report: its own exit code. */
		bool invalid = rc == LC_ERR_VERIFY || rc == LC_ERR_FORMAT || rc == LC_ERR_TRUNCATED || rc == LC_ERR_OVERFLOW;
		lc_cli_error("verify", "%s: %s: %s", report, invalid ? "INVALID" : "cannot verify", lc_diag_message(&d));
		return invalid ? LC_EXIT_FAIL : lc_cli_exit_for(rc);
	}
	if (!quiet) {
		printf("%s: valid, signed by key %s\n", report, info.key_id);
		printf("serial %s, verdict %s\n", info.serial, lc_verdict_name(info.verdict));
		printf("trusted comment: %s\n", info.trusted_comment);
		printf("raw data: %d file(s) checked%s\n", info.raw_checked,
		       info.raw_missing ? ", some named files are not present beside the report" : "");
	}
	for (size_t i = 0; i < n_approvers; i++) {
		lc_pubkey apub;
		if ((rc = lc_pubkey_load(approvers[i], &apub, &d)) < 0)
			return lc_cli_fail("verify", rc, &d, "approver's public key");
		lc_report_approval_info ai;
		/* An approval asked for and absent is as much a failure as a forged one: the report is not approved. */
		if ((rc = lc_report_verify_approval(report, NULL, &apub, &ai, &d)) < 0) {
			lc_cli_error("verify", "%s: NOT APPROVED by %s: %s", report, approvers[i], lc_diag_message(&d));
			return LC_EXIT_FAIL;
		}
		char when[32] = "";
		lc_time_format(ai.time_ms, when, NULL);
		if (!quiet)
			printf("approved by %s (key %s) at %s\n", ai.approver, ai.key_id, when);
	}
	return LC_EXIT_OK;
}
