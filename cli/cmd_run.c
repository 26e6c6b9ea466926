/*
 * lanecert run PROCEDURE --station FILE --serial SN ...: certify the cable(s) in one or more slots, write a
 * signed report per slot and record every run in the results store. Exit code by the worst verdict.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_output.h"
#include "fixtures/paths.h"
#include "procedures/engine.h"
#include "reports/report.h"
#include "reports/sign.h"
#include "reports/store.h"

#define MAX_SLOTS 16

static volatile sig_atomic_t abort_flag;

static void on_signal(int sig)
{
	(void)sig;
	abort_flag = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lanecert run PROCEDURE --station FILE --serial SN [options]\n\n"
		"Certifies the cable in a station slot with a procedure of procedures/ and writes a signed report.\n\n"
		"  --station FILE        station file (fixtures/stations/NAME or a path)\n"
		"  --serial SN           DUT serial number; repeat or comma-separate one per slot\n"
		"  --cable TYPE          cable type (fixtures/cables/); default: the station slot's\n"
		"  --slot N              first slot (default 1)\n"
		"  --slots N             run N slots in parallel, slot .. slot+N-1 (default 1)\n"
		"  --operator NAME       operator recorded in the report\n"
		"  --out DIR             where reports go (default ./reports)\n"
		"  --key FILE            minisign secret key to sign with (password from LANECERT_KEY_PASSWORD)\n"
		"  --no-sign             write unsigned reports (development only: verify rejects them)\n"
		"  --db PATH             results store (default under $XDG_DATA_HOME/lanecert)\n"
		"  --no-db               do not record in the results store\n"
		"  --non-interactive     never wait for the keyboard: confirmations are confirmed, questions\n"
		"                        take --answer or their default\n"
		"  --answer ID=VALUE     pre-answer an operator prompt (repeatable)\n"
		"  --option KEY=VALUE    procedure option, e.g. wavelengths=1310,1550 (repeatable)\n"
		"  --procedures DIR      folder of the .lua procedures\n"
		"  --fixtures DIR        folder of cables/, limits/, stations/\n"
		"  --json                machine-readable lines only\n"
		"  -v                    more log output (repeatable)\n\n"
		"exit codes: 0 pass, 1 fail, 2 inconclusive, 3 error, 4 aborted, 64+ usage or setup errors\n");
}

struct run_args {
	const char *procedure, *station, *cable, *operator_name, *out_dir, *key, *db, *procedures, *fixtures;
	const char *serials[MAX_SLOTS];
	size_t n_serials;
	unsigned slot, slots;
	bool non_interactive, json, no_sign, no_db;
	int verbose;
	const char *options[LC_RUN_OPTIONS_MAX];
	size_t n_options;
	const char *answers[LC_PROMPT_MAX_ANSWERS];
	size_t n_answers;
};

static int add_serials(struct run_args *a, char *list)
{
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (a->n_serials == MAX_SLOTS)
			return -1;
		a->serials[a->n_serials++] = t;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	enum { O_STATION = 256, O_SERIAL, O_CABLE, O_SLOT, O_SLOTS, O_OPERATOR, O_OUT, O_KEY, O_DB, O_NONINT, O_JSON,
	       O_ANSWER, O_OPTION, O_PROCS, O_FIXTURES, O_NOSIGN, O_NODB };
	static const struct option opts[] = {
		{"station", required_argument, NULL, O_STATION}, {"serial", required_argument, NULL, O_SERIAL},
		{"cable", required_argument, NULL, O_CABLE},	 {"slot", required_argument, NULL, O_SLOT},
		{"slots", required_argument, NULL, O_SLOTS},	 {"operator", required_argument, NULL, O_OPERATOR},
		{"out", required_argument, NULL, O_OUT},	 {"key", required_argument, NULL, O_KEY},
		{"db", required_argument, NULL, O_DB},		 {"non-interactive", no_argument, NULL, O_NONINT},
		{"json", no_argument, NULL, O_JSON},		 {"answer", required_argument, NULL, O_ANSWER},
		{"option", required_argument, NULL, O_OPTION},	 {"procedures", required_argument, NULL, O_PROCS},
		{"fixtures", required_argument, NULL, O_FIXTURES}, {"no-sign", no_argument, NULL, O_NOSIGN},
		{"no-db", no_argument, NULL, O_NODB},		 {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	a->slot = 1;
	a->slots = 1;
	a->out_dir = "reports";
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case O_STATION: a->station = optarg; break;
		case O_SERIAL:
			if (add_serials(a, optarg) < 0)
				return -1;
			break;
		case O_CABLE: a->cable = optarg; break;
		case O_SLOT: a->slot = (unsigned)strtoul(optarg, NULL, 10); break;
		case O_SLOTS: a->slots = (unsigned)strtoul(optarg, NULL, 10); break;
		case O_OPERATOR: a->operator_name = optarg; break;
		case O_OUT: a->out_dir = optarg; break;
		case O_KEY: a->key = optarg; break;
		case O_DB: a->db = optarg; break;
		case O_NONINT: a->non_interactive = true; break;
		case O_JSON: a->json = true; break;
		case O_NOSIGN: a->no_sign = true; break;
		case O_NODB: a->no_db = true; break;
		case O_PROCS: a->procedures = optarg; break;
		case O_FIXTURES: a->fixtures = optarg; break;
		case O_ANSWER:
			if (a->n_answers == LC_PROMPT_MAX_ANSWERS)
				return -1;
			a->answers[a->n_answers++] = optarg;
			break;
		case O_OPTION:
			if (a->n_options == LC_RUN_OPTIONS_MAX || !strchr(optarg, '='))
				return -1;
			a->options[a->n_options++] = optarg;
			break;
		case 'v': a->verbose++; break;
		case 'h': return 1;
		default: return -1;
		}
	}
	if (optind != argc - 1)
		return -1;
	a->procedure = argv[optind];
	return 0;
}

/* Ask on the terminal (interactive runs only). */
static int tty_ask(void *user, const char *id, const char *text, enum lc_prompt_kind kind, const char *dflt,
		   char *answer, size_t cap)
{
	(void)user;
	(void)id;
	fprintf(stderr, "\n>>> %s\n", text);
	if (kind == LC_PROMPT_CONFIRM)
		fprintf(stderr, "    press Enter when done (or type 'no' to abort): ");
	else
		fprintf(stderr, "    answer%s%s%s: ", dflt ? " [" : "", dflt ? dflt : "", dflt ? "]" : "");
	if (!fgets(answer, (int)cap, stdin))
		return LC_ERR_ABORTED;
	answer[strcspn(answer, "\r\n")] = '\0';
	if (kind == LC_PROMPT_CONFIRM) {
		if (strcmp(answer, "no") == 0 || strcmp(answer, "n") == 0)
			return LC_ERR_ABORTED;
		snprintf(answer, cap, "ok");
	} else if (!answer[0] && dflt) {
		snprintf(answer, cap, "%s", dflt);
	}
	return 0;
}

/* reports/<SN>-<UTC time>-slot<N>: a new directory per run, never overwritten. */
static int report_dir(const char *out, const char *serial, unsigned slot, char *buf, size_t cap)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (mkdir(out, 0755) != 0 && errno != EEXIST)
		return LC_ERR_IO;
	for (int k = 0; k < 100; k++) {
		if (k == 0)
			snprintf(buf, cap, "%s/%s-%s-slot%u", out, serial, stamp, slot);
		else
			snprintf(buf, cap, "%s/%s-%s-slot%u-%d", out, serial, stamp, slot, k);
		struct stat st;
		if (stat(buf, &st) != 0)
			return 0;
	}
	return LC_ERR_BUSY;
}

static int load_key(const struct run_args *a, lc_sign_key **key, lc_diag *d)
{
	*key = NULL;
	if (a->no_sign)
		return 0;
	if (!a->key)
		return lc_diag_set(d, LC_ERR_ARG, "no signing key: --key FILE (lanecert keygen makes one), or --no-sign");
	return lc_sign_key_load(a->key, getenv("LANECERT_KEY_PASSWORD"), key, d);
}

int lc_cmd_run(int argc, char **argv)
{
	struct run_args a = {0};
	lc_diag d;
	int prc = parse_args(argc, argv, &a);
	if (prc == 1) {
		usage(stdout);
		return LC_EXIT_OK;
	}
	if (prc < 0 || !a.station || a.n_serials == 0 || a.slots == 0 || a.slots > MAX_SLOTS || a.slot == 0) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	if (a.n_serials != a.slots) {
		lc_cli_error("run", "%u slot(s) need %u serial number(s), got %zu", a.slots, a.slots, a.n_serials);
		return LC_EXIT_USAGE;
	}
	lc_cli_setup_logging(a.verbose);

	lc_station *station = NULL;
	lc_channel *channel = NULL;
	lc_limits *limits = NULL;
	lc_instrument_set *set = NULL;
	lc_sign_key *key = NULL;
	lc_store *store = NULL;
	lc_prompter prompter;
	lc_run_output out;
	int rc, exit_code = LC_EXIT_OK;
	const char *fx = a.fixtures;

	if ((rc = lc_station_load(a.station, fx, &station, &d)) < 0)
		return lc_cli_fail("run", rc, &d, "station");
	const char *cable = a.cable;
	for (size_t i = 0; !cable && i < station->n_slots; i++)
		if (station->slots[i].number == a.slot && station->slots[i].cable[0])
			cable = station->slots[i].cable;
	if (!cable) {
		lc_station_free(station);
		lc_cli_error("run", "no cable type: --cable TYPE, or a cable in the station's slot %u", a.slot);
		return LC_EXIT_USAGE;
	}
	if ((rc = lc_channel_load(cable, fx, &channel, &d)) < 0 || (rc = lc_limits_load(fx, &limits, &d)) < 0 ||
	    (rc = load_key(&a, &key, &d)) < 0) {
		exit_code = lc_cli_fail("run", rc, &d, NULL);
		goto done;
	}
	if (!a.no_db && (rc = lc_store_open(a.db, &store, &d)) < 0) {
		exit_code = lc_cli_fail("run", rc, &d, "results store");
		goto done;
	}

	lc_prompter_init(&prompter, !a.non_interactive && isatty(STDIN_FILENO), tty_ask, NULL);
	for (size_t i = 0; i < a.n_answers; i++)
		if ((rc = lc_prompter_add_answer(&prompter, a.answers[i], &d)) < 0) {
			exit_code = lc_cli_fail("run", rc, &d, NULL);
			goto done_prompter;
		}
	if (station->automation[0] && (rc = lc_prompter_set_automation(&prompter, station->automation, &d)) < 0) {
		exit_code = lc_cli_fail("run", rc, &d, "station automation");
		goto done_prompter;
	}
	lc_run_output_init(&out, stdout, a.json || !isatty(STDOUT_FILENO), isatty(STDOUT_FILENO));

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Every slot's run is recorded, also when the station cannot be opened: that run is an error. */
	lc_run_setup setups[MAX_SLOTS];
	lc_result *results[MAX_SLOTS] = {NULL};
	int rcs[MAX_SLOTS] = {0};
	lc_diag diags[MAX_SLOTS];
	memset(setups, 0, sizeof(setups));
	lc_diag open_diag;
	int open_rc = lc_instrument_set_open(station, &set, &open_diag);
	for (unsigned s = 0; s < a.slots; s++) {
		results[s] = lc_result_new();
		if (!results[s]) {
			exit_code = lc_cli_fail("run", LC_ERR_NOMEM, NULL, "result");
			goto done_jobs;
		}
		setups[s] = (lc_run_setup){
			.procedure = a.procedure,
			.procedures_dir = a.procedures,
			.station = station,
			.instruments = set,
			.channel = channel,
			.cable_type = cable,
			.limits = limits,
			.serial = a.serials[s],
			.slot = a.slot + s,
			.operator_name = a.operator_name,
			.prompter = &prompter,
			.abort_flag = &abort_flag,
			.n_options = a.n_options,
			.events = lc_run_output_events(&out),
		};
		memcpy((void *)setups[s].options, a.options, sizeof(a.options));
	}
	int64_t run_ids[MAX_SLOTS] = {0};
	for (unsigned s = 0; s < a.slots && store; s++) {
		lc_store_run_info info = {.serial = a.serials[s], .cable_type = cable, .slot = (int)(a.slot + s),
					  .station = station->name, .operator_name = a.operator_name,
					  .procedure = a.procedure, .start_ms = lc_result_wall_ms()};
		if (lc_store_begin_run(store, &info, &run_ids[s], &d) < 0)
			lc_cli_error("run", "results store: %s", lc_diag_message(&d));
	}
	if (open_rc < 0) {
		lc_cli_error("run", "station: %s", lc_diag_message(&open_diag));
		for (unsigned s = 0; s < a.slots; s++) {
			lc_result_dut dut = {.cable_type = cable, .serial = a.serials[s], .slot = (int)(a.slot + s)};
			lc_result_start(results[s], lc_result_wall_ms(), NULL);
			lc_result_set_dut(results[s], &dut, NULL);
			lc_result_set_station(results[s], station->name, NULL, NULL);
			lc_result_set_procedure(results[s], a.procedure, NULL, NULL);
			lc_result_finish(results[s], LC_VERDICT_ERROR, lc_result_wall_ms(), lc_diag_message(&open_diag), NULL);
		}
	} else {
		lc_procedure_run_slots(setups, results, a.slots, rcs, diags);
		/* The last word on lasers: every instrument safe, whatever the procedures did. */
		if (lc_instrument_set_safe(set, &d) < 0)
			lc_cli_error("run", "could not put every instrument in its safe state: %s", lc_diag_message(&d));
	}

	enum lc_verdict worst = LC_VERDICT_NONE;
	for (unsigned s = 0; s < a.slots; s++) {
		char dir[1024], reason[512], err[512] = "";
		lc_report_paths paths;
		memset(&paths, 0, sizeof(paths));
		if (rcs[s] < 0)
			lc_cli_error("run", "slot %u: %s", a.slot + s, lc_diag_message(&diags[s]));
		enum lc_verdict v = lc_result_verdict(results[s]);
		worst = lc_verdict_max(worst, v);
		lc_result_explain(results[s], reason, sizeof(reason));
		lc_report_options ro = {.store = store, .run_id = run_ids[s]};
		if ((rc = report_dir(a.out_dir, a.serials[s], a.slot + s, dir, sizeof(dir))) < 0)
			snprintf(err, sizeof(err), "cannot create a report directory under %s: %s", a.out_dir, lc_strerror(rc));
		else if ((rc = lc_report_write(results[s], dir, key, &paths, &ro, &d)) < 0)
			snprintf(err, sizeof(err), "%s", lc_diag_message(&d));
		if (err[0])
			worst = lc_verdict_max(worst, LC_VERDICT_ERROR);
		lc_run_output_slot_done(&out, a.slot + s, a.serials[s], v, reason[0] ? reason : NULL,
					paths.json[0] ? paths.json : NULL, err[0] ? err : NULL);
	}
	exit_code = lc_verdict_exit_code(worst);
done_jobs:
	for (unsigned s = 0; s < a.slots; s++)
		lc_result_free(results[s]);
	lc_run_output_destroy(&out);
done_prompter:
	lc_prompter_destroy(&prompter);
done:
	lc_instrument_set_close(set);
	lc_store_close(store);
	lc_sign_key_free(key);
	lc_limits_free(limits);
	lc_channel_free(channel);
	lc_station_free(station);
	return exit_code;
}
