/*
 * lanecert run PROCEDURE --station FILE --serial SN ...: certify the cable(s) in one or more slots, write a
 * signed report per slot and record every run in the results store. Exit code by the worst verdict.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/limit_set.h"
#include "cli/run_abort.h"
#include "cli/run_inputs.h"
#include "cli/run_output.h"
#include "cli/run_reports.h"
#include "serve/serve.h"
#include <lanecert/channel.h>
#include <lanecert/run.h>
#include <lanecert/results.h>
#include <lanecert/base.h>

#define MAX_SLOTS LC_RUN_REPORTS_MAX

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lanecert run PROCEDURE --station FILE --serial SN --operator NAME [options]\n"
		"       lanecert run --procedure-file PATH --station FILE --serial SN --operator NAME [options]\n\n"
		"Certifies the cable in a station slot with an installed procedure (a name such as\n"
		"breakout-dr4-4x100g; an unknown name lists them) and writes a signed report.\n\n"
		"  --station FILE        station file (fixtures/stations/NAME or a path)\n"
		"  --serial SN           DUT serial number; repeat or comma-separate one per slot. 1-64 characters\n"
		"                        of A-Za-z0-9._-, not starting with a dot, or the station's serial_pattern\n"
		"  --procedure-file PATH a procedure file of your own instead of a name (the report records it as\n"
		"                        custom, with its SHA-256)\n"
		"  --cable TYPE          cable type (fixtures/cables/); default: the station slot's\n"
		"  --limit-set NAME      price the budget's mated pairs with this limit set (reference-grade,\n"
		"                        typical, standard-max: limits/limit-sets.json) instead of the cable's\n"
		"                        own; recorded in the report and on the certificate\n"
		"  --slot N              first slot (default 1)\n"
		"  --slots N             run N slots in parallel, slot .. slot+N-1 (default 1)\n"
		"  --operator NAME       operator recorded in the report and the results store (required: else the\n"
		"                        station's default_operator, else asked on a terminal)\n"
		"  --job J               the job (order, shipment) the cable is certified for: on the report, in\n"
		"                        the results store (lanecert results --job, lanecert report job); default:\n"
		"                        the station's default_job\n"
		"  --customer C          the customer, on the report and in the store (default: default_customer)\n"
		"  --site S              the site, on the report and in the store (default: default_site)\n"
		"  --accept-expired-calibration REASON\n"
		"                        use instruments past their calibration due date; the reason is\n"
		"                        recorded next to each such instrument on the certificate\n"
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
		"  --golden record|check the cable is the station's golden cable (its \"golden\" serial): record\n"
		"                        its values as the baseline (when it passes), or check them against it\n"
		"                        (a failed check makes the run an error and blocks the station's runs)\n"
		"  --state DIR           the station's state folder: references kept between runs\n"
		"                        (reference_keep_s); default: its state_dir, else station-state/ beside\n"
		"                        the results store\n"
		"  --json                machine-readable lines only\n"
		"  --publish PATH        send the events (the --json lines) to `lanecert serve` at this socket;\n"
		"                        default: the results store's path with .live appended. Never blocks the\n"
		"                        run: events nobody receives are dropped\n"
		"  --no-publish          do not send events to a dashboard\n"
		"  -v                    more log output (repeatable)\n\n"
		"exit codes: 0 pass, 1 fail, 2 inconclusive, 3 error, 4 aborted, 64 usage (a bad serial, no\n"
		"operator, an unknown --limit-set), 66 unknown procedure or file not found, 65+ other setup errors\n");
}

enum { GOLDEN_RECORD = 1, GOLDEN_CHECK = 2 };

struct run_args {
	const char *procedure, *procedure_file, *station, *cable, *operator_name, *out_dir, *key, *db, *procedures,
		*fixtures, *state, *publish, *job, *customer, *site, *limit_set;
	const char *accept_expired_calibration;
	const char *serials[MAX_SLOTS];
	size_t n_serials;
	unsigned slot, slots;
	bool non_interactive, json, no_sign, no_db, no_publish;
	int golden; /* 0, GOLDEN_RECORD, GOLDEN_CHECK */
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

/* A slot number or count: decimal digits only, 1 .. 9999. "2x", "-1" or "" would otherwise become some
 * other slot (strtoul reads "-1" as a huge number and "2x" as 2) and certify the wrong cable's fibers. */
static int parse_slot_number(const char *s, unsigned *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 4)
		return -1;
	unsigned v = (unsigned)strtoul(s, NULL, 10);
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

/* 0; 1 for --help; -1 for a bad option value (the caller prints the usage); -2 for a bad option, which
 * lc_cli_getopt has already named. */
static int parse_args(int argc, char **argv, struct run_args *a)
{
	enum { O_STATION = 256, O_SERIAL, O_CABLE, O_SLOT, O_SLOTS, O_OPERATOR, O_OUT, O_KEY, O_DB, O_NONINT, O_JSON,
	       O_ANSWER, O_OPTION, O_PROCS, O_FIXTURES, O_NOSIGN, O_NODB, O_PROCFILE, O_ACCEPT_CAL, O_STATE, O_GOLDEN,
	       O_PUBLISH, O_NOPUBLISH, O_JOB, O_CUSTOMER, O_SITE, O_LIMIT_SET };
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
		{"procedure-file", required_argument, NULL, O_PROCFILE},
		{"accept-expired-calibration", required_argument, NULL, O_ACCEPT_CAL},
		{"state", required_argument, NULL, O_STATE},
		{"golden", required_argument, NULL, O_GOLDEN},
		{"publish", required_argument, NULL, O_PUBLISH},
		{"no-publish", no_argument, NULL, O_NOPUBLISH},
		{"job", required_argument, NULL, O_JOB},
		{"customer", required_argument, NULL, O_CUSTOMER},
		{"site", required_argument, NULL, O_SITE},
		{"limit-set", required_argument, NULL, O_LIMIT_SET},
		{NULL, 0, NULL, 0},
	};
	int c;
	a->slot = 1;
	a->slots = 1;
	a->out_dir = "reports";
	optind = 1;
	while ((c = lc_cli_getopt("run", argc, argv, "hv", opts)) != -1) {
		switch (c) {
		case O_STATION: a->station = optarg; break;
		case O_SERIAL:
			if (add_serials(a, optarg) < 0)
				return -1;
			break;
		case O_CABLE: a->cable = optarg; break;
		case O_SLOT:
			if (parse_slot_number(optarg, &a->slot) < 0)
				return -1;
			break;
		case O_SLOTS:
			if (parse_slot_number(optarg, &a->slots) < 0)
				return -1;
			break;
		case O_OPERATOR: a->operator_name = optarg; break;
		case O_OUT: a->out_dir = optarg; break;
		case O_KEY: a->key = optarg; break;
		case O_DB: a->db = optarg; break;
		case O_NONINT: a->non_interactive = true; break;
		case O_JSON: a->json = true; break;
		case O_NOSIGN: a->no_sign = true; break;
		case O_NODB: a->no_db = true; break;
		case O_ACCEPT_CAL:
			if (!*optarg) /* an acceptance without a reason is no acceptance */
				return -1;
			a->accept_expired_calibration = optarg;
			break;
		case O_PROCS: a->procedures = optarg; break;
		case O_PROCFILE: a->procedure_file = optarg; break;
		case O_FIXTURES: a->fixtures = optarg; break;
		case O_STATE: a->state = optarg; break;
		case O_PUBLISH: a->publish = optarg; break;
		case O_NOPUBLISH: a->no_publish = true; break;
		case O_JOB: a->job = optarg; break;
		case O_CUSTOMER: a->customer = optarg; break;
		case O_SITE: a->site = optarg; break;
		case O_LIMIT_SET: a->limit_set = optarg; break;
		case O_GOLDEN:
			if (strcmp(optarg, "record") && strcmp(optarg, "check"))
				return -1;
			a->golden = strcmp(optarg, "record") == 0 ? GOLDEN_RECORD : GOLDEN_CHECK;
			break;
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
		default: return -2; /* lc_cli_getopt said which option */
		}
	}
	if (optind < argc - 1)
		return -1;
	a->procedure = optind == argc - 1 ? argv[optind] : NULL;
	return 0;
}

/* Wait for a line on stdin while watching the abort flag (user): a prompt is a wait like any other. */
static int tty_wait_line(const lc_abort_flag *flag)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	for (;;) {
		if (flag && *flag)
			return LC_ERR_ABORTED;
		int r = poll(&p, 1, LC_ABORT_SLICE_MS);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return LC_ERR_IO;
	}
}

/* Ask on the terminal (interactive runs only). */
static int tty_ask(void *user, const char *id, const char *text, enum lc_prompt_kind kind, const char *dflt,
		   char *answer, size_t cap)
{
	(void)id;
	fprintf(stderr, "\n>>> %s\n", text);
	if (kind == LC_PROMPT_CONFIRM)
		fprintf(stderr, "    press Enter when done (or type 'no' to abort): ");
	else
		fprintf(stderr, "    answer%s%s%s: ", dflt ? " [" : "", dflt ? dflt : "", dflt ? "]" : "");
	int rc = tty_wait_line(user);
	if (rc < 0)
		return rc;
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

/* What the store and an error run record as the procedure: its name, or the custom file's name. */
static const char *procedure_label(const struct run_args *a)
{
	if (a->procedure)
		return a->procedure;
	const char *slash = strrchr(a->procedure_file, '/');
	return slash ? slash + 1 : a->procedure_file;
}

struct last_run {
	int n;
	char verdict[16], time[32];
};

static int note_run(const lc_store_row *row, void *user)
{
	struct last_run *l = user;
	l->n++;
	snprintf(l->verdict, sizeof(l->verdict), "%s", row->complete ? lc_verdict_name(row->verdict) : "incomplete");
	if (row->start_ms == INT64_MIN || lc_time_format(row->start_ms, l->time, NULL) < 0)
		l->time[0] = '\0';
	return 0;
}

/* Record the slot's run as begun and say which attempt it is for its serial; returns the attempt number
 * (0 when the store could not tell: the run goes on, the store's complaint is printed). */
static int begin_attempt(lc_store *store, const struct run_args *a, unsigned s, const char *cable,
			 const char *station, lc_run_output *out, int64_t *run_id)
{
	lc_diag d;
	struct last_run last = {0};
	lc_store_filter f = {.serial = a->serials[s], .since_ms = INT64_MIN, .verdict = -1};
	lc_store_run_info info = {.serial = a->serials[s], .cable_type = cable, .slot = (int)(a->slot + s),
				  .station = station, .operator_name = a->operator_name,
				  .procedure = procedure_label(a), .start_ms = lc_result_wall_ms(), .job = a->job,
				  .customer = a->customer, .site = a->site};
	int attempt;
	if (lc_store_query(store, &f, note_run, &last, &d) < 0 || lc_store_begin_run(store, &info, run_id, &d) < 0 ||
	    (attempt = lc_store_run_attempt(store, *run_id, &d)) < 0) {
		lc_cli_error("run", "results store: %s", lc_diag_message(&d));
		return 0;
	}
	lc_run_output_attempt(out, a->slot + s, a->serials[s], attempt, last.n ? last.verdict : NULL, last.time);
	return attempt;
}

/* After a golden cable's run: record its baseline, or check it against the baseline. A check that fails, or
 * a baseline that cannot be recorded, makes the run an error (the station, not the cable, is in question). */
static void golden_outcome(const struct run_args *a, const lc_station *st, const char *state_dir, lc_result *r)
{
	lc_diag d;
	char why[LC_GOLDEN_WHY_MAX], reason[LC_GOLDEN_WHY_MAX + 64];
	int rc;
	if (a->golden == GOLDEN_RECORD) {
		if ((rc = lc_golden_record(st, state_dir, r, &d)) == 0) {
			fprintf(stderr, "golden cable %s: its values are recorded as the station's baseline; check it with --golden check\n",
			       st->golden.serial);
			return;
		}
		lc_utf8_printf(reason, sizeof(reason), "golden-cable baseline not recorded: %s", lc_diag_message(&d));
	} else {
		rc = lc_golden_check(st, state_dir, r, (int64_t)time(NULL), why, sizeof(why), &d);
		if (rc == 1) {
			fprintf(stderr, "golden-cable check of %s passed: station '%s' certifies for %u min\n", st->golden.serial,
			       st->name, st->golden.valid_s / 60);
			return;
		}
		lc_utf8_printf(reason, sizeof(reason), "golden-cable check failed: %s", rc == 0 ? why : lc_diag_message(&d));
	}
	lc_cli_error("run", "%s", reason);
	lc_result_finish(r, LC_VERDICT_ERROR, lc_result_wall_ms(), reason, NULL);
}

static void publish_line(void *user, const char *line, size_t len)
{
	lc_publish_line(user, line, len);
}

/* The dashboard's feed (serve/serve.h): on unless --no-publish; a path that cannot be used is said and the
 * run goes on without it, as it does when nobody listens. */
static lc_publisher *open_publisher(const struct run_args *a, const char *station)
{
	char path[200];
	lc_diag d;
	lc_publisher *p = NULL;
	if (a->no_publish)
		return NULL;
	if (!a->publish && lc_publish_default_path(a->db, path, sizeof(path), &d) < 0) {
		lc_log(LC_LOG_INFO, "run", "no live events: %s", lc_diag_message(&d));
		return NULL;
	}
	if (lc_publish_open(a->publish ? a->publish : path, station, &p, &d) < 0) {
		lc_cli_error("run", "--publish: %s (the run goes on without live events)", lc_diag_message(&d));
		return NULL;
	}
	return p;
}

/* The station's limits confirmation file: the UNCONFIRMED rows it confirms are certified, named on the
 * certificate with the file's name and SHA-256. A file that does not hold is refused before anything runs. */
static int confirm_limits(const char *path, lc_limits *limits, lc_diag *d)
{
	char *text;
	size_t len;
	int rc = lc_read_file(path, 1u << 20, &text, &len, d);
	if (rc < 0)
		return rc;
	char hex[LC_SHA256_HEX_LEN + 1];
	lc_result_sha256_hex(text, len, hex);
	const char *slash = strrchr(path, '/');
	rc = lc_limits_confirm_json(limits, text, len, slash ? slash + 1 : path, hex, d);
	free(text);
	return rc;
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
	int rc, prc = parse_args(argc, argv, &a);
	if (prc == 1) {
		usage(stdout);
		return LC_EXIT_OK;
	}
	if (prc == -2)
		return LC_EXIT_USAGE;
	if (prc < 0 || !a.station || a.n_serials == 0 || a.slots == 0 || a.slots > MAX_SLOTS || a.slot == 0) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	if (a.n_serials != a.slots) {
		lc_cli_error("run", "%u slot(s) need %u serial number(s), got %zu", a.slots, a.slots, a.n_serials);
		return LC_EXIT_USAGE;
	}
	lc_cli_setup_logging(a.verbose);
	/* Before anything is opened: an unknown procedure records no run and writes no report. */
	if ((rc = lc_run_check_procedure(a.procedure, a.procedure_file, a.procedures)) != LC_EXIT_OK)
		return rc;

	lc_station *station = NULL;
	lc_channel *channel = NULL;
	lc_limits *limits = NULL;
	lc_instrument_set *set = NULL;
	lc_sign_key *key = NULL;
	lc_store *store = NULL;
	lc_prompter prompter;
	lc_run_output out;
	lc_publisher *publisher = NULL;
	static lc_run_reports reports; /* static: 16 slots' staging state, too large for the stack */
	long long run_t0 = 0; /* when the slots started measuring (lc_run_reports_now_us) */
	bool reports_ready = false;
	int exit_code = LC_EXIT_OK, out_fd = -1;
	const char *fx = a.fixtures;
	char operator_name[LC_NAME_MAX], state_dir[1100], golden_block[LC_GOLDEN_WHY_MAX];

	if ((rc = lc_station_load(a.station, fx, &station, &d)) < 0)
		return lc_cli_fail("run", rc, &d, "station");
	/* Before anything is opened: a driver not in this build (66), a malformed resource or layout (65). */
	if ((rc = lc_instrument_set_check(station, &d)) < 0) {
		lc_station_free(station);
		return lc_cli_fail("run", rc, &d, "station");
	}
	if ((exit_code = lc_run_check_serials(a.serials, a.n_serials, station)) != LC_EXIT_OK ||
	    (exit_code = lc_run_resolve_operator(a.operator_name, station, !a.non_interactive && isatty(STDIN_FILENO),
						 operator_name, sizeof(operator_name))) != LC_EXIT_OK ||
	    (exit_code = lc_run_state_dir(a.state, station, a.db, a.no_db, state_dir, sizeof(state_dir))) !=
		    LC_EXIT_OK ||
	    (exit_code = lc_run_golden_mode(a.golden != 0, station, a.serials, a.n_serials)) != LC_EXIT_OK ||
	    (exit_code = lc_run_resolve_job_field("job", a.job, station->default_job, &a.job)) != LC_EXIT_OK ||
	    (exit_code = lc_run_resolve_job_field("customer", a.customer, station->default_customer, &a.customer)) !=
		    LC_EXIT_OK ||
	    (exit_code = lc_run_resolve_job_field("site", a.site, station->default_site, &a.site)) != LC_EXIT_OK ||
	    (exit_code = lc_run_open_out(a.out_dir, &out_fd)) != LC_EXIT_OK) {
		lc_station_free(station);
		return exit_code;
	}
	a.operator_name = operator_name;
	const char *cable = a.cable;
	for (size_t i = 0; !cable && i < station->n_slots; i++)
		if (station->slots[i].number == a.slot && station->slots[i].cable[0])
			cable = station->slots[i].cable;
	if (!cable) {
		close(out_fd);
		lc_station_free(station);
		lc_cli_error("run", "no cable type: --cable TYPE, or a cable in the station's slot %u", a.slot);
		return LC_EXIT_USAGE;
	}
	if ((rc = lc_channel_load(cable, fx, &channel, &d)) < 0 || (rc = lc_limits_load(fx, &limits, &d)) < 0 ||
	    (rc = load_key(&a, &key, &d)) < 0) {
		exit_code = lc_cli_fail("run", rc, &d, NULL);
		goto done;
	}
	if ((exit_code = lc_cli_limit_set("run", limits, channel, a.limit_set)) != LC_EXIT_OK)
		goto done;
	if (station->limits_confirmation[0] && (rc = confirm_limits(station->limits_confirmation, limits, &d)) < 0) {
		exit_code = lc_cli_fail("run", rc, &d, "limits_confirmation");
		goto done;
	}
	if (!a.no_db && (rc = lc_store_open(a.db, &store, &d)) < 0) {
		exit_code = lc_cli_fail("run", rc, &d, "results store");
		goto done;
	}

	static lc_run_abort abort_ctl; /* static: the watcher thread reads it until stopped */
	if ((rc = lc_run_abort_start(&abort_ctl)) < 0) {
		exit_code = lc_cli_fail("run", rc, NULL, "signal watcher");
		goto done;
	}
	lc_prompter_init(&prompter, !a.non_interactive && isatty(STDIN_FILENO), tty_ask, (void *)&abort_ctl.flag);
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
	lc_run_output_set_job(&out, a.job, a.customer, a.site);
	publisher = open_publisher(&a, station->name);
	if (publisher)
		lc_run_output_set_sink(&out, publish_line, publisher);

	/* Every slot's run is recorded, also when the station cannot be opened: that run is an error. */
	lc_run_setup setups[MAX_SLOTS];
	lc_result *results[MAX_SLOTS] = {NULL};
	int rcs[MAX_SLOTS] = {0};
	lc_diag diags[MAX_SLOTS];
	memset(setups, 0, sizeof(setups));
	lc_diag open_diag;
	int open_rc = lc_instrument_set_open_slots(station, a.slot, a.slots, &set, &open_diag);
	if (open_rc == LC_ERR_FORMAT) {
		/* The station file is wrong about an instrument that answered (a driver that does not serve its
		 * model): refused like a malformed file, before any laser is touched; no run is recorded. */
		exit_code = lc_cli_fail("run", open_rc, &open_diag, "station");
		lc_run_output_destroy(&out);
		goto done_prompter;
	}
	lc_run_abort_set_instruments(&abort_ctl, set);
	/* checked above: at most MAX_SLOTS */
	lc_run_reports_init(&reports, a.slots, out_fd, a.out_dir, key, NULL);
	reports_ready = true;
	for (unsigned s = 0; s < a.slots; s++) {
		results[s] = lc_result_new();
		if (!results[s]) {
			exit_code = lc_cli_fail("run", LC_ERR_NOMEM, NULL, "result");
			goto done_jobs;
		}
		/* checked above: a failure here is remembered by the result and makes the run an error */
		lc_result_set_job(results[s], &(lc_result_job){a.job, a.customer, a.site}, NULL);
		setups[s] = (lc_run_setup){
			.procedure = a.procedure,
			.procedure_file = a.procedure_file,
			.procedures_dir = a.procedures,
			.station = station,
			.instruments = set,
			.channel = channel,
			.cable_type = cable,
			.limits = limits,
			.fixtures_dir = fx,
			.state_dir = state_dir[0] ? state_dir : NULL,
			.serial = a.serials[s],
			.slot = a.slot + s,
			.operator_name = a.operator_name,
			.accept_expired_calibration = a.accept_expired_calibration,
			.prompter = &prompter,
			.abort_flag = &abort_ctl.flag,
			.n_options = a.n_options,
			.events = lc_run_output_events(&out),
			/* its views are rendered as soon as it ends, while other slots still measure */
			.finished = lc_run_reports_slot_finished,
			.finished_user = &reports.jobs[s],
		};
		reports.jobs[s].result = results[s];
		lc_run_report_name(a.serials[s], a.slot + s, reports.jobs[s].name, sizeof(reports.jobs[s].name));
		memcpy((void *)setups[s].options, a.options, sizeof(a.options));
	}
	/* Only a station whose golden-cable check allows it certifies; the golden cable's own runs are the check. */
	if (!a.golden && lc_golden_gate(station, state_dir, (int64_t)time(NULL), golden_block, sizeof(golden_block)) == 0)
		for (unsigned s = 0; s < a.slots; s++)
			setups[s].golden_block = golden_block;
	int64_t run_ids[MAX_SLOTS] = {0};
	for (unsigned s = 0; s < a.slots && store; s++)
		setups[s].attempt = begin_attempt(store, &a, s, cable, station->name, &out, &run_ids[s]);
	for (unsigned s = 0; s < a.slots; s++)
		reports.jobs[s].opt = (lc_report_options){.store = store, .run_id = run_ids[s]};
	for (unsigned s = 0; s < a.slots; s++)
		lc_run_output_slot_start(&out, a.slot + s, a.serials[s], a.operator_name, procedure_label(&a), cable);
	if (open_rc < 0) {
		lc_cli_error("run", "station: %s", lc_diag_message(&open_diag));
		for (unsigned s = 0; s < a.slots; s++) {
			lc_result_dut dut = {.cable_type = cable, .serial = a.serials[s], .slot = (int)(a.slot + s),
					     .attempt = setups[s].attempt};
			lc_result_start(results[s], lc_result_wall_ms(), NULL);
			lc_result_set_dut(results[s], &dut, NULL);
			lc_result_set_station(results[s], station->name, station->station_id[0] ? station->station_id : NULL, NULL);
			lc_result_set_procedure(results[s], procedure_label(&a), NULL, NULL);
			lc_result_set_operator(results[s], a.operator_name, NULL);
			lc_result_finish(results[s], LC_VERDICT_ERROR, lc_result_wall_ms(), lc_diag_message(&open_diag), NULL);
		}
	} else {
		run_t0 = lc_run_reports_now_us();
		lc_procedure_run_slots(setups, results, a.slots, rcs, diags);
		/* The last word on lasers: every instrument safe, whatever the procedures did. */
		if (lc_instrument_set_safe(set, &d) < 0) {
			lc_cli_error("run", "could not put every instrument in its safe state: %s", lc_diag_message(&d));
			/* Said in the report and the --json result too, not only here: the run is an error. */
			for (unsigned s = 0; s < a.slots; s++) {
				char why[1024];
				const char *old = lc_result_reason(results[s]);
				lc_utf8_printf(why, sizeof(why), "%s%s%s", lc_diag_message(&d), old ? "; " : "", old ? old : "");
				lc_result_finish(results[s], LC_VERDICT_ERROR, lc_result_wall_ms(), why, NULL);
			}
		}
	}

	if (a.golden && open_rc >= 0)
		golden_outcome(&a, station, state_dir, results[0]);

	enum lc_verdict worst = LC_VERDICT_NONE;
	lc_run_report *jobs = reports.jobs;
	enum lc_verdict verdicts[MAX_SLOTS];
	char reasons[MAX_SLOTS][512];
	for (unsigned s = 0; s < a.slots; s++) {
		/* the verdict and reason as the run left them, before the report records anything more */
		verdicts[s] = lc_result_verdict(results[s]);
		lc_result_explain(results[s], reasons[s], sizeof(reasons[s]));
	}
	/* Every verdict is final now: publish (views rendered again where the JSON changed since) */
	lc_run_reports_publish(&reports);
	/* -v: what this process and its renderers took (bench run reads it; the renderers say their own) */
	lc_log(LC_LOG_INFO, "run", "peak RSS %ld KiB (%u reports rendered)", lc_cli_peak_rss_kib(), reports.renders);
	/* -v: where the time went, measuring against the reports' tail after the last slot (bench run reads it) */
	if (run_t0 && reports.last_finished_us)
		lc_log(LC_LOG_INFO, "run", "timing: slots measured %.3f s, reports rendered and published %.3f s after "
		       "the last slot", (double)(reports.last_finished_us - run_t0) / 1e6,
		       (double)(lc_run_reports_now_us() - reports.last_finished_us) / 1e6);
	for (unsigned s = 0; s < a.slots; s++) {
		char err[512] = "";
		const char *reason = reasons[s];
		if (rcs[s] < 0)
			lc_cli_error("run", "slot %u: %s", a.slot + s, lc_diag_message(&diags[s]));
		enum lc_verdict v = verdicts[s];
		worst = lc_verdict_max(worst, v);
		if (jobs[s].rc < 0)
			snprintf(err, sizeof(err), "%s", lc_diag_message(&jobs[s].diag));
		if (err[0])
			worst = lc_verdict_max(worst, LC_VERDICT_ERROR);
		lc_run_output_slot_done(&out, a.slot + s, a.serials[s], v, reason[0] ? reason : NULL,
					jobs[s].paths.json[0] ? jobs[s].paths.json : NULL, err[0] ? err : NULL);
	}
	exit_code = lc_verdict_exit_code(worst);
done_jobs:
	if (reports_ready)
		lc_run_reports_destroy(&reports);
	for (unsigned s = 0; s < a.slots; s++)
		lc_result_free(results[s]);
	lc_run_output_destroy(&out);
done_prompter:
	lc_prompter_destroy(&prompter);
done:
	lc_run_abort_stop(&abort_ctl);
	if (lc_publish_dropped(publisher))
		lc_log(LC_LOG_INFO, "run", "live events: %lu not delivered (no dashboard listening, or it fell behind)",
		       lc_publish_dropped(publisher));
	lc_publish_close(publisher);
	lc_instrument_set_close(set);
	lc_store_close(store);
	lc_sign_key_free(key);
	lc_limits_free(limits);
	lc_channel_free(channel);
	lc_station_free(station);
	close(out_fd);
	return exit_code;
}
