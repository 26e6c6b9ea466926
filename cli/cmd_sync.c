/* lanecert sync: push the station's journal to the fleet store (<lanecert/fleet.h>, docs/fleet.md). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include <lanecert/fleet.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert sync [--db JOURNAL] --to URL [--batch N] [--with-files]\n"
		"       lanecert sync [--db JOURNAL] --to URL --service [--interval S] [--max-backoff S] [--with-files]\n"
		"       lanecert sync [--db JOURNAL] --status\n\n"
		"Sends every completed run of the station's results store (the journal) with a signed report that the\n"
		"fleet server (URL: a libpq connection string or URI, default $LANECERT_FLEET_URL) has not yet\n"
		"acknowledged: the report's exact bytes, its signature, the run and its measurements. Each batch\n"
		"(--batch, default 100, at most 1000 runs) is one server transaction; a run is marked acknowledged in\n"
		"the journal only after the server committed it, and a run the server already holds is acknowledged\n"
		"without a second copy, so a sync killed at any point loses and duplicates nothing.\n"
		"  --service         keep going: a pass every --interval seconds (default 30); when the server is\n"
		"                    unreachable, retry after 1, 2, 4 ... up to --max-backoff seconds (default 300);\n"
		"                    SIGTERM or SIGINT stops it after the batch in flight (exit 0)\n"
		"  --with-files      also upload each new report's report.html, report.pdf and raw files (a raw file\n"
		"                    only when its SHA-256 is the one the signed report records; one that differs\n"
		"                    refuses the run). Without it only the digests go, inside the signed report\n"
		"  --status          pending and acknowledged runs, refused runs and the last error, from the journal\n"
		"The journal defaults to $LANECERT_JOURNAL, else $XDG_DATA_HOME/lanecert/results.db\n"
		"(~/.local/share/lanecert/results.db).\n"
		"Exit 0 when everything was delivered; 1 when the server refused a report (unknown or revoked key,\n"
		"tampered report: nothing of it is stored, it stays pending); 64 bad command line; 66 no journal;\n"
		"69 server unreachable or lost (what was committed before stays acknowledged); 77 the role may not\n"
		"write these rows.\n");
}

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int stop_after_batch(const lc_sync_stats *so_far, void *user)
{
	(void)so_far, (void)user;
	return stop_requested ? 1 : 0;
}

/* Sleep s seconds, cut short by SIGTERM/SIGINT. */
static void nap(int s)
{
	for (int i = 0; i < s * 10 && !stop_requested; i++) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

static void when(int64_t ms, char buf[32])
{
	if (ms == LC_TIME_NONE || lc_time_format(ms, buf, NULL) < 0)
		strcpy(buf, "never");
}

static int status(const char *db)
{
	lc_sync_status st;
	lc_diag d;
	int rc = lc_sync_status_get(db, &st, &d);
	if (rc < 0)
		return lc_cli_fail("sync", rc, &d, "journal");
	char ack[32], err[32];
	when(st.last_ack_ms, ack);
	when(st.last_error_ms, err);
	printf("pending:      %lld\n", (long long)st.pending);
	printf("acknowledged: %lld\n", (long long)st.acknowledged);
	printf("refused:      %lld%s%s\n", (long long)st.rejected, st.last_rejection[0] ? "  last: " : "",
	       st.last_rejection);
	printf("unsendable:   %lld (completed without a signed report)\n", (long long)st.unsendable);
	printf("incomplete:   %lld (running or killed; sent once complete)\n", (long long)st.incomplete);
	printf("last ack:     %s\n", ack);
	printf("last error:   %s%s%s\n", st.last_error[0] ? err : "none", st.last_error[0] ? "  " : "", st.last_error);
	return LC_EXIT_OK;
}

static void print_pass(const lc_sync_stats *s)
{
	printf("sent %d, already there %d, refused %d (%d batch%s)", s->sent, s->duplicate, s->rejected, s->batches,
	       s->batches == 1 ? "" : "es");
	if (s->files)
		printf(", %d file%s uploaded", s->files, s->files == 1 ? "" : "s");
	printf("\n");
	fflush(stdout);
}

static int one_pass(const char *db, const char *url, const lc_sync_opts *o)
{
	lc_diag d;
	lc_fleet *f;
	int rc = lc_fleet_connect(url, &f, &d);
	if (rc < 0) {
		lc_sync_note_error(db, lc_diag_message(&d), NULL);
		return lc_cli_fail("sync", rc, &d, NULL);
	}
	lc_sync_stats s;
	rc = lc_sync_pass_opts(db, f, o, &s, NULL, NULL, &d);
	lc_fleet_close(f);
	print_pass(&s);
	return rc < 0 ? lc_cli_fail("sync", rc, &d, NULL) : LC_EXIT_OK;
}

static int service(const char *db, const char *url, const lc_sync_opts *o, int interval, int max_backoff)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: a blocked wait returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	lc_fleet *f = NULL;
	int backoff = 1;
	while (!stop_requested) {
		lc_diag d;
		int rc = 0;
		if (!f && (rc = lc_fleet_connect(url, &f, &d)) < 0) {
			f = NULL;
			lc_sync_note_error(db, lc_diag_message(&d), NULL);
		}
		lc_sync_stats s = {0};
		if (f)
			rc = lc_sync_pass_opts(db, f, o, &s, stop_after_batch, NULL, &d);
		if (s.sent || s.duplicate || s.rejected)
			print_pass(&s);
		if (rc == LC_ERR_NOT_FOUND || rc == LC_ERR_FORMAT || rc == LC_ERR_ARG) {
			lc_fleet_close(f); /* no journal, or not one: waiting will not help */
			return lc_cli_fail("sync", rc, &d, "journal");
		}
		if (rc < 0 && rc != LC_ERR_VERIFY) {
			lc_cli_error("sync", "%s; retrying in %d s", lc_diag_message(&d), backoff);
			lc_fleet_close(f); /* reconnect afresh: the connection may be what broke */
			f = NULL;
			nap(backoff);
			backoff = backoff * 2 > max_backoff ? max_backoff : backoff * 2;
			continue;
		}
		if (rc == LC_ERR_VERIFY)
			lc_cli_error("sync", "%s", lc_diag_message(&d));
		backoff = 1;
		nap(interval);
	}
	lc_fleet_close(f);
	return LC_EXIT_OK;
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		lc_cli_error("sync", "%s '%s': a whole number from %d to %d", opt, s, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int lc_cmd_sync(int argc, char **argv)
{
	const char *db = getenv("LANECERT_JOURNAL"), *url = getenv("LANECERT_FLEET_URL");
	if (db && !*db)
		db = NULL;
	int batch = 100, interval = 30, max_backoff = 300;
	bool want_status = false, want_service = false, with_files = false;
	enum { O_DB = 1000, O_TO, O_BATCH, O_SERVICE, O_INTERVAL, O_BACKOFF, O_STATUS, O_FILES };
	static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
					     {"to", required_argument, NULL, O_TO},
					     {"batch", required_argument, NULL, O_BATCH},
					     {"service", no_argument, NULL, O_SERVICE},
					     {"interval", required_argument, NULL, O_INTERVAL},
					     {"max-backoff", required_argument, NULL, O_BACKOFF},
					     {"status", no_argument, NULL, O_STATUS},
					     {"with-files", no_argument, NULL, O_FILES},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int o;
	optind = 1;
	while ((o = lc_cli_getopt("sync", argc, argv, "h", opts)) != -1) {
		switch (o) {
		case O_DB: db = optarg; break;
		case O_TO: url = optarg; break;
		case O_BATCH:
			if (parse_int("--batch", optarg, 1, 1000, &batch) < 0)
				return LC_EXIT_USAGE;
			break;
		case O_SERVICE: want_service = true; break;
		case O_FILES: with_files = true; break;
		case O_INTERVAL:
			if (parse_int("--interval", optarg, 1, 86400, &interval) < 0)
				return LC_EXIT_USAGE;
			break;
		case O_BACKOFF:
			if (parse_int("--max-backoff", optarg, 1, 86400, &max_backoff) < 0)
				return LC_EXIT_USAGE;
			break;
		case O_STATUS: want_status = true; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return lc_cli_unexpected("sync", argv[optind]);
	char def[4096];
	lc_diag d;
	int rc;
	if (!db) {
		if ((rc = lc_store_default_path(def, sizeof(def), &d)) < 0)
			return lc_cli_fail("sync", rc, &d, "journal");
		db = def;
	}
	if (want_status) {
		if (want_service) {
			lc_cli_error("sync", "--status and --service exclude each other");
			return LC_EXIT_USAGE;
		}
		return status(db);
	}
	if (!url || !*url) {
		lc_cli_error("sync", "which server? give --to URL (or set LANECERT_FLEET_URL)");
		return LC_EXIT_USAGE;
	}
	lc_sync_opts so = {.batch = batch, .with_files = with_files};
	return want_service ? service(db, url, &so, interval, max_backoff) : one_pass(db, url, &so);
}
