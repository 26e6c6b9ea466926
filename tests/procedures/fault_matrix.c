/* The fault matrix's generator (see fault_matrix.h). */
#include "tests/procedures/fault_matrix.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/runner.h"
#include "tests/procedures/e2e_harness.h"

static const struct {
	const char *name, *counter;
	bool keeps_verdict;
} kinds[LC_FM_KINDS] = {
	[LC_FM_HANG] = {"hang", "hang", false},
	[LC_FM_DROP] = {"drop", "drop", false},
	[LC_FM_GARBAGE] = {"garbage", "garbage", false},
	[LC_FM_TRUNCATE] = {"truncate", "truncate", false},
	[LC_FM_TRUNCATE_BLOCK] = {"truncate_block", "truncate_block", false},
	[LC_FM_ERROR_BEFORE] = {"error_before", "errors", false},
	[LC_FM_ERROR_MID] = {"error_mid", "errors", false},
	[LC_FM_WRONG_IDN] = {"wrong_idn", "idn", false},
	[LC_FM_SLOW_OPC] = {"slow_opc", "opc_delay", true},
	[LC_FM_LATENCY] = {"latency", "latency", true},
};

const char *lc_fm_kind_name(int kind) { return kind >= 0 && kind < LC_FM_KINDS ? kinds[kind].name : "?"; }
const char *lc_fm_kind_counter(int kind) { return kind >= 0 && kind < LC_FM_KINDS ? kinds[kind].counter : "?"; }
bool lc_fm_kind_keeps_verdict(int kind) { return kind >= 0 && kind < LC_FM_KINDS && kinds[kind].keeps_verdict; }

/* Which simulated instruments keep an error queue a client can read. The AQ7260's device messages document
 * no error query (instrument-dialects §5: it refuses and does not answer); the module memory is reached
 * through an I2C adapter, a bus with transfer status and no queue. An error pushed into either cannot reach
 * a client, so it is not a cell. */
static bool has_error_queue(const char *kind)
{
	return strcmp(kind, "yokogawa_aq7260") != 0 && strcmp(kind, "cmis_module") != 0;
}

/* The header of a message is a wait (*OPC?, *WAI, *OPC) as one of its units. */
static bool is_wait(const char *msg, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (msg[i] == '*' && (strncasecmp(msg + i, "*OPC", 4) == 0 || strncasecmp(msg + i, "*WAI", 4) == 0))
			return true;
	return false;
}

static bool is_identity(const char *msg, size_t len)
{
	while (len && (msg[len - 1] == '\r' || msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	/* the AQ7260's IDER reaches the engine as the query IDER? (its front's translation) */
	return (len == 5 && strncasecmp(msg, "*IDN?", 5) == 0) || (len >= 4 && len <= 5 && strncasecmp(msg, "IDER", 4) == 0);
}

/* Does a message address module slot s of a mainframe (":SOUR3:...", ":INIT3:IMM", ":FETC3:CHAN1:RET?")? */
static bool addresses_slot(const char *msg, size_t len, int s)
{
	for (size_t i = 1; i + 1 < len; i++)
		if (isalpha((unsigned char)msg[i - 1]) && msg[i] - '0' == s &&
		    (msg[i + 1] == ':' || msg[i + 1] == ' ' || msg[i + 1] == '?'))
			return true;
	return false;
}

struct watch {
	lc_fm_role *role, *rl; /* rl: the mainframe's return-loss module, or NULL */
	bool running;          /* the procedure has started */
	bool print;
};

static void observe_run(lc_fm_role *r, uint64_t n, const char *msg, size_t len, const uint8_t *reply,
			size_t reply_len)
{
	r->total = (unsigned)n;
	if (reply_len && !r->first_query)
		r->first_query = (unsigned)n;
	if (reply_len >= 2 && !r->first_long)
		r->first_long = (unsigned)n;
	if (!r->first_block && lc_sim_reply_has_block(reply, reply_len))
		r->first_block = (unsigned)n;
	if (is_wait(msg, len))
		r->opc_waits++;
}

static void observe(void *user, uint64_t n, const char *msg, size_t len, const uint8_t *reply, size_t reply_len)
{
	struct watch *w = user;
	lc_fm_role *r = w->role;
	if (w->print)
		fprintf(stderr, "  %s %s #%llu %.*s -> %zu bytes\n", r->role, w->running ? "run" : "attach",
			(unsigned long long)n, (int)(len > 60 ? 60 : len), msg, reply_len);
	r->identified |= is_identity(msg, len);
	if (!w->running)
		return;
	observe_run(r, n, msg, len, reply, reply_len);
	if (w->rl && w->rl->attach == 0 &&
	    (w->rl->from ? memmem(msg, len, w->rl->from, strlen(w->rl->from)) != NULL
			 : addresses_slot(msg, len, w->rl->module_slot)))
		w->rl->attach = (unsigned)n - 1; /* its part of the run starts here */
	if (w->rl && w->rl->attach)
		observe_run(w->rl, n, msg, len, reply, reply_len);
}

/* The slot of a return-loss module in a station layout ("1:source@1310,2:sensor,3:rl@1310/1550"), or 0. */
static int rl_slot(const char *layout)
{
	for (const char *p = layout; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL) {
		int slot;
		char type[8];
		if (sscanf(p, "%d:%7[a-z]", &slot, type) == 2 && strcmp(type, "rl") == 0)
			return slot;
	}
	return 0;
}

/* Does the procedure's row fault this role (its roles, or every role when it names none)? */
static bool chosen_role(const lc_fm_procedure *proc, const char *role)
{
	bool chosen = !proc->roles[0];
	for (size_t k = 0; k < 4 && proc->roles[k]; k++)
		chosen |= strcmp(proc->roles[k], role) == 0;
	return chosen;
}

void lc_fm_dry_run(const lc_fm_procedure *proc, lc_fm_plan *plan)
{
	lc_diag d;
	lc_sim_scenario *sc;
	memset(plan, 0, sizeof(*plan));
	plan->proc = proc;
	cr_assert_eq(lc_sim_scenario_load(proc->scenario, NULL, &sc, &d), 0, "%s", d.text);
	lc_e2e e;
	lc_e2e_start_with(&e, sc, proc->time_scale, false);
	struct watch w[16];
	size_t nw = 0;
	bool print = getenv("LC_FM_TRACE") != NULL;
	for (size_t i = 0; i < sc->n_insts && nw < 16 && plan->n_roles + 2 <= 24; i++) {
		lc_sim_scpi *eng = lc_sim_runner_engine(e.runner, sc->insts[i].role);
		if (!eng)
			continue;
		lc_fm_role *r = &plan->roles[plan->n_roles++];
		snprintf(r->role, sizeof(r->role), "%s", sc->insts[i].role);
		snprintf(r->target, sizeof(r->target), "%s", sc->insts[i].role);
		snprintf(r->kind, sizeof(r->kind), "%s", sc->insts[i].kind);
		const lc_station_instrument *si = lc_station_instrument_by_role(e.station, r->role);
		lc_fm_role *rl = NULL;
		if (proc->from && chosen_role(proc, r->role)) {
			rl = &plan->roles[plan->n_roles++];
			*rl = *r;
			snprintf(rl->target, sizeof(rl->target), "%s.%s", sc->insts[i].role, proc->from_name);
			rl->from = proc->from;
		} else if (si && rl_slot(si->layout)) {
			rl = &plan->roles[plan->n_roles++];
			*rl = *r;
			snprintf(rl->target, sizeof(rl->target), "%s.rl", sc->insts[i].role);
			rl->module_slot = rl_slot(si->layout);
		}
		w[nw] = (struct watch){r, rl, false, print};
		lc_sim_scpi_set_observer(eng, observe, &w[nw++]);
	}
	lc_e2e_open(&e);
	for (size_t i = 0; i < nw; i++) {
		lc_sim_scpi *eng = lc_sim_runner_engine(e.runner, w[i].role->role);
		lc_sim_scpi_set_observer(eng, NULL, NULL); /* the lock orders this against the observer's calls */
		w[i].role->attach = w[i].role->total = (unsigned)lc_sim_scpi_messages(eng);
		w[i].running = true;
		lc_sim_scpi_set_observer(eng, observe, &w[i]);
	}
	char why[160];
	cr_assert(lc_fm_options_fit(proc, why, sizeof(why)), "%s", why);
	lc_result *res = lc_e2e_run(&e, proc->procedure, proc->options, 1, lc_e2e_dut_serial(&e));
	enum lc_verdict v = lc_result_verdict(res);
	snprintf(plan->verdict, sizeof(plan->verdict), "%s", lc_verdict_name(v));
	plan->verdict_exit = v == LC_VERDICT_PASS	  ? 0
			     : v == LC_VERDICT_FAIL	  ? 1
			     : v == LC_VERDICT_INCONCLUSIVE ? 2
			     : v == LC_VERDICT_ABORTED	  ? 4
							  : 3;
	cr_expect(v == LC_VERDICT_PASS || v == LC_VERDICT_INCONCLUSIVE,
		  "%s on %s: a good cable's dry run ends pass (or inconclusive where the bench cannot certify it), got %s "
		  "(%s)",
		  proc->procedure, proc->scenario, plan->verdict, lc_e2e_why(res));
	for (size_t i = 0; i < nw; i++) {
		lc_sim_scpi_set_observer(lc_sim_runner_engine(e.runner, w[i].role->role), NULL, NULL);
		if (w[i].rl)
			w[i].rl->identified = w[i].role->identified;
	}
	lc_result_free(res);
	lc_e2e_stop(&e);
}

size_t lc_fm_cells(const lc_fm_plan *plan, lc_fm_cell *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->n_roles; i++) {
		const lc_fm_role *r = &plan->roles[i];
		if (!r->first_query && r->total == r->attach)
			continue; /* the procedure never talks to it: no fault of the run can fire there */
		if (!chosen_role(plan->proc, r->role) || (plan->proc->from && !r->from))
			continue; /* with a `from`, only the part of the run from there on is faulted */
		for (int k = 0; k < LC_FM_KINDS && n < cap; k++) {
			/* faults of the whole connection (before the run, identity, every wait, every reply) are the
			 * mainframe's cells; its return-loss module gets those of its own part of the run */
			if ((r->module_slot || r->from) && (k == LC_FM_ERROR_BEFORE || k == LC_FM_WRONG_IDN || k == LC_FM_SLOW_OPC ||
					       k == LC_FM_LATENCY))
				continue;
			lc_sim_faults f;
			memset(&f, 0, sizeof(f));
			bool ok = true;
			switch (k) {
			case LC_FM_HANG: /* its first query of the run is never answered */
				ok = r->first_query > 0;
				f.stop_answering_after = r->first_query - 1;
				if (r->first_query == 1) { /* 0 would be no fault: answer message 1, hang from 2 on */
					ok = r->total > 1;
					f.stop_answering_after = 1;
				}
				break;
			case LC_FM_DROP: /* something must follow, or nothing could notice the dropped connection */
				ok = r->first_query > 0 && r->total > r->first_query;
				f.drop_after = r->first_query;
				break;
			case LC_FM_GARBAGE:
				ok = r->first_query > 0;
				f.garbage_at = r->first_query;
				break;
			case LC_FM_TRUNCATE:
				ok = r->first_long > 0;
				f.truncate_at = r->first_long;
				break;
			case LC_FM_TRUNCATE_BLOCK:
				ok = r->first_block > 0;
				f.truncate_block_at = r->first_block;
				f.truncate_block_keep = 5;
				break;
			case LC_FM_ERROR_BEFORE:
			case LC_FM_ERROR_MID:
				ok = has_error_queue(r->kind);
				f.push_errors[0] = -222;
				f.n_push_errors = 1;
				f.push_errors_at = k == LC_FM_ERROR_MID ? r->attach + 1 : 0;
				break;
			case LC_FM_WRONG_IDN:
				ok = r->identified;
				snprintf(f.idn, sizeof(f.idn), "ACME Instruments,NOT-THIS-MODEL,FM0001,1.0");
				break;
			case LC_FM_SLOW_OPC:
				ok = r->opc_waits > 0;
				f.opc_delay_ms = 150;
				break;
			case LC_FM_LATENCY:
				ok = r->first_query > 0;
				f.latency_ms = 10;
				break;
			}
			if (!ok)
				continue;
			lc_fm_cell *c = &out[n++];
			memset(c, 0, sizeof(*c));
			c->proc = plan->proc;
			snprintf(c->role, sizeof(c->role), "%s", r->role);
			snprintf(c->target, sizeof(c->target), "%s", r->target);
			snprintf(c->inst_kind, sizeof(c->inst_kind), "%s", r->kind);
			c->kind = k;
			c->faults = f;
			c->expect_exit = lc_fm_kind_keeps_verdict(k) ? plan->verdict_exit : 3;
			if (lc_fm_kind_keeps_verdict(k))
				snprintf(c->expect_verdict, sizeof(c->expect_verdict), "%s", plan->verdict);
		}
	}
	return n;
}

void lc_fm_faults_json(const lc_sim_faults *f, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
#define ADD(...)                                                                                                   \
	do {                                                                                                       \
		int w_ = snprintf(buf + n, cap - n, __VA_ARGS__);                                                  \
		if (w_ > 0 && (size_t)w_ < cap - n)                                                                \
			n += (size_t)w_;                                                                           \
	} while (0)
	ADD("{");
	if (f->stop_answering_after)
		ADD("\"stop_answering_after\": %u, ", f->stop_answering_after);
	if (f->drop_after)
		ADD("\"drop_after\": %u, ", f->drop_after);
	if (f->garbage_at)
		ADD("\"garbage_at\": %u, ", f->garbage_at);
	if (f->truncate_at)
		ADD("\"truncate_at\": %u, ", f->truncate_at);
	if (f->truncate_block_at)
		ADD("\"truncate_block_at\": %u, \"truncate_block_keep\": %zu, ", f->truncate_block_at,
		    f->truncate_block_keep);
	if (f->n_push_errors)
		ADD("\"push_errors\": [%d], \"push_errors_at\": %u, ", f->push_errors[0], f->push_errors_at);
	if (f->idn[0])
		ADD("\"idn\": \"%s\", ", f->idn);
	if (f->opc_delay_ms)
		ADD("\"opc_delay_ms\": %d, ", f->opc_delay_ms);
	if (f->latency_ms)
		ADD("\"latency_ms\": %d, ", f->latency_ms);
	if (n >= 2 && buf[n - 2] == ',')
		n -= 2;
	buf[n] = '\0';
	ADD("}");
#undef ADD
}

_Static_assert(LC_FM_OPTIONS_MAX <= LC_RUN_OPTIONS_MAX, "a dry run passes every option of a row");

bool lc_fm_options_fit(const lc_fm_procedure *proc, char *why, size_t cap)
{
	if (proc->options[LC_FM_OPTIONS_MAX]) {
		snprintf(why, cap, "%s: more than %d options (the last would not reach the run)", proc->procedure,
			 LC_FM_OPTIONS_MAX);
		return false;
	}
	for (size_t i = 0; proc->options[i]; i++)
		if (strlen(proc->options[i]) >= 64 || !strchr(proc->options[i], '=')) {
			snprintf(why, cap, "%s: option %zu '%.40s' is not a key=value under 64 characters", proc->procedure, i,
				 proc->options[i]);
			return false;
		}
	return true;
}
