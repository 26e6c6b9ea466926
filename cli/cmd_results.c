/* lanecert results: query the results store (reports/store.h) or the fleet store (cli/results.h). */
#include <getopt.h>
#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/results.h"
#include <lanecert/fleet.h>
#include <lanecert/results.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert results [--serial SN] [--since DATE] [--until DATE] [--verdict V] [--station NAME]\n"
		"                        [--operator NAME] [--cable TYPE] [--procedure NAME] [--job J] [--last N]\n"
		"                        [--db PATH]\n"
		"                        [--json|--csv]\n"
		"                        [--yield | --pareto]\n\n"
		"Lists recorded runs, oldest first, with each run's attempt number for its serial and the reason of\n"
		"its verdict, job, customer and site. Filters combine (all must hold). DATE: YYYY-MM-DD (UTC midnight) or\n"
		"YYYY-MM-DDTHH:MM:SS.mmmZ; --since takes runs that started at or after it, --until runs that started\n"
		"before it. V: pass, fail, inconclusive, error, aborted, none, or incomplete (runs that never finished).\n"
		"--last N: only the N newest matching runs, newest first (read backwards along an index: a large store\n"
		"costs no more than a small one).\n"
		"The store defaults to $XDG_DATA_HOME/lanecert/results.db (~/.local/share/lanecert/results.db); it must\n"
		"exist (lanecert run creates it): a --db that names no file exits 66 and creates nothing.\n"
		"--db postgresql://... (or postgres://) reads the fleet store instead (docs/fleet.md): the runs every\n"
		"station synced, with the same filters and outputs; its ids are the server's, its reports are in the\n"
		"database (no path), and it holds completed runs only.\n"
		"--yield: instead of the runs, their yield per cable type, station and day (UTC) with the counts of\n"
		"pass, fail and other verdicts. --pareto: the causes of the runs that did not pass, most frequent first,\n"
		"with the cumulative share (a cause is the reason without lane, wavelength and values). Both take the\n"
		"same filters and outputs; incomplete runs are not counted.\n");
}

/* DATE of --since/--until: YYYY-MM-DD (UTC midnight) or a full UTC time; false (said) when it is neither. */
static bool parse_date(const char *text, const char *option, int64_t *ms)
{
	char full[40];
	if (strlen(text) == 10)
		snprintf(full, sizeof(full), "%sT00:00:00.000Z", text);
	else
		snprintf(full, sizeof(full), "%s", text);
	if (lc_time_parse(full, ms, NULL) < 0) {
		lc_cli_error("results", "%s '%s': use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.mmmZ", option, text);
		return false;
	}
	return true;
}

enum fmt { TABLE, JSON, CSV };

struct ctx {
	enum fmt fmt;
	json_t *arr;
};

static void when(int64_t ms, char buf[32])
{
	if (ms == INT64_MIN || lc_time_format(ms, buf, NULL) < 0)
		strcpy(buf, "");
}

static void csv_field(const char *s, bool last)
{
	s = s ? s : "";
	if (strpbrk(s, ",\"\r\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
	putchar(last ? '\n' : ',');
}

static int row_out(const lc_store_row *r, void *user)
{
	struct ctx *c = user;
	char start[32], end[32], id[24], slot[16], attempt[16];
	json_t *o;
	when(r->start_ms, start);
	when(r->end_ms, end);
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	snprintf(slot, sizeof(slot), "%d", r->slot);
	snprintf(attempt, sizeof(attempt), "%d", r->attempt);
	const char *status = r->complete ? lc_verdict_name(r->verdict) : "incomplete";
	if (c->fmt == JSON) {
		o = json_pack("{s:I, s:s?, s:s?, s:i, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s?, s:o, s:s?,"
			      " s:s?, s:s?}",
				      "id", (json_int_t)r->id, "serial", r->serial, "cable_type", r->cable_type,
				      "slot", r->slot, "station", r->station, "operator", r->operator_name,
				      "procedure", r->procedure, "start", *start ? start : NULL, "end",
				      *end ? end : NULL, "complete", r->complete, "verdict",
				      r->complete ? lc_verdict_name(r->verdict) : NULL, "reason", r->reason,
				      "report", r->report_path, "report_sha256", r->report_sha256, "attempt",
				      r->attempt > 0 ? json_integer(r->attempt) : json_null(), "job", r->job, "customer",
				      r->customer, "site", r->site);
		if (!o || json_array_append_new(c->arr, o) != 0)
			return LC_ERR_NOMEM;
	} else if (c->fmt == CSV) {
		const char *f[] = {id, start, end, r->serial, r->attempt > 0 ? attempt : "", r->cable_type, slot,
				   r->station, r->operator_name, r->procedure, status, r->reason, r->report_path,
				   r->report_sha256, r->job, r->customer, r->site};
		size_t n = sizeof(f) / sizeof(f[0]);
		for (size_t i = 0; i < n; i++)
			csv_field(f[i], i == n - 1);
	} else {
		start[19] = 0;
		printf("%-6s %-19s %-20s %-7s %-4s %-12s %-16s %s\n", id, start, r->serial ? r->serial : "-",
		       r->attempt > 0 ? attempt : "-", slot, status, r->operator_name ? r->operator_name : "-",
		       r->reason ? r->reason : "-");
		if (r->report_path)
			printf("%-6s report: %s\n", "", r->report_path);
	}
	return 0;
}

static int yield_out(const lc_yield_row *y, void *user)
{
	struct ctx *c = user;
	double pct = y->runs ? 100.0 * (double)y->passed / (double)y->runs : 0;
	if (c->fmt == JSON) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:f}", "cable_type", y->cable_type, "station",
				      y->station, "day", y->day, "runs", (json_int_t)y->runs, "pass", (json_int_t)y->passed,
				      "fail", (json_int_t)y->failed, "other", (json_int_t)y->other, "yield", pct / 100.0);
		if (!o || json_array_append_new(c->arr, o) != 0)
			return LC_ERR_NOMEM;
	} else if (c->fmt == CSV) {
		csv_field(y->day, false);
		csv_field(y->cable_type, false);
		csv_field(y->station, false);
		printf("%lld,%lld,%lld,%lld,%.4f\n", (long long)y->runs, (long long)y->passed, (long long)y->failed,
		       (long long)y->other, pct / 100.0);
	} else {
		printf("%-10s %-24s %-16s %6lld %6lld %6lld %6lld %6.1f%%\n", y->day, y->cable_type, y->station,
		       (long long)y->runs, (long long)y->passed, (long long)y->failed, (long long)y->other, pct);
	}
	return 0;
}

static int pareto_out(const lc_pareto_row *p, void *user)
{
	struct ctx *c = user;
	if (c->fmt == JSON) {
		json_t *o = json_pack("{s:s, s:s, s:I, s:f}", "verdict", p->verdict, "cause", p->cause, "runs",
				      (json_int_t)p->runs, "cumulative", p->cumulative);
		if (!o || json_array_append_new(c->arr, o) != 0)
			return LC_ERR_NOMEM;
	} else if (c->fmt == CSV) {
		csv_field(p->verdict, false);
		csv_field(p->cause, false);
		printf("%lld,%.4f\n", (long long)p->runs, p->cumulative);
	} else {
		printf("%6lld %6.1f%%  %-12s %s\n", (long long)p->runs, 100.0 * p->cumulative, p->verdict, p->cause);
	}
	return 0;
}

/* Whichever of the two stores the command opened. */
static void close_stores(lc_store *s, lc_fleet *fleet, const lc_cli_fleet_reader *fleet_reader)
{
	lc_store_close(s);
	if (fleet)
		fleet_reader->close(fleet);
}

int lc_cli_results(int argc, char **argv, const lc_cli_fleet_reader *fleet_reader)
{
	const char *db = NULL, *since = NULL, *until = NULL, *verdict = NULL, *last = NULL;
	struct ctx c = {TABLE, NULL};
	int summary = 0; /* 'Y' yield, 'P' Pareto, '!' both asked */
	lc_store_filter f = {.since_ms = INT64_MIN, .verdict = -1};
	static const struct option opts[] = {{"serial", required_argument, NULL, 's'},
					     {"station", required_argument, NULL, 'S'},
					     {"operator", required_argument, NULL, 'o'},
					     {"cable", required_argument, NULL, 'C'},
					     {"procedure", required_argument, NULL, 'p'},
					     {"job", required_argument, NULL, 'J'},
					     {"since", required_argument, NULL, 't'},
					     {"until", required_argument, NULL, 'u'},
					     {"last", required_argument, NULL, 'n'},
					     {"verdict", required_argument, NULL, 'v'},
					     {"db", required_argument, NULL, 'd'},
					     {"json", no_argument, NULL, 'j'},
					     {"csv", no_argument, NULL, 'c'},
					     {"yield", no_argument, NULL, 'Y'},
					     {"pareto", no_argument, NULL, 'P'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int o;
	optind = 1;
	while ((o = lc_cli_getopt("results", argc, argv, "s:t:v:d:jch", opts)) != -1) {
		switch (o) {
		case 's': f.serial = optarg; break;
		case 'S': f.station = optarg; break;
		case 'o': f.operator_name = optarg; break;
		case 'C': f.cable_type = optarg; break;
		case 'p': f.procedure = optarg; break;
		case 'J': f.job = optarg; break;
		case 't': since = optarg; break;
		case 'u': until = optarg; break;
		case 'n': last = optarg; break;
		case 'v': verdict = optarg; break;
		case 'd': db = optarg; break;
		case 'j': c.fmt = JSON; break;
		case 'c': c.fmt = CSV; break;
		case 'Y': summary = summary == 'P' ? '!' : 'Y'; break;
		case 'P': summary = summary == 'Y' ? '!' : 'P'; break;
		case 'h': usage(stdout); return LC_EXIT_OK;
		default: return LC_EXIT_USAGE; /* lc_cli_getopt said which option */
		}
	}
	if (optind != argc)
		return lc_cli_unexpected("results", argv[optind]);
	if (summary == '!') {
		lc_cli_error("results", "--yield and --pareto exclude each other");
		return LC_EXIT_USAGE;
	}
	if (since && !parse_date(since, "--since", &f.since_ms))
		return LC_EXIT_USAGE;
	if (until && !parse_date(until, "--until", &f.until_ms))
		return LC_EXIT_USAGE;
	if (last) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(last, &end, 10);
		if (!*last || *end || errno || *last == '-' || n < 1 || n > 1000000000UL) {
			lc_cli_error("results", "--last '%s': a count of runs from 1 to 1000000000", last);
			return LC_EXIT_USAGE;
		}
		f.newest = (unsigned)n;
	}
	if (summary && f.newest) {
		lc_cli_error("results", "--last lists runs; --yield and --pareto count every matching run");
		return LC_EXIT_USAGE;
	}
	if (verdict) {
		f.verdict = strcmp(verdict, "incomplete") == 0 ? LC_STORE_INCOMPLETE : lc_verdict_parse(verdict);
		if (f.verdict < 0) {
			lc_cli_error("results", "--verdict '%s' is not a verdict", verdict);
			return LC_EXIT_USAGE;
		}
	}
	lc_diag d = {0};
	lc_store *s = NULL;
	lc_fleet *fleet = NULL;
	bool remote = db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
	if (remote && !fleet_reader)
		return LC_CLI_RESULTS_ELSEWHERE;
	int rc = remote ? fleet_reader->connect(db, &fleet, &d) : lc_store_open_mode(db, LC_STORE_EXISTING, &s, &d);
	if (rc < 0)
		return lc_cli_fail("results", rc, &d, remote ? NULL : "results store");
	if (c.fmt == JSON && !(c.arr = json_array())) {
		close_stores(s, fleet, fleet_reader);
		return lc_cli_fail("results", LC_ERR_NOMEM, NULL, NULL);
	}
	lc_results_summary *sum = NULL;
	if (summary && lc_results_summary_new(&sum) < 0) {
		close_stores(s, fleet, fleet_reader);
		json_decref(c.arr);
		return lc_cli_fail("results", LC_ERR_NOMEM, NULL, NULL);
	}
	if (summary == 'Y')
		printf(c.fmt == CSV ? "day,cable_type,station,runs,pass,fail,other,yield\n"
		       : c.fmt == TABLE ? "day        cable type               station            runs   pass   fail  other  yield\n"
					: "");
	else if (summary == 'P')
		printf(c.fmt == CSV ? "verdict,cause,runs,cumulative\n" : c.fmt == TABLE ? "  runs  cumul.  verdict      cause\n" : "");
	else if (c.fmt == CSV)
		printf("id,start,end,serial,attempt,cable_type,slot,station,operator,procedure,verdict,reason,report,"
		       "report_sha256,job,customer,site\n");
	else if (c.fmt == TABLE)
		printf("%-6s %-19s %-20s %-7s %-4s %-12s %-16s %s\n", "id", "start (UTC)", "serial", "attempt", "slot",
		       "verdict", "operator", "reason");
	int (*fn)(const lc_store_row *, void *) = summary ? lc_results_summary_add : row_out;
	void *user = summary ? (void *)sum : (void *)&c;
	rc = remote ? fleet_reader->query(fleet, &f, fn, user, &d) : lc_store_query(s, &f, fn, user, &d);
	close_stores(s, fleet, fleet_reader);
	if (rc >= 0 && summary == 'Y')
		rc = lc_results_summary_yield(sum, yield_out, &c);
	else if (rc >= 0 && summary == 'P')
		rc = lc_results_summary_pareto(sum, pareto_out, &c);
	lc_results_summary_free(sum);
	if (rc < 0) {
		json_decref(c.arr);
		return lc_cli_fail("results", rc, &d, "query");
	}
	if (c.fmt == JSON) {
		char *text = json_dumps(c.arr, JSON_INDENT(2) | JSON_SORT_KEYS);
		json_decref(c.arr);
		if (!text)
			return lc_cli_fail("results", LC_ERR_NOMEM, NULL, NULL);
		printf("%s\n", text);
		free(text);
	}
	return LC_EXIT_OK;
}
