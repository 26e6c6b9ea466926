/* QA approval (reports/report_approval.c, lanecert approve, lanecert verify --approver): a second minisign
 * signature over the same report.json by the approver's own key, one file per approver, verified by stock
 * minisign and by lanecert, which also checks that it approves this very report. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench_reports_sample.h"
#include "reports/report.h"
#include "reports/sign.h"
#include "tests/reports/helpers.h"

static const char *cli(void)
{
	const char *c = getenv("LC_CLI");
	cr_assert(c && access(c, X_OK) == 0, "LC_CLI (the lanecert executable) is not built");
	return c;
}

struct bench {
	char *dir, *station_pub, *qa_pub, *qa_key, *report, *other;
	lc_sign_key *station, *qa;
};

/* Two signed reports (serials BO8-000021 and BO8-000022) and the station's and the approver's keys. */
static void setup(struct bench *b, const char *tag)
{
	b->dir = th_scratch_dir(tag);
	b->station_pub = th_path(b->dir, "st.pub"), b->qa_pub = th_path(b->dir, "qa.pub");
	b->qa_key = th_path(b->dir, "qa.key");
	char *st_key = th_path(b->dir, "st.key");
	cr_assert_eq(lc_sign_key_generate(&b->station, NULL), 0);
	cr_assert_eq(lc_sign_key_generate(&b->qa, NULL), 0);
	cr_assert_eq(lc_keypair_write(b->station_pub, st_key, b->station, NULL, lc_kdf_minimum(), NULL), 0);
	cr_assert_eq(lc_keypair_write(b->qa_pub, b->qa_key, b->qa, NULL, lc_kdf_minimum(), NULL), 0);
	free(st_key);
	char *paths[2];
	for (int i = 0; i < 2; i++) {
		char name[16];
		snprintf(name, sizeof(name), "rep%d", i);
		char *out = th_path(b->dir, name);
		lc_result *r = lc_bench_sample_result(21 + (unsigned)i, 0);
		lc_report_options o = {.gnuplot = "", .no_html = true, .no_pdf = true};
		lc_report_paths p;
		lc_diag d;
		cr_assert_eq(lc_report_write(r, out, b->station, &p, &o, &d), 0, "%s", d.text);
		lc_result_free(r);
		paths[i] = strdup(p.json);
		free(out);
	}
	b->report = paths[0], b->other = paths[1];
}

static void teardown(struct bench *b)
{
	lc_sign_key_free(b->station), lc_sign_key_free(b->qa);
	free(b->dir), free(b->station_pub), free(b->qa_pub), free(b->qa_key), free(b->report), free(b->other);
}

Test(approval, library_writes_one_file_per_approver_and_checks_it)
{
	struct bench b;
	setup(&b, "approve-lib");
	lc_diag d;
	char path[4096];
	cr_assert_eq(lc_report_approve(b.report, b.qa, "Q. A. Smith", 1796000000123LL, path, sizeof(path), &d), 0,
		     "%s", d.text);
	lc_pubkey qa, station;
	lc_sign_key_public(b.qa, &qa), lc_sign_key_public(b.station, &station);
	char id[LC_KEY_ID_HEX_LEN + 1], want[4096];
	lc_pubkey_id(&qa, id);
	snprintf(want, sizeof(want), "%s.approval-%s.minisig", b.report, id);
	cr_expect_str_eq(path, want);
	lc_report_approval_info ai;
	cr_assert_eq(lc_report_verify_approval(b.report, NULL, &qa, &ai, &d), 0, "%s", d.text);
	cr_expect_str_eq(ai.approver, "Q. A. Smith");
	cr_expect_eq(ai.time_ms, 1796000000123LL);
	cr_expect_str_eq(ai.key_id, id);
	cr_expect_str_eq(ai.trusted_comment, "lanecert-approval\tserial:BO8-000021\tverdict:pass\tapprover:Q. A. Smith"
					     "\ttime:2026-11-30T00:53:20.123Z\tfile:report.json");
	/* The station's own signature is untouched and still verifies. */
	cr_expect_eq(lc_report_verify(b.report, NULL, &station, NULL, &d), 0, "%s", d.text);
	/* Another key did not approve it. */
	cr_expect_eq(lc_report_verify_approval(b.report, NULL, &station, NULL, &d), LC_ERR_NOT_FOUND);
	/* Approving twice with one key replaces nothing. */
	cr_expect_eq(lc_report_approve(b.report, b.qa, "Q. A. Smith", 1796000000999LL, NULL, 0, &d), LC_ERR_BUSY);
	/* An approval of another report does not approve this one: its signature covers other bytes. */
	cr_expect_eq(lc_report_verify_approval(b.other, path, &qa, NULL, &d), LC_ERR_VERIFY);
	/* A name that could forge a field of the comment is refused. */
	cr_expect_eq(lc_report_approve(b.other, b.qa, "x\tverdict:pass", 1, NULL, 0, &d), LC_ERR_ARG);
	cr_expect_eq(lc_report_approve(b.other, b.qa, "", 1, NULL, 0, &d), LC_ERR_ARG);
	/* A station signature file passed off as an approval: its comment approves nothing. */
	char stsig[4096];
	snprintf(stsig, sizeof(stsig), "%s.minisig", b.report);
	cr_expect_eq(lc_report_verify_approval(b.report, stsig, &station, NULL, &d), LC_ERR_VERIFY);
	cr_expect(strstr(d.text, "not a lanecert approval"), "%s", d.text);
	teardown(&b);
}

Test(approval, cli_approve_verify_and_stock_minisign, .timeout = 60)
{
	th_require("minisign", "minisign");
	struct bench b;
	setup(&b, "approve-cli");
	char cmd[16384], *out = th_path(b.dir, "out.txt");
	snprintf(cmd, sizeof(cmd), "'%s' approve '%s' --key '%s' --name 'Q. A. Smith' --pubkey '%s' > '%s'", cli(),
		 b.report, b.qa_key, b.station_pub, out);
	cr_assert_eq(th_run(cmd), 0);
	char *printed = th_slurp(out, NULL), sig[4096];
	cr_assert(sscanf(printed, "%4095s", sig) == 1);
	free(printed);
	snprintf(cmd, sizeof(cmd), "minisign -Vm '%s' -x '%s' -p '%s' > '%s'", b.report, sig, b.qa_pub, out);
	cr_expect_eq(th_run(cmd), 0, "stock minisign verifies the approval");
	char *mv = th_slurp(out, NULL);
	cr_expect(strstr(mv, "approver:Q. A. Smith"), "%s", mv);
	free(mv);
	snprintf(cmd, sizeof(cmd), "'%s' verify '%s' --pubkey '%s' --approver '%s' > '%s'", cli(), b.report,
		 b.station_pub, b.qa_pub, out);
	cr_expect_eq(th_run(cmd), 0);
	char *v = th_slurp(out, NULL);
	cr_expect(strstr(v, "approved by Q. A. Smith (key "), "%s", v);
	free(v);
	/* Asked for an approval that was never given: not approved, exit 1. */
	snprintf(cmd, sizeof(cmd), "'%s' verify '%s' --pubkey '%s' --approver '%s' 2> '%s'", cli(), b.other,
		 b.station_pub, b.qa_pub, out);
	cr_expect_eq(th_run(cmd), 1);
	char *e = th_slurp(out, NULL);
	cr_expect(strstr(e, "NOT APPROVED"), "%s", e);
	free(e);
	/* A report whose bytes changed is not approved, and no file is written. */
	size_t n;
	char *json = th_slurp(b.other, &n);
	json[n / 2] ^= 0x20;
	th_spit(b.other, json, n);
	free(json);
	snprintf(cmd, sizeof(cmd), "'%s' approve '%s' --key '%s' --name QA --pubkey '%s' 2> '%s'", cli(), b.other,
		 b.qa_key, b.station_pub, out);
	cr_expect_eq(th_run(cmd), 1);
	lc_pubkey qa;
	lc_sign_key_public(b.qa, &qa);
	char never[4096];
	lc_report_approval_path(b.other, &qa, never, sizeof(never), NULL);
	struct stat st;
	cr_expect_neq(stat(never, &st), 0, "nothing approved");
	/* Usage: no name, no station key. */
	snprintf(cmd, sizeof(cmd), "'%s' approve '%s' --key '%s' --pubkey '%s' 2>/dev/null", cli(), b.report, b.qa_key,
		 b.station_pub);
	cr_expect_eq(th_run(cmd), 64);
	snprintf(cmd, sizeof(cmd), "env -u LANECERT_PUBKEY '%s' approve '%s' --key '%s' --name QA 2>/dev/null", cli(),
		 b.report, b.qa_key);
	cr_expect_eq(th_run(cmd), 64);
	free(out);
	teardown(&b);
}

/* The views show who approved: lanecert approve renders report.html and report.pdf again with an "Approved by"
 * section of the approvals it verified, while report.json, its signature and the approvals stay byte for byte
 * what they were (still verified by stock minisign); an approval that does not hold is never shown. */
Test(approval, views_show_the_verified_approvals, .timeout = 60)
{
	struct bench b;
	setup(&b, "approval-views");
	size_t n;
	char *before = th_slurp(b.report, &n), *sig_path = malloc(strlen(b.report) + 9);
	sprintf(sig_path, "%s.minisig", b.report);
	char *sig_before = th_slurp(sig_path, NULL);
	lc_diag d;
	cr_assert_eq(lc_report_approve(b.report, b.qa, "R. Quality (QA)", 1795000600000LL, NULL, 0, &d), 0, "%s", d.text);
	lc_pubkey station, qa;
	cr_assert_eq(lc_pubkey_load(b.station_pub, &station, NULL), 0);
	cr_assert_eq(lc_pubkey_load(b.qa_pub, &qa, NULL), 0);
	const lc_pubkey *approvers[] = {&qa};
	cr_assert_eq(lc_report_render_views(b.report, &station, approvers, 1, "st.pub", &d), 0, "%s", d.text);
	char *dir = strdup(b.report);
	*strrchr(dir, '/') = 0;
	char *html_path = th_path(dir, "report.html"), *pdf_path = th_path(dir, "report.pdf");
	char *html = th_slurp(html_path, NULL);
	cr_assert_not_null(html);
	char id[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey_id(&qa, id);
	char *sec = strstr(html, "<h2 id=\"approvals\">Approved by</h2>");
	cr_assert_not_null(sec, "no approval block");
	cr_expect(strstr(sec, "<tr><td>R. Quality (QA)</td><td class=\"u\">2026-11-18T") && strstr(sec, id), "%.800s", sec);
	char *text = th_pdf_text(pdf_path, 1, 1);
	cr_expect(strstr(text, "Approved by") && strstr(text, "R. Quality (QA)") && strstr(text, id), "%s", text);
	free(text);
	/* the signed record did not change, and stock minisign still verifies both signatures */
	size_t n2;
	char *after = th_slurp(b.report, &n2), *sig_after = th_slurp(sig_path, NULL);
	cr_expect(n2 == n && memcmp(before, after, n) == 0, "report.json is byte-identical");
	cr_expect_str_eq(sig_before, sig_after);
	th_require("minisign", "minisign");
	char cmd[16384];
	snprintf(cmd, sizeof(cmd), "minisign -Vqm '%s' -p '%s' && minisign -Vqm '%s' -x '%s.approval-%s.minisig' -p '%s'",
		 b.report, b.station_pub, b.report, b.report, id, b.qa_pub);
	cr_expect_eq(th_run(cmd), 0, "%s", cmd);
	/* a key that approved nothing: refused, and the views are left as they are */
	lc_sign_key *stranger;
	cr_assert_eq(lc_sign_key_generate(&stranger, NULL), 0);
	lc_pubkey sp;
	lc_sign_key_public(stranger, &sp);
	const lc_pubkey *bad[] = {&qa, &sp};
	cr_expect_eq(lc_report_render_views(b.report, &station, bad, 2, NULL, &d), LC_ERR_NOT_FOUND, "%s", d.text);
	char *html2 = th_slurp(html_path, NULL);
	cr_expect_str_eq(html, html2, "the views were not rendered again");
	lc_sign_key_free(stranger);
	/* the command does it too: approve renders the views with its approval */
	char *qa2_key = th_path(b.dir, "qa2.key"), *qa2_pub = th_path(b.dir, "qa2.pub");
	lc_sign_key *qa2;
	cr_assert_eq(lc_sign_key_generate(&qa2, NULL), 0);
	cr_assert_eq(lc_keypair_write(qa2_pub, qa2_key, qa2, NULL, lc_kdf_minimum(), NULL), 0);
	lc_sign_key_free(qa2);
	snprintf(cmd, sizeof(cmd), "'%s' approve '%s' --key '%s' --name 'Second Approver' --pubkey '%s' --approver '%s' > /dev/null",
		 cli(), b.report, qa2_key, b.station_pub, b.qa_pub);
	cr_expect_eq(th_run(cmd), 0, "%s", cmd);
	free(html2);
	html2 = th_slurp(html_path, NULL);
	cr_expect(strstr(html2, "Second Approver") && strstr(html2, "R. Quality (QA)"), "both approvals shown");
	free(html2), free(qa2_key), free(qa2_pub);
	free(before), free(after), free(sig_before), free(sig_after), free(sig_path), free(html), free(dir);
	free(html_path), free(pdf_path);
	teardown(&b);
}
