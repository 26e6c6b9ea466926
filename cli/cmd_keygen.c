/* lanecert keygen: a station's Ed25519 key pair in minisign's formats (reports/sign.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/key_password.h"
#include <lanecert/base.h>
#include <lanecert/results.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert keygen [--out DIR] [--name NAME] [--unencrypted] [--password-file FILE]\n"
		"                       [--kdf sensitive|interactive]\n\n"
		"Writes DIR/NAME.pub (give it to whoever verifies reports) and DIR/NAME.key (mode 0600, keep it on\n"
		"the station). NAME defaults to lanecert, DIR to the current directory (created, mode 0700, when\n"
		"missing). Existing keys are never overwritten: exit 73. The secret key is encrypted with a password (scrypt, as minisign does; --kdf sensitive,\n"
		"the default, is minisign's own setting) unless --unencrypted is given for an unattended station.\n"
		"The password comes from --password-file, LANECERT_KEY_PASSWORD, or a prompt on the terminal.\n");
}

static bool name_ok(const char *n)
{
	return *n && n[0] != '.' &&
	       strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(n);
}

int lc_cmd_keygen(int argc, char **argv)
{
	const char *dir = ".", *name = "lanecert", *pwfile = NULL, *kdf = "sensitive";
	bool unencrypted = false;
	static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
					     {"name", required_argument, NULL, 'n'},
					     {"unencrypted", no_argument, NULL, 'u'},
					     {"password-file", required_argument, NULL, 'p'},
					     {"kdf", required_argument, NULL, 'k'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("keygen", argc, argv, "o:n:up:k:h", opts)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'n': name = optarg; break;
		case 'u': unencrypted = true; break;
		case 'p': pwfile = optarg; break;
		case 'k': kdf = optarg; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return lc_cli_unexpected("keygen", argv[optind]);
	if (!name_ok(name)) {
		lc_cli_error("keygen", "--name '%s': use letters, digits, '.', '_' and '-'", name);
		return LC_EXIT_USAGE;
	}
	lc_kdf_limits limits;
	if (strcmp(kdf, "sensitive") == 0)
		limits = lc_kdf_sensitive();
	else if (strcmp(kdf, "interactive") == 0)
		limits = lc_kdf_interactive();
	else {
		lc_cli_error("keygen", "--kdf must be sensitive or interactive");
		return LC_EXIT_USAGE;
	}
	char pub[PATH_MAX], key[PATH_MAX];
	if ((size_t)snprintf(pub, sizeof(pub), "%s/%s.pub", dir, name) >= sizeof(pub) ||
	    (size_t)snprintf(key, sizeof(key), "%s/%s.key", dir, name) >= sizeof(key)) {
		lc_cli_error("keygen", "path too long");
		return LC_EXIT_USAGE;
	}
	/* Refuse before asking for a password: an existing key pair is never replaced (EX_CANTCREAT). */
	const char *paths[2] = {key, pub};
	for (int i = 0; i < 2; i++) {
		struct stat st;
		if (lstat(paths[i], &st) == 0 || errno != ENOENT) {
			lc_cli_error("keygen", "%s exists: not overwritten (choose another --name or --out)", paths[i]);
			return LC_EXIT_CANTCREAT;
		}
	}
	lc_diag d;
	int rc = lc_mkdir_p(dir, 0700, &d);
	if (rc < 0)
		return lc_cli_fail("keygen", rc, &d, dir);
	char password[1024] = "";
	int prc = unencrypted ? 0 : lc_cli_key_password("keygen", pwfile, true, password, sizeof(password));
	if (prc != 0)
		return prc;
	lc_sign_key *k;
	rc = lc_sign_key_generate(&k, &d);
	if (rc < 0)
		return lc_cli_fail("keygen", rc, &d, "key generation");
	/* minisign's fallback: halve the scrypt limits while the machine cannot afford them. */
	while ((rc = lc_keypair_write(pub, key, k, unencrypted ? NULL : password, limits, &d)) == LC_ERR_NOMEM &&
	       limits.memlimit / 2 >= lc_kdf_minimum().memlimit) {
		limits.memlimit /= 2;
		limits.opslimit /= 2;
	}
	sodium_memzero(password, sizeof(password));
	lc_sign_key_free(k);
	if (rc == LC_ERR_BUSY) { /* created by someone else since the check above */
		lc_cli_error("keygen", "%s", d.text);
		return LC_EXIT_CANTCREAT;
	}
	if (rc < 0)
		return lc_cli_fail("keygen", rc, &d, NULL);
	lc_pubkey p;
	if ((rc = lc_pubkey_load(pub, &p, &d)) < 0)
		return lc_cli_fail("keygen", rc, &d, pub);
	char id[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey_id(&p, id);
	printf("key id %s\nsecret key: %s (%s)\npublic key: %s\nverify with: minisign -Vm report.json -p %s\n", id,
	       key, unencrypted ? "unencrypted" : "encrypted", pub, pub);
	return LC_EXIT_OK;
}
