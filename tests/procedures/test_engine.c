/* The procedure engine without instruments: steps, verdicts, cleanup, abort and the sandbox. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procedures/engine.h"

static char dir[256];
static char logbuf[4096];
static volatile sig_atomic_t abort_flag;

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void on_log(void *user, unsigned slot, const char *msg)
{
	(void)user, (void)slot;
	strncat(logbuf, msg, sizeof(logbuf) - strlen(logbuf) - 2);
	strcat(logbuf, ";");
}

static void setup_dir(void)
{
	const char *b = getenv("LC_BUILD_DIR");
	snprintf(dir, sizeof(dir), "%s/test-procedures-XXXXXX", b ? b : "/tmp");
	cr_assert_not_null(mkdtemp(dir));
	char lib[300];
	snprintf(lib, sizeof(lib), "%s/lib", dir);
	mkdir(lib, 0755);
	write_file("lib/util.lua", "local M = {} function M.twice(x) return 2 * x end return M\n");
	logbuf[0] = '\0';
	abort_flag = 0;
}

/* Run procedure `name` (written from `text`); returns lc_procedure_run's code and the result in *out. */
static int run(const char *name, const char *text, lc_prompter *pr, lc_result **out, lc_diag *d)
{
	char file[128];
	snprintf(file, sizeof(file), "%s.lua", name);
	write_file(file, text);
	*out = lc_result_new();
	lc_run_setup s = {
		.procedure = name,
		.procedures_dir = dir,
		.serial = "SN1",
		.cable_type = "test-cable",
		.slot = 1,
		.prompter = pr,
		.abort_flag = &abort_flag,
		.events = {.log = on_log},
	};
	return lc_procedure_run(&s, *out, d);
}

TestSuite(engine, .init = setup_dir);

Test(engine, passing_checks_pass_with_margins)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("p", "return { name = 'p', version = '2', steps = {\n"
			      " { name = 'il', main = function(ctx)\n"
			      "     ctx:check('insertion_loss', 0.4, {max = 1.5, unit = 'dB'}, {lane = 3})\n"
			      "     ctx:check('return_loss', 61, {min = 55, unit = 'dB'}) end } } }\n",
			 NULL, &r, &d),
		     0, "%s", d.text);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS);
	cr_assert_eq(lc_result_measurement_count(r), 2);
	const lc_result_measurement *m = lc_result_measurement_at(r, 0, NULL);
	cr_expect_eq(m->lane, 3);
	cr_expect_float_eq(m->margin, 1.1, 1e-9);
	cr_expect_str_eq(m->unit, "dB");
	m = lc_result_measurement_at(r, 1, NULL);
	cr_expect_float_eq(m->margin, 6.0, 1e-9);
	cr_expect_str_eq(lc_result_procedure_version(r), "2");
	lc_result_free(r);
}

Test(engine, a_failing_check_fails_the_step_and_the_run)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("f", "return { name = 'f', steps = {\n"
			      " { name = 'a', main = function(ctx) ctx:check('x', 2.1, {max = 1.5}) end },\n"
			      " { name = 'b', main = function(ctx) ctx:check('y', 1, {max = 1.5}) end } } }\n",
			 NULL, &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL);
	cr_expect_eq(lc_result_step_verdict(r, 0), LC_VERDICT_FAIL);
	cr_expect_eq(lc_result_step_verdict(r, 1), LC_VERDICT_PASS);
	cr_expect_float_eq(lc_result_measurement_at(r, 0, NULL)->margin, -0.6, 1e-9);
	lc_result_free(r);
}

Test(engine, lua_error_is_error_with_file_line_and_cleanups_run)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("e", "return { name = 'e', steps = {\n"
			      " { name = 'first', main = function(ctx) ctx:check('x', 1, {max = 2})\n"
			      "     local t = nil; return t.field end,\n"
			      "   cleanup = function(ctx) ctx:log('step cleanup') end },\n"
			      " { name = 'second', main = function(ctx) ctx:log('second ran') end } },\n"
			      " cleanup = function(ctx) ctx:log('procedure cleanup') end }\n",
			 NULL, &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "an error is never a pass, even after a passing check");
	cr_assert_eq(lc_result_step_count(r), 1, "the second step is skipped");
	const lc_result_step *s = lc_result_step_at(r, 0);
	cr_assert_not_null(s->error);
	/* the operator reads what went wrong; the chunk position is in the debug log only */
	cr_expect(strstr(s->error, "e.lua:3:") == NULL, "no file:line in '%s'", s->error);
	cr_expect(strstr(s->error, "attempt to index") != NULL, "the error in '%s'", s->error);
	cr_expect(strstr(s->error, "step 'first'") != NULL, "step named in '%s'", s->error);
	cr_expect_str_eq(logbuf, "step cleanup;procedure cleanup;");
	lc_result_free(r);
}

Test(engine, abort_stops_the_step_but_not_the_cleanup)
{
	lc_result *r;
	lc_diag d;
	abort_flag = 1;
	cr_assert_eq(run("a", "return { name = 'a', steps = {\n"
			      " { name = 'soak', main = function(ctx) while true do end end } },\n"
			      " cleanup = function(ctx) local n = 0 for i = 1, 100000 do n = n + i end\n"
			      "   ctx:log('lasers off ' .. n) end }\n",
			 NULL, &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ABORTED);
	cr_expect_str_eq(logbuf, "lasers off 5000050000;");
	lc_result_free(r);
}

Test(engine, nothing_measured_is_not_a_pass)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("n", "return { name = 'n', steps = { { name = 's', main = function(ctx) end } } }\n", NULL,
			 &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE);
	lc_result_free(r);
}

Test(engine, a_check_without_value_is_an_error)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("v", "return { name = 'v', steps = { { name = 's', main = function(ctx)\n"
			      "  ctx:check('il', nil, {max = 1}) end } } }\n",
			 NULL, &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR);
	cr_expect(isnan(lc_result_measurement_at(r, 0, NULL)->value));
	lc_result_free(r);
}

Test(engine, explicit_verdicts_and_options)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("x", "return { name = 'x', steps = { { name = 's', main = function(ctx)\n"
			      "  ctx:check('a', 1, {max = 2})\n"
			      "  ctx:verdict('inconclusive', 'BER not decided')\n"
			      "  ctx:log(ctx:option('missing', 'dflt') .. ' ' .. ctx.serial .. ' ' .. ctx.slot) end } } }\n",
			 NULL, &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE);
	cr_expect_str_eq(logbuf, "dflt SN1 1;");
	lc_result_free(r);
}

Test(engine, sandbox_has_no_io_os_or_foreign_files)
{
	static const char *const attempts[] = {
		"io.open('/etc/passwd')", "os.execute('true')", "os.getenv('HOME')", "dofile('/etc/passwd')",
		"loadfile('/etc/passwd')", "require('../../etc/passwd')", "require('nosuchlib')", "debug.getinfo(1)",
		"package.loadlib('x', 'y')", "load(string.dump(function() end))()",
		"local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end",
	};
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		char text[512];
		lc_result *r;
		lc_diag d;
		snprintf(text, sizeof(text),
			 "return { name = 's', steps = { { name = 'try', main = function(ctx) %s end } } }\n", attempts[i]);
		cr_assert_eq(run("s", text, NULL, &r, &d), 0);
		cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "'%s' must fail", attempts[i]);
		lc_result_free(r);
	}
}

Test(engine, require_reads_procedure_libraries)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("q", "local u = require('util')\n"
			      "return { name = 'q', steps = { { name = 's', main = function(ctx)\n"
			      "  ctx:check('twice', u.twice(2), {max = 4}) end } } }\n",
			 NULL, &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS);
	lc_result_free(r);
}

Test(engine, malformed_procedures_are_refused_and_recorded_as_error)
{
	static const char *const bad[] = {
		"return 42\n",
		"return { steps = {} }\n",
		"return { name = 'b', steps = {} }\n",
		"return { name = 'b', steps = { { name = 's' } } }\n",
		"return { name = 'b', steps = { { main = function() end } } }\n",
		"return { name = 'b', setup = 7, steps = { { name = 's', main = function() end } } }\n",
		"return { name = 'b', steps = { { name = 's', main = function() end } }, requires = { 'bert' } }\n",
		"this is not lua\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lc_result *r;
		lc_diag d;
		int rc = run("b", bad[i], NULL, &r, &d);
		cr_expect(rc == LC_ERR_FORMAT || rc == LC_ERR_NOT_FOUND, "case %zu: rc %d", i, rc);
		cr_expect_gt(strlen(d.text), 0);
		cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "case %zu", i);
		lc_result_free(r);
	}
	lc_result *r;
	lc_diag d;
	lc_run_setup s = {.procedure = "does-not-exist", .procedures_dir = dir, .serial = "SN", .slot = 1};
	r = lc_result_new();
	cr_expect_eq(lc_procedure_run(&s, r, &d), LC_ERR_NOT_FOUND);
	lc_result_free(r);
}

/* A run without a serial does not start, and its result is finished like every other refusal (verdict error,
 * the reason, an end time); it was left open (no verdict, no end). */
Test(engine, no_serial_finishes_the_result_with_error)
{
	write_file("ok.lua", "return { name = 'ok', steps = { { name = 's', main = function() end } } }\n");
	lc_run_setup s = {.procedure = "ok", .procedures_dir = dir, .serial = "", .slot = 1};
	lc_result *r = lc_result_new();
	lc_diag d;
	cr_expect_eq(lc_procedure_run(&s, r, &d), LC_ERR_ARG);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR);
	cr_expect_neq(lc_result_end_ms(r), LC_TIME_NONE);
	cr_expect(lc_result_reason(r) && strstr(lc_result_reason(r), "serial"), "%s", lc_result_reason(r));
	lc_result_free(r);
}

/* Every installed procedure is listed, sorted: the list once stopped at 64 names (and was cut at the
 * caller's buffer). */
Test(engine, procedure_list_has_every_procedure)
{
	char name[32];
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "p%03d.lua", i);
		write_file(name, "return {}\n");
	}
	write_file("Not-Valid.lua", "return {}\n");
	char *list = NULL;
	lc_diag d;
	cr_assert_eq(lc_procedure_list(dir, &list, &d), 100, "%s", d.text);
	cr_assert_not_null(list);
	cr_expect_eq(strncmp(list, "p000, p001, ", 12), 0, "%s", list);
	cr_expect_eq(strlen(list), 100 * 4 + 99 * 2);
	cr_expect_str_eq(list + strlen(list) - 6, ", p099");
	free(list);
	list = (char *)"untouched";
	cr_expect_eq(lc_procedure_list("/nonexistent/procedures", &list, &d), LC_ERR_NOT_FOUND);
	cr_expect_str_eq(list, "untouched");
}

Test(engine, prompts_in_non_interactive_mode)
{
	lc_prompter p;
	lc_result *r;
	lc_diag d;
	lc_prompter_init(&p, false, NULL, NULL);
	cr_assert_eq(run("pr", "return { name = 'pr', steps = { { name = 's', main = function(ctx)\n"
			       "  ctx:log(ctx:prompt('ref', 'connect the reference cords'))\n"
			       "  ctx:prompt('len', 'cable length?', {question = true}) end } } }\n",
			 &p, &r, &d),
		     0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR);
	cr_expect(strstr(lc_result_step_at(r, 0)->error, "--answer len=VALUE") != NULL, "%s",
		  lc_result_step_at(r, 0)->error);
	cr_expect_str_eq(logbuf, "ok;");
	lc_result_free(r);
	lc_prompter_destroy(&p);
}

Test(engine, a_pass_without_a_measurement_is_not_measured)
{
	lc_result *r;
	lc_diag d;
	cr_assert_eq(run("na", "return { name = 'na', steps = {\n"
			       " { name = 'tier1', main = function(ctx) ctx:verdict('pass', 'not applicable here') end },\n"
			       " { name = 'other', main = function(ctx) ctx:check('x', 1, {max = 2}) end } } }\n",
			 NULL, &r, &d),
		     0);
	cr_expect_eq(lc_result_step_verdict(r, 0), LC_VERDICT_INCONCLUSIVE, "nothing is pass that was not measured");
	cr_expect_str_eq(lc_result_step_at(r, 0)->error, "not measured: not applicable here");
	cr_expect_eq(lc_result_step_verdict(r, 1), LC_VERDICT_PASS);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE, "the certification cannot pass");
	cr_expect_str_eq(lc_result_reason(r), "not measured: not applicable here");
	lc_result_free(r);
}
