/* lanecert fleet: set up the fleet store on a PostgreSQL server (<lanecert/fleet.h>, docs/fleet.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include <lanecert/fleet.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert fleet migrate URL\n"
		"       lanecert fleet register-station URL --station ID --pubkey FILE [--role NAME]\n"
		"       lanecert fleet revoke-station URL --station ID [--key KEYID]\n"
		"       lanecert fleet verify URL\n\n"
		"URL is a libpq connection string or URI (postgresql://user@host/db?sslmode=verify-full).\n"
		"  migrate           create or upgrade the schema \"lanecert\" and the roles lanecert_station and\n"
		"                    lanecert_reader (as the database's owner; running it again changes nothing)\n"
		"  register-station  record a station's public key (lanecert keygen wrote it); the station's first\n"
		"                    key also creates its login role (default lanecert_station_<id>), which may\n"
		"                    insert only that station's rows and never change or delete any\n"
		"  revoke-station    refuse reports signed with the station's key KEYID (default: all its keys)\n"
		"  verify            re-check every stored report's signature against the registered keys\n"
		"Exit 0 on success, 64 for a bad command line, 65 when the database has a newer schema or the key\n"
		"belongs to another station or is revoked, 66 for an\n"
		"unknown station or key, 69 when the server cannot be reached, 77 when the role may not do it,\n"
		"1 when `verify` finds a report whose signature does not hold.\n");
}

static int connect_or_fail(const char *url, lc_fleet **f)
{
	lc_diag d;
	int rc = lc_fleet_connect(url, f, &d);
	return rc < 0 ? lc_cli_fail("fleet", rc, &d, NULL) : 0;
}

int lc_cmd_fleet(int argc, char **argv)
{
	const char *station = NULL, *pubkey = NULL, *role = NULL, *key = NULL;
	enum { O_STATION = 1000, O_PUBKEY, O_ROLE, O_KEY };
	static const struct option opts[] = {{"station", required_argument, NULL, O_STATION},
					     {"pubkey", required_argument, NULL, O_PUBKEY},
					     {"role", required_argument, NULL, O_ROLE},
					     {"key", required_argument, NULL, O_KEY},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int o;
	optind = 1;
	while ((o = lc_cli_getopt("fleet", argc, argv, "h", opts)) != -1) {
		switch (o) {
		case O_STATION: station = optarg; break;
		case O_PUBKEY: pubkey = optarg; break;
		case O_ROLE: role = optarg; break;
		case O_KEY: key = optarg; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (argc - optind > 2)
		return lc_cli_unexpected("fleet", argv[optind + 2]);
	if (argc - optind != 2) {
		lc_cli_error("fleet", "give an action and the server URL (lanecert fleet --help)");
		return LC_EXIT_USAGE;
	}
	const char *action = argv[optind], *url = argv[optind + 1];
	bool reg = strcmp(action, "register-station") == 0, rev = strcmp(action, "revoke-station") == 0;
	if (!reg && !rev && strcmp(action, "migrate") != 0 && strcmp(action, "verify") != 0) {
		lc_cli_error("fleet", "unknown action '%s' (migrate, register-station, revoke-station, verify)", action);
		return LC_EXIT_USAGE;
	}
	if ((reg || rev) && (!station || !*station)) {
		lc_cli_error("fleet", "%s needs --station ID", action);
		return LC_EXIT_USAGE;
	}
	if (reg && !pubkey) {
		lc_cli_error("fleet", "register-station needs --pubkey FILE");
		return LC_EXIT_USAGE;
	}
	if ((!reg && (pubkey || role)) || (!rev && key) || (!reg && !rev && station)) {
		lc_cli_error("fleet", "an option that %s does not take (lanecert fleet --help)", action);
		return LC_EXIT_USAGE;
	}
	lc_diag d;
	lc_pubkey pub;
	int rc;
	if (reg && (rc = lc_pubkey_load(pubkey, &pub, &d)) < 0)
		return lc_cli_fail("fleet", rc, &d, "public key");
	lc_fleet *f;
	if ((rc = connect_or_fail(url, &f)) != 0)
		return rc;
	if (reg) {
		char kid[LC_KEY_ID_HEX_LEN + 1];
		lc_pubkey_id(&pub, kid);
		if ((rc = lc_fleet_register_station(f, station, &pub, role, &d)) == 0)
			printf("station %s: key %s registered\n", station, kid);
	} else if (rev) {
		if ((rc = lc_fleet_revoke_station(f, station, key, &d)) >= 0)
			printf("station %s: %d key%s revoked\n", station, rc, rc == 1 ? "" : "s");
	} else if (strcmp(action, "migrate") == 0) {
		if ((rc = lc_fleet_migrate(f, &d)) >= 0) {
			int v = lc_fleet_schema_version(f, &d);
			printf("schema version %d (%d migration%s applied)\n", v, rc, rc == 1 ? "" : "s");
		}
	} else if ((rc = lc_fleet_verify_all(f, &d)) >= 0) {
		printf("%d report%s verified\n", rc, rc == 1 ? "" : "s");
	}
	lc_fleet_close(f);
	if (rc == LC_ERR_STATE && reg) { /* a key of another station, a revoked key, another role: the input's fault */
		lc_cli_fail("fleet", rc, &d, NULL);
		return LC_EXIT_DATAERR;
	}
	if (rc < 0)
		return lc_cli_fail("fleet", rc, &d, NULL);
	return LC_EXIT_OK;
}
