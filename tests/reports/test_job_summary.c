/* Job summaries (issue 21, item 5): one signed document for a job's cables, from the results store and the
 * reports it names: each cable's certificate word and report digest, the yield, instruments and references,
 * the measurements export; verified by lanecert and by stock minisign; a missing or changed report is an
 * error and writes nothing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench_reports_sample.h"
#include "reports/job_summary.h"
#include "reports/report.h"
#include "reports/sign.h"
#include "tests/reports/helpers.h"

#define JOB "PO-2026-1187"

struct fixture {
	char *dir, *db, *pub;
	lc_sign_key *key;
	lc_store *store;
	char reports[4][4096];
};

/* A pass whose only measurement rests on an UNCONFIRMED limit row: its certificate reads "not certified". */
static lc_result *unconfirmed_pass(void)
{
	lc_result *r = lc_result_new();
	lc_result_set_station(r, "line-3", "STB-0042", NULL);
	lc_result_set_operator(r, "j.doe", NULL);
	lc_result_set_dut(r, &(lc_result_dut){"sr8-mpo16-8xlc", "BO8-900003", 1, NULL, 0}, NULL);
	lc_result_start(r, 1795000000000LL, NULL);
	int s = lc_result_add_step(r, "return-loss", 1795000001000LL, NULL);
	lc_result_measurement m = {"return_loss", 2, 61.25, "dB", 1310, {55, NAN, LC_LIMIT_GE}, NAN, LC_VERDICT_PASS};
	int mi = lc_result_add_measurement(r, s, &m, NULL);
	lc_result_measurement_extra_string(r, mi, "limit_status", "unconfirmed", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_id", "tia.return_loss.SM.APC", NULL);
	lc_result_end_step(r, s, LC_VERDICT_NONE, 1795000002000LL, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, 1795000002000LL, NULL, NULL);
	return r;
}

static void write_one(struct fixture *f, lc_result *r, const char *job, int slot)
{
	cr_assert_eq(lc_result_set_job(r, &(lc_result_job){job, "Nordlicht Rechenzentren GmbH", "FRA-3"}, NULL), 0);
	char name[64];
	snprintf(name, sizeof(name), "rep%d", slot);
	char *out = th_path(f->dir, name);
	lc_report_options o = {.store = f->store, .gnuplot = "", .no_pdf = true};
	lc_report_paths p;
	lc_diag d;
	cr_assert_eq(lc_report_write(r, out, f->key, &p, &o, &d), 0, "%s", d.text);
	snprintf(f->reports[slot], sizeof(f->reports[slot]), "%s", p.json);
	free(out);
	lc_result_free(r);
}

/* Four runs of job JOB on three cables (the first cable failed, then passed on its second attempt; the
 * third passes only on an unconfirmed limit) and one run of another job. */
static void setup_job(struct fixture *f, const char *tag)
{
	f->dir = th_scratch_dir(tag);
	f->db = th_path(f->dir, "results.db");
	f->pub = th_path(f->dir, "station.pub");
	cr_assert_eq(lc_sign_key_generate(&f->key, NULL), 0);
	char *keyp = th_path(f->dir, "station.key");
	cr_assert_eq(lc_keypair_write(f->pub, keyp, f->key, NULL, (lc_kdf_limits){0}, NULL), 0);
	free(keyp);
	cr_assert_eq(lc_store_open(f->db, &f->store, NULL), 0);
	write_one(f, lc_bench_sample_result(900001, 3), JOB, 0);  /* BO8-900001 fails lane 3 */
	write_one(f, lc_bench_sample_result(900001, 0), JOB, 1);  /* ... and passes on its second attempt */
	write_one(f, lc_bench_sample_result(900002, 0), JOB, 2);  /* BO8-900002 passes */
	write_one(f, unconfirmed_pass(), JOB, 3);                  /* BO8-900003: not certified */
	lc_result *other = lc_bench_sample_result(900004, 0);
	cr_assert_eq(lc_result_set_job(other, &(lc_result_job){"PO-OTHER", NULL, NULL}, NULL), 0);
	char *out = th_path(f->dir, "other");
	lc_report_options o = {.store = f->store, .gnuplot = "", .no_html = true, .no_pdf = true};
	lc_report_paths p;
	cr_assert_eq(lc_report_write(other, out, f->key, &p, &o, NULL), 0);
	free(out);
	lc_result_free(other);
}

static void teardown_job(struct fixture *f)
{
	lc_store_close(f->store);
	lc_sign_key_free(f->key);
	free(f->dir), free(f->db), free(f->pub);
}

static char *sha_of(const char *path)
{
	size_t n;
	char *b = th_slurp(path, &n);
	cr_assert_not_null(b, "%s", path);
	char *hex = malloc(LC_SHA256_HEX_LEN + 1);
	lc_result_sha256_hex(b, n, hex);
	free(b);
	return hex;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

Test(job_summary, signed_summary_of_the_batch)
{
	struct fixture f;
	setup_job(&f, "job-summary");
	char *out = th_path(f.dir, "job");
	lc_job_summary_options o = {.csv = true, .pubkey_hint = "station.pub", .time_ms = 1795100000000LL};
	lc_job_summary_paths p;
	lc_diag d;
	cr_assert_eq(lc_job_summary_write(f.store, JOB, out, f.key, &o, &p, &d), 0, "%s", d.text);
	cr_expect_eq(p.cables, 3, "one row per cable: its last run in the job");
	cr_expect_eq(p.certified, 2);
	cr_expect_eq(p.measurements, 26 + 26 + 1, "every measurement of the three reports (8 IL, 8 RL, 8 BER, 2 OTDR events each)");

	char *js = th_slurp(p.json, NULL);
	cr_assert_not_null(js);
	cr_expect(strstr(js, "\"format\": \"lanecert-job\""));
	cr_expect(strstr(js, "\"customer\": \"Nordlicht Rechenzentren GmbH\""));
	cr_expect_null(strstr(js, "BO8-900004"), "another job's cable is not listed");
	cr_expect_eq(count(js, "\"serial\": \"BO8-900001\""), 1);
	cr_expect(strstr(js, "\"attempts_in_job\": 2"), "%s", js);
	cr_expect(strstr(js, "\"certificate\": \"not certified\""));
	cr_expect(strstr(js, "\"not certified\": 1"));
	cr_expect(strstr(js, "\"yield\": 0.6666666666666666"), "2 of 3");
	/* each cable's report digest is the digest of the report on disk */
	for (int i = 1; i < 4; i++) {
		char *hex = sha_of(f.reports[i]), want[100];
		snprintf(want, sizeof(want), "\"report_sha256\": \"%s\"", hex);
		cr_expect(strstr(js, want), "report %d: %s", i, want);
		free(hex);
	}
	char *first = sha_of(f.reports[0]);
	cr_expect_null(strstr(js, first), "the failed first attempt is replaced by the later run");
	free(first);
	/* instruments by identity, counted over the cables */
	cr_expect(strstr(js, "\"model\": \"N7744C\""));
	cr_expect(strstr(js, "\"cables\": 2"), "the sample's instruments served two cables");
	char *csv_sha = sha_of(p.csv), want[120];
	snprintf(want, sizeof(want), "\"sha256\": \"%s\"", csv_sha);
	cr_expect(strstr(js, want), "job.json names the CSV's digest");
	free(csv_sha);

	/* the CSV: a header and one row per measurement; the unconfirmed pass is exported as not certified */
	char *csv = th_slurp(p.csv, NULL);
	cr_expect(strncmp(csv, "serial,attempt,report_sha256,step,fiber,measurement,", 52) == 0, "%.200s", csv);
	cr_expect_eq(count(csv, "\n"), 1 + 53);
	cr_expect(strstr(csv, ",return_loss,1310,61.25,dB,ge,55,,6.25,pass,not certified,,tia.return_loss.SM.APC\n"),
		  "%s", csv);
	free(csv);

	/* the HTML: every cable's row with its certificate and digest; the yield */
	char *html = th_slurp(p.html, NULL);
	cr_expect(strstr(html, "2 of 3 cables certified (pass): yield 66.7 %"), "%.2000s", html);
	cr_expect(strstr(html, "<td class=\"u\">BO8-900002</td>"));
	cr_expect(strstr(html, "<span class=\"v v-uncertified\">not certified</span>"));
	cr_expect_eq(count(html, "<span class=\"v v-pass\">pass</span></td>"), 2);
	cr_expect(strstr(html, "<h2>Instruments</h2>") && strstr(html, "<h2>References</h2>"));
	cr_expect_null(strstr(html, "TCPIP"), "no station addresses");
	free(html);
	/* the PDF, as pdftotext reads it */
	char *text = th_pdf_text(p.pdf, 0, 0);
	const char *in_pdf[] = {"Job summary", JOB, "Nordlicht Rechenzentren GmbH", "BO8-900001", "BO8-900003",
				"NOT CERTIFIED", "yield 66.7 %", "N7744C", "minisign -Vm job.json -p station.pub"};
	for (size_t i = 0; i < sizeof(in_pdf) / sizeof(in_pdf[0]); i++)
		cr_expect(strstr(text, in_pdf[i]), "the PDF lacks %s:\n%s", in_pdf[i], text);
	free(text);

	/* signed: lanecert and stock minisign agree */
	lc_pubkey pub;
	cr_assert_eq(lc_pubkey_load(f.pub, &pub, NULL), 0);
	lc_job_summary_verify_info vi;
	cr_expect_eq(lc_job_summary_verify(p.json, NULL, &pub, &vi, &d), 0, "%s", d.text);
	cr_expect_eq(vi.cables, 3);
	cr_expect(vi.csv_checked);
	cr_expect(lc_job_summary_file(p.json));
	cr_expect_not(lc_job_summary_file(f.reports[1]), "a report is no job summary");
	th_require("minisign", "minisign");
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "minisign -Vqm '%s' -p '%s'", p.json, f.pub);
	cr_expect_eq(th_run(cmd), 0, "stock minisign verifies job.json");
	/* a changed export, a changed summary: invalid */
	size_t n;
	char *bytes = th_slurp(p.csv, &n);
	bytes[n - 3] ^= 1;
	th_spit(p.csv, bytes, n);
	cr_expect_eq(lc_job_summary_verify(p.json, NULL, &pub, NULL, &d), LC_ERR_VERIFY);
	cr_expect(strstr(d.text, "measurements.csv does not match"), "%s", d.text);
	bytes[n - 3] ^= 1;
	th_spit(p.csv, bytes, n);
	free(bytes);
	bytes = th_slurp(p.json, &n);
	char *y = strstr(bytes, "\"pass\": 2");
	cr_assert_not_null(y);
	y[9] = '3';
	th_spit(p.json, bytes, n);
	cr_expect_eq(lc_job_summary_verify(p.json, NULL, &pub, NULL, &d), LC_ERR_VERIFY, "%s", d.text);
	free(bytes);
	/* written once */
	cr_expect_eq(lc_job_summary_write(f.store, JOB, out, f.key, &o, NULL, &d), LC_ERR_BUSY);
	free(js), free(out);
	teardown_job(&f);
}

/* A report that is missing, or that is not the one the store recorded: an error, and nothing written. */
Test(job_summary, missing_or_changed_report_writes_nothing)
{
	struct fixture f;
	setup_job(&f, "job-summary-bad");
	char *out = th_path(f.dir, "job"), *json = th_path(out, "job.json");
	lc_diag d;
	size_t n;
	char *bytes = th_slurp(f.reports[2], &n);
	bytes[n / 2] ^= 0x20;
	th_spit(f.reports[2], bytes, n);
	cr_expect_eq(lc_job_summary_write(f.store, JOB, out, f.key, NULL, NULL, &d), LC_ERR_VERIFY);
	cr_expect(strstr(d.text, "cable BO8-900002") && strstr(d.text, "is not the report the results store recorded"),
		  "%s", d.text);
	struct stat st;
	cr_expect_neq(stat(json, &st), 0, "nothing written");
	bytes[n / 2] ^= 0x20;
	th_spit(f.reports[2], bytes, n);
	free(bytes);
	cr_assert_eq(unlink(f.reports[3]), 0);
	cr_expect_eq(lc_job_summary_write(f.store, JOB, out, f.key, NULL, NULL, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "cable BO8-900003"), "%s", d.text);
	cr_expect_neq(stat(json, &st), 0, "nothing written");
	cr_expect_eq(lc_job_summary_write(f.store, "PO-NONE", out, f.key, NULL, NULL, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "no run of job 'PO-NONE'"), "%s", d.text);
	free(out), free(json);
	teardown_job(&f);
}

/* The command, as a user runs it: lanecert report job, then lanecert verify on what it wrote. */
Test(job_summary, report_job_and_verify_commands, .timeout = 60)
{
	struct fixture f;
	setup_job(&f, "job-summary-cli");
	lc_store_close(f.store);
	f.store = NULL;
	const char *cli = getenv("LC_CLI");
	cr_assert_not_null(cli);
	char *keyp = th_path(f.dir, "station.key"), *out = th_path(f.dir, "cli-job"), *log = th_path(f.dir, "log");
	char cmd[16384];
	snprintf(cmd, sizeof(cmd), "'%s' report job --job %s --db '%s' --out '%s' --key '%s' --csv --no-pdf > '%s' 2>&1",
		 cli, JOB, f.db, out, keyp, log);
	cr_assert_eq(th_run(cmd), 0, "%s", th_slurp(log, NULL));
	char *said = th_slurp(log, NULL);
	cr_expect(strstr(said, "job " JOB ": 3 cable(s), 2 certified; 53 measurement(s)"), "%s", said);
	free(said);
	snprintf(cmd, sizeof(cmd), "'%s' verify '%s/job.json' --pubkey '%s' > '%s' 2>&1", cli, out, f.pub, log);
	cr_expect_eq(th_run(cmd), 0, "%s", th_slurp(log, NULL));
	said = th_slurp(log, NULL);
	cr_expect(strstr(said, "valid job summary") && strstr(said, "3 cable(s), 2 certified") &&
			  strstr(said, "measurements.csv: checked"),
		  "%s", said);
	free(said);
	/* again into the same folder: never replaced */
	snprintf(cmd, sizeof(cmd), "'%s' report job --job %s --db '%s' --out '%s' --key '%s' > '%s' 2>&1", cli, JOB, f.db,
		 out, keyp, log);
	cr_expect_eq(th_run(cmd), 73);
	snprintf(cmd, sizeof(cmd), "'%s' report job --db '%s' --out '%s' --key '%s' > '%s' 2>&1", cli, f.db, out, keyp,
		 log);
	cr_expect_eq(th_run(cmd), 64, "no --job");
	snprintf(cmd, sizeof(cmd), "'%s' report nonsense > '%s' 2>&1", cli, log);
	cr_expect_eq(th_run(cmd), 64);
	free(keyp), free(out), free(log);
	teardown_job(&f);
}
