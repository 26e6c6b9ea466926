/* lanecert approve: a QA approval of a report, a second minisign signature by the approver's own key
 * (reports/report_approval.c). */
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/key_password.h"
#include <lanecert/base.h>
#include <lanecert/results.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert approve REPORT --key APPROVER.key --name NAME --pubkey STATION.pub\n"
		"                        [--password-file FILE] [--approver EARLIER.pub]...\n\n"
		"Approves a certification report (a report.json) as QA: checks it first with the station's public\n"
		"key (as lanecert verify does), then writes REPORT.approval-KEYID.minisig, a minisign signature by\n"
		"the approver's key over the same report.json, whose trusted comment names the serial, the verdict,\n"
		"the approver (--name) and the time. Never replaces an approval. Check it with\n"
		"  lanecert verify REPORT --pubkey STATION.pub --approver APPROVER.pub\n"
		"  minisign -Vm REPORT -x REPORT.approval-KEYID.minisig -p APPROVER.pub\n"
		"Then renders report.html and report.pdf beside it again with an \"Approved by\" section: this\n"
		"approval and those of each --approver EARLIER.pub given (each verified first); report.json and its\n"
		"signatures do not change.\n"
		"Exit 0 approved; 1 the report (or an earlier approval given) is not valid (nothing written); 64\n"
		"usage; 66 a file is missing.\n");
}

static int load_key(const char *keyfile, const char *pwfile, lc_sign_key **key, lc_diag *d)
{
	int rc = lc_sign_key_load(keyfile, NULL, key, d);
	if (rc == LC_ERR_PERMISSION && strstr(d->text, "password")) {
		char pw[1024];
		int prc = lc_cli_key_password("approve", pwfile, false, pw, sizeof(pw));
		if (prc != 0)
			return prc;
		rc = lc_sign_key_load(keyfile, pw, key, d);
		sodium_memzero(pw, sizeof(pw));
	}
	return rc < 0 ? lc_cli_fail("approve", rc, d, keyfile) : 0;
}

int lc_cmd_approve(int argc, char **argv)
{
	const char *keyfile = NULL, *pwfile = NULL, *name = NULL, *pubkey = getenv("LANECERT_PUBKEY");
	const char *earlier[7];
	size_t n_earlier = 0;
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
					     {"name", required_argument, NULL, 'n'},
					     {"pubkey", required_argument, NULL, 'p'},
					     {"password-file", required_argument, NULL, 'w'},
					     {"approver", required_argument, NULL, 'a'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("approve", argc, argv, "k:n:p:w:a:h", opts)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'n': name = optarg; break;
		case 'p': pubkey = optarg; break;
		case 'w': pwfile = optarg; break;
		case 'a':
			if (n_earlier == sizeof(earlier) / sizeof(earlier[0])) {
				lc_cli_error("approve", "at most %zu --approver keys", sizeof(earlier) / sizeof(earlier[0]));
				return LC_EXIT_USAGE;
			}
			earlier[n_earlier++] = optarg;
			break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		return lc_cli_unexpected("approve", argv[optind + 1]);
	if (optind + 1 != argc || !keyfile || !name || !*name || !pubkey || !*pubkey) {
		if (optind + 1 == argc)
			lc_cli_error("approve", "%s is required", !keyfile ? "--key APPROVER.key"
								  : !name || !*name ? "--name NAME"
										    : "--pubkey STATION.pub (the station's key)");
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	const char *report = argv[optind];
	lc_diag d;
	lc_pubkey station;
	int rc = lc_pubkey_load(pubkey, &station, &d);
	if (rc < 0)
		return lc_cli_fail("approve", rc, &d, "station public key");
	/* Only a valid report is approved: its station signature, key id, comment and raw data hold. */
	rc = lc_report_verify(report, NULL, &station, NULL, &d);
	if (rc < 0) {
		bool invalid = rc == LC_ERR_VERIFY || rc == LC_ERR_FORMAT || rc == LC_ERR_TRUNCATED || rc == LC_ERR_OVERFLOW;
		lc_cli_error("approve", "%s: %s: %s (nothing approved)", report, invalid ? "INVALID" : "cannot verify",
			     lc_diag_message(&d));
		return invalid ? LC_EXIT_FAIL : lc_cli_exit_for(rc);
	}
	/* The earlier approvals to keep on the page must hold before anything is written. */
	lc_pubkey keys[8];
	const lc_pubkey *list[8];
	for (size_t i = 0; i < n_earlier; i++) {
		if ((rc = lc_pubkey_load(earlier[i], &keys[i + 1], &d)) < 0)
			return lc_cli_fail("approve", rc, &d, earlier[i]);
		if ((rc = lc_report_verify_approval(report, NULL, &keys[i + 1], NULL, &d)) < 0) {
			lc_cli_error("approve", "%s: earlier approval by %s: %s (nothing approved)", report, earlier[i],
				     lc_diag_message(&d));
			return rc == LC_ERR_NOT_FOUND ? LC_EXIT_NOINPUT : LC_EXIT_FAIL;
		}
		list[i + 1] = &keys[i + 1];
	}
	lc_sign_key *key = NULL;
	if ((rc = load_key(keyfile, pwfile, &key, &d)) != 0)
		return rc;
	lc_sign_key_public(key, &keys[0]);
	list[0] = &keys[0];
	char path[PATH_MAX];
	rc = lc_report_approve(report, key, name, lc_result_wall_ms(), path, sizeof(path), &d);
	lc_sign_key_free(key);
	if (rc < 0)
		return lc_cli_fail("approve", rc, &d, NULL);
	printf("%s\n", path);
	/* The customer's document shows it: the views again, with every approval verified here. */
	const char *slash = strrchr(pubkey, '/');
	if ((rc = lc_report_render_views(report, &station, list, n_earlier + 1, slash ? slash + 1 : pubkey, &d)) < 0)
		return lc_cli_fail("approve", rc, &d, "report.html and report.pdf with the approval (the approval itself is written)");
	return LC_EXIT_OK;
}
