/*
 * lanecert-bench ber [--json] [--scale X] [--rounds N]: a clean 8-lane 400G AOC (8 x 53.125 Gb/s) certified
 * at BER < 1e-12, 95 %, by the sequential BER step on the simulated BERTs with compressed time. Per lane and
 * overall it prints the decision time in simulated instrument time against the theoretical minimum
 * -ln(1-CL)/(target x rate) computed in the same run; the target ratio is <= 1.05 (the step stops within a
 * gate of the minimum). Several rounds (default 3), the two models taking turns going first: a poll that
 * comes late on a loaded machine lengthens the decision, and shows as the spread. The baseline a
 * fixed-duration station pays is shown beside it: the planner's time rounded up to the next whole minute,
 * as a padded test script would be written.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "instruments/bert/ber_math.h"
#include "procedures/measure/ber_sequential.h"
#include "instruments/bert/bert.h"
#include "sim/net/endpoint.h"
#include "sim/inst/inst_anritsu_mp1900.h"

#define LANES 8
#define RATE 53.125e9
#define TARGET 1e-12
#define CL 0.95
#define RATIO_TARGET 1.05

#define MAX_ROUNDS 15

struct result {
	const char *model;
	double spread[3]; /* overall / minimum over the rounds: min, median, max */
	int rounds;
	lc_ber_lane lane[LANES];
	double t_min, overall;
	int rc;
	char err[LC_DIAG_TEXT_MAX];
};

static int run_model(bool keysight, double scale, struct result *res)
{
	double spread[3];
	int rounds = res->rounds;
	memcpy(spread, res->spread, sizeof(spread));
	memset(res, 0, sizeof *res);
	memcpy(res->spread, spread, sizeof(spread));
	res->rounds = rounds;
	res->model = keysight ? "Keysight M8040A (PRBS31Q, group read)" : "Anritsu MP1900A (PRBS31, per-ED reads)";
	lc_simb_truth t = {.lanes = LANES};
	for (int i = 0; i < LANES; i++) {
		t.map[i] = i;
		t.ber[i] = 1e-16; /* a clean AOC lane, far below the target */
	}
	lc_sim_bert_opts o = {.lanes = LANES, .truth = &t, .seed = 7, .scale = scale};
	lc_sim_scpi *engine = NULL;
	void *state = NULL;
	lc_sim_endpoint *ep = NULL;
	lc_instrument *inst = NULL;
	lc_diag d = {0};
	int rc = keysight ? lc_sim_m8040a_create(&o, &engine, &state, &d) : lc_sim_mp1900_create(&o, &engine, &state, &d);
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.port = 0;
	if (rc == 0)
		rc = lc_sim_socket_start(engine, &eo, &ep, &d);
	char res_s[96], layout[512] = "";
	for (int k = 1; rc == 0 && k <= LANES; k++) {
		size_t len = strlen(layout);
		snprintf(layout + len, sizeof layout - len, keysight ? "%sM1.DataOut%d>M1.DataIn%d" : "%s1.1.%d>1.3.%d",
			 k > 1 ? "," : "", k, k);
	}
	if (keysight)
		strcat(layout, ",group=Lanes");
	if (rc == 0) {
		snprintf(res_s, sizeof res_s, "TCPIP0::127.0.0.1::%d::SOCKET", lc_sim_endpoint_port(ep));
		lc_instrument_opts io;
		lc_instrument_opts_init(&io);
		io.layout = layout;
		rc = lc_instrument_open(res_s, &io, &inst, &d);
	}
	if (rc == 0)
		rc = lc_bert_set_pattern(inst, LC_BERT_BOTH, 0, keysight ? LC_BERT_PRBS31Q : LC_BERT_PRBS31, false, &d);
	if (rc == 0)
		rc = lc_bert_set_bit_rate(inst, RATE, &d);
	if (rc == 0)
		rc = lc_bert_set_output(inst, 0, true, &d);
	lc_ber_plan plan;
	lc_ber_plan_test(RATE, TARGET, CL, 0, &plan, NULL);
	res->t_min = plan.seconds;
	if (rc == 0) {
		lc_ber_seq_config c;
		lc_ber_seq_config_init(&c);
		c.target = TARGET;
		c.cl = CL;
		c.gate_s = 1.0;
		c.max_time_s = 2.0 * plan.seconds;
		c.bit_rate = RATE;
		/* one poll per gate of instrument time, i.e. gate / scale of wall time */
		lc_ber_seq_io sio = {.poll_ms = (int)ceil(1000.0 * c.gate_s / scale)};
		unsigned lanes[LANES];
		for (int i = 0; i < LANES; i++)
			lanes[i] = (unsigned)i + 1;
		rc = lc_ber_seq_run(inst, &c, &sio, lanes, LANES, res->lane, &d);
	}
	if (inst)
		lc_bert_set_output(inst, 0, false, NULL);
	lc_instrument_close(inst);
	lc_sim_endpoint_stop(ep);
	if (engine)
		lc_sim_scpi_destroy(engine);
	if (keysight)
		lc_sim_m8040a_free(state);
	else
		lc_sim_mp1900_free(state);
	res->rc = rc;
	if (rc < 0)
		snprintf(res->err, sizeof res->err, "%s", lc_diag_message(&d));
	for (int i = 0; i < LANES; i++)
		if (res->lane[i].decision_s > res->overall)
			res->overall = res->lane[i].decision_s;
	return rc;
}

static void print_text(const struct result *r, size_t n, double scale, double fixed_s)
{
	printf("ber benchmark: clean 8-lane 400G AOC, %d x %.3f Gb/s, BER < %.0e at %.0f %%, time scale %g;\n"
	       "baseline: the theoretical minimum -ln(1-CL)/(target x rate), computed in the same run; decision times\n"
	       "are simulated instrument time (polls late on a loaded machine lengthen them); the lane table is the\n"
	       "last round, the overall ratio median (min..max) over the rounds, the two models taking turns first\n",
	       LANES, RATE / 1e9, TARGET, CL * 100, scale);
	for (size_t m = 0; m < n; m++) {
		printf("\n%s\n", r[m].model);
		if (r[m].rc < 0) {
			printf("  failed: %s\n", r[m].err);
			continue;
		}
		printf("  %-6s %-8s %14s %12s %8s\n", "lane", "verdict", "decision (s)", "minimum (s)", "ratio");
		for (int i = 0; i < LANES; i++)
			printf("  %-6d %-8s %14.1f %12.2f %8.3f\n", i + 1, lc_verdict_name(r[m].lane[i].verdict),
			       r[m].lane[i].decision_s, r[m].t_min, r[m].lane[i].decision_s / r[m].t_min);
		printf("  %-6s %-8s %14.1f %12.2f %8.3f  (target <= %.2f: %s)\n", "all", "", r[m].overall, r[m].t_min,
		       r[m].overall / r[m].t_min, RATIO_TARGET, r[m].overall / r[m].t_min <= RATIO_TARGET ? "met" : "MISSED");
		printf("  over %d rounds: ratio %.3f (%.3f..%.3f)\n", r[m].rounds, r[m].spread[1], r[m].spread[0],
		       r[m].spread[2]);
		printf("  fixed-duration baseline %.0f s: ratio %.3f of the minimum; the step saves %.1f s per cable\n",
		       fixed_s, fixed_s / r[m].t_min, fixed_s - r[m].overall);
	}
}

static void print_json(const struct result *r, size_t n, double scale, double fixed_s)
{
	printf("{\"bench\": \"ber\", \"lanes\": %d, \"lane_rate\": %.6g, \"target\": %g, \"cl\": %g, \"time_scale\": %g, "
	       "\"ratio_target\": %g, \"baseline\": \"theoretical minimum, computed\", \"fixed_baseline_s\": %g, "
	       "\"models\": [\n",
	       LANES, RATE, TARGET, CL, scale, RATIO_TARGET, fixed_s);
	for (size_t m = 0; m < n; m++) {
		printf("  {\"model\": \"%s\", \"ok\": %s, \"minimum_s\": %.6g, \"overall_s\": %.6g, \"ratio\": %.4f, "
		       "\"rounds\": %d, \"ratio_median\": %.4f, \"ratio_min\": %.4f, \"ratio_max\": %.4f, \"lanes\": [",
		       r[m].model, r[m].rc < 0 ? "false" : "true", r[m].t_min, r[m].overall, r[m].overall / r[m].t_min,
		       r[m].rounds, r[m].spread[1], r[m].spread[0], r[m].spread[2]);
		for (int i = 0; i < LANES; i++)
			printf("%s{\"lane\": %d, \"verdict\": \"%s\", \"decision_s\": %.6g, \"bits\": %llu, \"ratio\": %.4f}",
			       i ? ", " : "", i + 1, lc_verdict_name(r[m].lane[i].verdict), r[m].lane[i].decision_s,
			       (unsigned long long)r[m].lane[i].bits, r[m].lane[i].decision_s / r[m].t_min);
		printf("]}%s\n", m + 1 < n ? "," : "");
	}
	printf("]}\n");
}

int lc_bench_ber(int argc, char **argv)
{
	bool json = false;
	double scale = 50.0;
	int rounds = 3;
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"scale", required_argument, NULL, 's'},
					     {"rounds", required_argument, NULL, 'r'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			scale = strtod(optarg, NULL);
			if (!(scale >= 1.0 && scale <= 10000.0)) {
				lc_cli_error("bench ber", "--scale %s is not in 1..10000", optarg);
				return LC_EXIT_USAGE;
			}
			break;
		case 'r': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > MAX_ROUNDS) {
				lc_cli_error("bench ber", "--rounds %s is not in 1..%d", optarg, MAX_ROUNDS);
				return LC_EXIT_USAGE;
			}
			rounds = (int)v;
			break;
		}
		default:
			fprintf(c == 'h' ? stdout : stderr,
				"usage: lanecert-bench ber [--json] [--scale X (default 50)] [--rounds N (default 3)]\n");
			return c == 'h' ? LC_EXIT_OK : LC_EXIT_USAGE;
		}
	}
	struct result r[2];
	memset(r, 0, sizeof(r));
	double ratio[2][MAX_ROUNDS];
	int rc1 = 0, rc2 = 0, done = 0;
	for (; done < rounds && rc1 == 0 && rc2 == 0; done++) {
		for (int k = 0; k < 2; k++) {
			int m = (k + done) % 2; /* the models take turns going first */
			int rc = run_model(m == 1, scale, &r[m]);
			if (m == 0)
				rc1 = rc;
			else
				rc2 = rc;
			ratio[m][done] = r[m].overall / r[m].t_min;
		}
	}
	for (int m = 0; m < 2; m++) {
		lc_bench_spread(ratio[m], done, r[m].spread);
		r[m].rounds = done;
	}
	double fixed_s = ceil(r[0].t_min / 60.0) * 60.0;
	if (json)
		print_json(r, 2, scale, fixed_s);
	else
		print_text(r, 2, scale, fixed_s);
	if (rc1 < 0 || rc2 < 0)
		return lc_cli_exit_for(rc1 < 0 ? rc1 : rc2);
	return LC_EXIT_OK;
}
