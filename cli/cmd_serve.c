/* lanecert serve: the station dashboard (serve/serve.h). Options in, the address out; the server is serve/. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "serve/serve.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lanecert serve [--listen ADDR:PORT] [--db PATH] [--station FILE]... [options]\n\n"
		"Serves the station dashboard: the line's slots live, the history of runs with their reports,\n"
		"yield and failure reasons, the station's instruments and calibration. Read-only.\n\n"
		"  --listen ADDR:PORT    address to listen on (default 127.0.0.1:%d; [::1]:PORT for IPv6; port 0:\n"
		"                        any free port, printed). Any address but loopback needs --token-file\n"
		"  --db PATH|URL         the results store (default: $XDG_DATA_HOME/lanecert/results.db), or the\n"
		"                        fleet's PostgreSQL store (postgresql://...: every station's runs; their\n"
		"                        report files stay on the stations)\n"
		"  --station FILE        a station file (fixtures/stations/NAME or a path) whose slots and\n"
		"                        instruments the pages show; repeatable (up to %d)\n"
		"  --fixtures DIR        folder station names are looked up in\n"
		"  --pubkey FILE         the stations' public key: every report page shows whether its signature\n"
		"                        verifies (without it, reports are shown unchecked and say so)\n"
		"  --live-socket PATH    where `lanecert run` publishes its events (default: the store's path with\n"
		"                        .live appended, which `lanecert run --db` of the same store uses too)\n"
		"  --token-file FILE     access token (first line; 16+ characters of A-Za-z0-9-._~), required off\n"
		"                        loopback: browsers open /?token=TOKEN once (a cookie keeps it), programs\n"
		"                        send Authorization: Bearer TOKEN. A file, so the token is not in ps\n"
		"  --tls-cert FILE --tls-key FILE\n"
		"                        serve HTTPS with this PEM certificate and key\n"
		"  --max-connections N   connections at once (default 128; each live view holds one)\n"
		"  --max-rate N          requests per second over all clients (default 500)\n"
		"  --shifts HH:MM,...    the starts of the line's shifts (up to 6, e.g. 06:00,14:00,22:00) in this\n"
		"                        machine's time zone (TZ): the quality page adds yield per shift\n"
		"  -v                    more log output (repeatable)\n\n"
		"Runs until interrupted (SIGINT, SIGTERM). Exit codes: 0 stopped, 64 usage, 66 file not found,\n"
		"65 malformed station or key, 69 fleet store unreachable or TLS not supported, 75 address or\n"
		"socket taken.\n",
		LC_SERVE_DEFAULT_PORT, LC_SERVE_STATIONS_MAX);
}

static int read_token(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		lc_cli_error("serve", "--token-file %s: cannot be read", path);
		return LC_EXIT_NOINPUT;
	}
	bool ok = fgets(buf, (int)cap, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!ok || !buf[0]) {
		lc_cli_error("serve", "--token-file %s: no token on its first line", path);
		return LC_EXIT_DATAERR;
	}
	return LC_EXIT_OK;
}

static unsigned parse_count(const char *option, const char *s, unsigned max, bool *ok)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v == 0 || v > max) {
		lc_cli_error("serve", "--%s: a whole number from 1 to %u is needed, got '%s'", option, max, s);
		*ok = false;
	}
	return (unsigned)v;
}

int lc_cmd_serve(int argc, char **argv)
{
	enum { O_LISTEN = 256, O_DB, O_STATION, O_FIXTURES, O_PUBKEY, O_LIVE, O_TOKEN, O_CERT, O_KEY, O_MAXCONN,
	       O_MAXRATE, O_SHIFTS };
	static const struct option opts[] = {
		{"listen", required_argument, NULL, O_LISTEN},	 {"db", required_argument, NULL, O_DB},
		{"station", required_argument, NULL, O_STATION}, {"fixtures", required_argument, NULL, O_FIXTURES},
		{"pubkey", required_argument, NULL, O_PUBKEY},	 {"live-socket", required_argument, NULL, O_LIVE},
		{"token-file", required_argument, NULL, O_TOKEN}, {"tls-cert", required_argument, NULL, O_CERT},
		{"tls-key", required_argument, NULL, O_KEY},	 {"max-connections", required_argument, NULL, O_MAXCONN},
		{"max-rate", required_argument, NULL, O_MAXRATE}, {"shifts", required_argument, NULL, O_SHIFTS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	lc_serve_opts o = {0};
	const char *token_file = NULL;
	int verbose = 0, c;
	bool ok = true;
	optind = 1;
	while ((c = lc_cli_getopt("serve", argc, argv, "hv", opts)) != -1) {
		switch (c) {
		case O_LISTEN: o.listen = optarg; break;
		case O_DB: o.db = optarg; break;
		case O_STATION:
			if (o.n_stations == LC_SERVE_STATIONS_MAX) {
				lc_cli_error("serve", "at most %d --station files", LC_SERVE_STATIONS_MAX);
				return LC_EXIT_USAGE;
			}
			o.stations[o.n_stations++] = optarg;
			break;
		case O_FIXTURES: o.fixtures_dir = optarg; break;
		case O_PUBKEY: o.pubkey = optarg; break;
		case O_LIVE: o.live_socket = optarg; break;
		case O_TOKEN: token_file = optarg; break;
		case O_CERT: o.tls_cert = optarg; break;
		case O_KEY: o.tls_key = optarg; break;
		case O_MAXCONN: o.max_connections = parse_count("max-connections", optarg, 4096, &ok); break;
		case O_MAXRATE: o.max_rate = parse_count("max-rate", optarg, 1000000, &ok); break;
		case O_SHIFTS: o.shifts = optarg; break;
		case 'v': verbose++; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
		if (!ok)
			return LC_EXIT_USAGE;
	}
	if (optind != argc)
		return lc_cli_unexpected("serve", argv[optind]);
	lc_cli_setup_logging(verbose);
	char token[LC_SERVE_TOKEN_MAX + 2];
	if (token_file) {
		int rc = read_token(token_file, token, sizeof(token));
		if (rc != LC_EXIT_OK)
			return rc;
		o.token = token;
	}
	/* The signals are taken by sigwait below, in this thread only: the server's threads never see them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	lc_diag d;
	lc_serve *s;
	int rc = lc_serve_start(&o, &s, &d);
	if (rc < 0)
		return lc_cli_fail("serve", rc, &d, NULL);
	printf("lanecert serve: %s (events: %s)\n", lc_serve_url(s), lc_serve_live_socket(s));
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	lc_serve_stop(s);
	return LC_EXIT_OK;
}
