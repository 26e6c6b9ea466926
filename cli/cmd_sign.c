/* lanecert sign: sign a file (a report written without a key, a raw data file) in minisign's format. */
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/key_password.h"
#include <lanecert/base.h>
#include <lanecert/results.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert sign FILE --key KEY [--password-file FILE]\n\n"
		"Writes FILE.minisig (never overwriting one). For a lanecert report the trusted comment names the\n"
		"serial, verdict and time, and the report must record the key's id (lanecert verify checks it);\n"
		"for any other file it is minisign's \"timestamp:T\\tfile:NAME\". An encrypted key's password comes\n"
		"from --password-file, LANECERT_KEY_PASSWORD or the terminal.\n");
}

int lc_cmd_sign(int argc, char **argv)
{
	const char *keyfile = NULL, *pwfile = NULL;
	static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
					     {"password-file", required_argument, NULL, 'p'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("sign", argc, argv, "k:p:h", opts)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		return lc_cli_unexpected("sign", argv[optind + 1]);
	if (optind + 1 != argc || !keyfile) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	const char *file = argv[optind];
	lc_diag d;
	char *data = NULL, *sig = NULL;
	size_t dlen;
	lc_sign_key *key = NULL;
	int rc = lc_sign_key_load(keyfile, NULL, &key, &d);
	if (rc == LC_ERR_PERMISSION && strstr(d.text, "password")) {
		char pw[1024];
		int prc = lc_cli_key_password("sign", pwfile, false, pw, sizeof(pw));
		if (prc != 0)
			return prc;
		rc = lc_sign_key_load(keyfile, pw, &key, &d);
		sodium_memzero(pw, sizeof(pw));
	}
	if (rc < 0)
		return lc_cli_fail("sign", rc, &d, keyfile);
	if ((rc = lc_read_file(file, (size_t)1 << 34, &data, &dlen, &d)) < 0)
		goto out;
	char tc[LC_TRUSTED_COMMENT_MAX + 1];
	lc_result *r = NULL;
	if (lc_report_json_read(data, dlen, &r, NULL) == 0) {
		lc_pubkey pub;
		char id[LC_KEY_ID_HEX_LEN + 1];
		lc_sign_key_public(key, &pub);
		lc_pubkey_id(&pub, id);
		const char *kid = lc_result_key_id(r);
		if (!kid || strcmp(kid, id) != 0) {
			rc = lc_diag_set(&d, LC_ERR_VERIFY, "the report records key %s, not this key (%s)",
					 kid ? kid : "(none)", id);
			lc_result_free(r);
			goto out;
		}
		rc = lc_report_trusted_comment(r, tc, sizeof(tc), &d);
		lc_result_free(r);
		if (rc < 0)
			goto out;
	} else {
		const char *base = strrchr(file, '/');
		snprintf(tc, sizeof(tc), "timestamp:%lld\tfile:%s", (long long)time(NULL), base ? base + 1 : file);
	}
	char sigpath[PATH_MAX];
	snprintf(sigpath, sizeof(sigpath), "%s.minisig", file);
	if ((rc = lc_sign_buffer(key, data, dlen, tc, &sig, &d)) == 0)
		rc = lc_atomic_write(sigpath, sig, strlen(sig), 0644, LC_ATOMIC_NOREPLACE, &d);
	if (rc == 0)
		printf("%s\n", sigpath);
out:
	lc_sign_key_free(key);
	free(data), free(sig);
	return rc < 0 ? lc_cli_fail("sign", rc, &d, NULL) : LC_EXIT_OK;
}
