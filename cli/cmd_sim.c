/*
 * lanecert sim: serve a simulated station (sim/sim.h, the simulator's entry point) until SIGINT or SIGTERM.
 * Prints one line per instrument "ROLE RESOURCE IDN", a line "control RESOURCE IDN" for the control
 * instrument, then "ready"; at the end "lasers-on NONE|port,port" and "time ROLE SIM_S WALL_S" per instrument.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/sim.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert sim [--scenario FILE|NAME] [--bind ADDR] [--port-base N] [--seed N]\n"
		"                    [--time-scale X] [--station-out FILE] [--fixtures DIR] [-v]\n"
		"       lanecert sim --list-kinds\n\n"
		"Serves the instruments of a scenario (default: %s) on loopback until SIGINT/SIGTERM.\n"
		"  --port-base N   every instrument on --bind (127.0.0.1) at ports N, N+1, ... (control last);\n"
		"                  without it each instrument gets its own 127.77.B.x address and its real port\n"
		"  --block B       the B of 127.77.B.x (default 0), to run several such simulators\n"
		"  --time-scale X  simulated seconds per wall second (0: never wait)\n"
		"  --station-out F write a station file with the simulator's resource strings\n",
		LC_SIM_DEFAULT_SCENARIO);
}

static int parse_num(const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

static int list_kinds(void)
{
	const char *name, *cls, *summary;
	for (size_t i = 0; lc_sim_kind_describe(i, &name, &cls, &summary) == 0; i++)
		printf("%-20s %-12s %s\n", name, cls, summary);
	return LC_EXIT_OK;
}

static void print_summary(lc_sim_runner *r)
{
	char on[1024];
	int n = lc_sim_runner_sources_on(r, on, sizeof(on));
	printf("lasers-on %s\n", n ? on : "NONE");
	for (size_t i = 0; i < lc_sim_runner_count(r); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(r, i, &in) == 0)
			printf("time %s %.6f %.6f\n", in.role, in.sim_s, in.wall_s);
	}
	double s, w;
	lc_sim_runner_totals(r, &s, &w);
	printf("time total %.6f %.6f\n", s, w);
	fflush(stdout);
}

int lc_cmd_sim(int argc, char **argv)
{
	static const struct option opts[] = {
		{"scenario", required_argument, NULL, 's'}, {"bind", required_argument, NULL, 'b'},
		{"port-base", required_argument, NULL, 'p'}, {"seed", required_argument, NULL, 'S'},
		{"time-scale", required_argument, NULL, 't'}, {"station-out", required_argument, NULL, 'o'},
		{"fixtures", required_argument, NULL, 'f'}, {"block", required_argument, NULL, 'B'},
		{"list-kinds", no_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'},
		{"verbose", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0},
	};
	const char *scenario = LC_SIM_DEFAULT_SCENARIO, *station_out = NULL, *fixtures = NULL;
	lc_sim_runner_opts ro;
	lc_sim_runner_opts_init(&ro);
	int verbose = 0, c;
	double v;
	optind = 1;
	while ((c = lc_cli_getopt("sim", argc, argv, "hv", opts)) != -1) {
		switch (c) {
		case 's': scenario = optarg; break;
		case 'b': ro.bind = optarg; break;
		case 'o': station_out = optarg; break;
		case 'f': fixtures = optarg; break;
		case 'v': verbose++; break;
		case 'l': return list_kinds();
		case 'h': usage(stdout); return LC_EXIT_OK;
		case 'p':
			if (parse_num(optarg, 1, 65000, &v) < 0)
				return lc_cli_error("sim", "--port-base '%s': a port 1..65000 is expected", optarg), LC_EXIT_USAGE;
			ro.port_base = (int)v;
			break;
		case 'B':
			if (parse_num(optarg, 0, 255, &v) < 0)
				return lc_cli_error("sim", "--block '%s': 0..255 is expected", optarg), LC_EXIT_USAGE;
			ro.address_block = (int)v;
			break;
		case 'S':
			if (parse_num(optarg, 0, 9007199254740992.0, &v) < 0 || v != (double)(uint64_t)v)
				return lc_cli_error("sim", "--seed '%s': a non-negative integer is expected", optarg), LC_EXIT_USAGE;
			ro.has_seed = true;
			ro.seed = (uint64_t)v;
			break;
		case 't':
			if (parse_num(optarg, 0, 1e9, &ro.time_scale) < 0)
				return lc_cli_error("sim", "--time-scale '%s': a number >= 0 is expected", optarg), LC_EXIT_USAGE;
			break;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return lc_cli_unexpected("sim", argv[optind]);
	if (strcmp(ro.bind, "127.0.0.1") && ro.port_base == 0) {
		/* without a port base every instrument has its own address and real port: one address cannot hold them */
		lc_cli_error("sim", "--bind %s needs --port-base (without it each instrument gets its own 127.77.B.x)",
			     ro.bind);
		return LC_EXIT_USAGE;
	}
	lc_cli_setup_logging(verbose);

	lc_diag diag;
	lc_diag_clear(&diag);
	lc_sim_scenario *sc = NULL;
	int rc = lc_sim_scenario_load(scenario, fixtures, &sc, &diag);
	if (rc < 0)
		return lc_cli_fail("sim", rc, &diag, "scenario");

	/* The serving threads inherit this mask, so only sigwait() below sees SIGINT/SIGTERM. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	lc_sim_runner *r = NULL;
	if ((rc = lc_sim_runner_start(sc, &ro, &r, &diag)) < 0) {
		lc_sim_scenario_free(sc);
		return lc_cli_fail("sim", rc, &diag, "start");
	}
	for (size_t i = 0; i < lc_sim_runner_count(r); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(r, i, &in) < 0) {
			fprintf(stderr, "lanecert sim: note: %s: not served in this scenario (kind \"none\")\n",
				lc_sim_scenario_role_at(sc, i));
			continue;
		}
		printf("%s %s %s\n", in.role, in.resource, in.idn);
		/* How an instrument is served (VXI-11 as a socket when port 111 cannot be had, a dialect front on
		 * a socket) is in its resource line already: the explanation is for -v only. */
		if (in.note[0] && verbose)
			fprintf(stderr, "lanecert sim: note: %s: %s\n", in.role, in.note);
	}
	if (lc_sim_runner_control_resource(r)[0])
		printf("control %s LANECERT,SIM-CONTROL,%s\n", lc_sim_runner_control_resource(r), lc_sim_scenario_name(sc));
	if (station_out && (rc = lc_sim_runner_write_station(r, station_out, &diag)) < 0) {
		lc_sim_runner_stop(r);
		lc_sim_scenario_free(sc);
		return lc_cli_fail("sim", rc, &diag, station_out);
	}
	printf("ready\n");
	fflush(stdout);

	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	print_summary(r);
	lc_sim_runner_stop(r);
	lc_sim_scenario_free(sc);
	return LC_EXIT_OK;
}
