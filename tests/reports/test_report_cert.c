/* What a customer reads on the certificate (reports/cert_view_priv.h): results by the cable's own labels, a
 * per-leg summary, each limit named by its source with the arithmetic of a budget, unconfirmed limits never
 * shown as a certified pass, instruments by identity and calibration (no resource strings), the whole public
 * key — in the HTML and in the PDF (pdftotext), and old reports still rendered. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "reports/report.h"
#include "reports/report_html.h"
#include "reports/report_json.h"
#include "reports/report_pdf.h"
#include "reports/sign.h"
#include "tests/reports/helpers.h"

#define BASIS_850 "2 mated pairs \xc3\x97 0.5 dB (TIA-568.3-E) + 0.003 km \xc3\x97 3 dB/km fiber (TIA-568.3-D/E) = 1.009 dB at 850 nm"
#define ARROW "\xe2\x86\x92"
#define JOB "PO-2026-1187"
#define CUSTOMER "Nordlicht Rechenzentren GmbH"
#define SITE "FRA-3 hall B, row 12"
#define PART "SR8-MPO16-8LC-3M"
#define DESCRIPTION "400G SR8 to 8 x 50G breakout, MPO-16 to 8 LC duplex, multimode OM4: pairs 1/16, 2/15 ... 8/9 (domain-facts \xc2\xa7" "3c: UNCONFIRMED, derived; Tx 1-8 / Rx 9-16 UNCONFIRMED)."

static void il(lc_result *r, int s, int lane, const char *from, const char *to, double v, bool unconfirmed)
{
	lc_result_measurement m = {"insertion_loss", lane, v, "dB", 850, {NAN, 1.009, LC_LIMIT_LE}, NAN,
				   v <= 1.009 ? LC_VERDICT_PASS : LC_VERDICT_FAIL};
	int mi = lc_result_add_measurement(r, s, &m, NULL);
	cr_assert_geq(mi, 0);
	lc_result_measurement_extra_string(r, mi, "from", from, NULL);
	lc_result_measurement_extra_string(r, mi, "to", to, NULL);
	lc_result_measurement_extra_string(r, mi, "direction", "forward", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_source", "TIA-568.3 length-based limit (Tier 1)", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_basis", BASIS_850, NULL);
	if (unconfirmed)
		lc_result_measurement_extra_string(r, mi, "limit_status", "unconfirmed", NULL);
}

/* A breakout's IL on legs B1 and B2 (B2's return fiber fails), one RL judged against a confirmed row, and
 * (with_unconfirmed) an RL that passes only against an UNCONFIRMED row of 55 dB. */
static char *cert_json(bool with_unconfirmed, bool fail_b2, size_t *len)
{
	lc_result *r = lc_result_new();
	lc_result_set_station(r, "line-3", "STB-0042", NULL);
	lc_result_set_operator(r, "j.doe", NULL);
	lc_result_dut dut = {"sr8-mpo16-8xlc", "BO8-7", 1, NULL, 1};
	lc_result_set_dut(r, &dut, NULL);
	cr_assert_eq(lc_result_set_job(r, &(lc_result_job){JOB, CUSTOMER, SITE}, NULL), 0);
	lc_result_cable cable = {PART, DESCRIPTION, "MM", "OM4", 3, "MPO-16 UPC female", "8 \xc3\x97 LC duplex UPC",
				 "reference-grade"};
	cr_assert_eq(lc_result_set_cable(r, &cable, NULL), 0);
	lc_result_start(r, 1795000000000LL, NULL);
	lc_result_instrument in = {"meter1", "TCPIP0::127.0.0.1::44260::SOCKET", "Keysight Technologies", "N7745C",
				   "MY1234", "V1.122", "2027-03-31", "2026-03-31", NULL, NULL};
	cr_assert_geq(lc_result_add_instrument(r, &in, NULL), 0);
	int s = lc_result_add_step(r, "insertion-loss", 1795000001000LL, NULL);
	il(r, s, 1, "A:1", "B1:rx", 0.31, false);
	il(r, s, 16, "B1:tx", "A:16", 0.29, false);
	il(r, s, 2, "A:2", "B2:rx", 0.33, false);
	il(r, s, 15, "B2:tx", "A:15", fail_b2 ? 1.42 : 0.35, false);
	lc_result_end_step(r, s, LC_VERDICT_NONE, 1795000002000LL, NULL, NULL);
	int t = lc_result_add_step(r, "return-loss", 1795000002000LL, NULL);
	lc_result_measurement rl = {"return_loss", 1, 38.5, "dB", 1310, {20, NAN, LC_LIMIT_GE}, NAN, LC_VERDICT_PASS};
	int mi = lc_result_add_measurement(r, t, &rl, NULL);
	lc_result_measurement_extra_string(r, mi, "port", "B1", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_id", "tia.return_loss.MM", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_source", "TIA-568.3-D/E", NULL);
	if (with_unconfirmed) {
		lc_result_measurement apc = {"return_loss", 2, 61.25, "dB", 1310, {55, NAN, LC_LIMIT_GE}, NAN,
					     LC_VERDICT_PASS};
		mi = lc_result_add_measurement(r, t, &apc, NULL);
		lc_result_measurement_extra_string(r, mi, "port", "B2", NULL);
		lc_result_measurement_extra_string(r, mi, "limit_id", "tia.return_loss.SM.APC", NULL);
		lc_result_measurement_extra_string(r, mi, "limit_source", "TIA-568.3", NULL);
		lc_result_measurement_extra_string(r, mi, "limit_status", "unconfirmed", NULL);
	}
	lc_result_end_step(r, t, LC_VERDICT_NONE, 1795000003000LL, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, 1795000003000LL, NULL, NULL);
	lc_result_set_key_id(r, "0123456789ABCDEF", NULL);
	char *js;
	cr_assert_eq(lc_report_json(r, &js, len, NULL), 0);
	lc_result_free(r);
	return js;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The text between the first occurrence of from and the next of to (or the end): one section. */
static char *section(const char *text, const char *from, const char *to)
{
	const char *a = strstr(text, from);
	cr_assert_not_null(a, "no section %s", from);
	const char *b = to ? strstr(a + strlen(from), to) : NULL;
	size_t n = b ? (size_t)(b - a) : strlen(a);
	char *s = malloc(n + 1);
	memcpy(s, a, n);
	s[n] = 0;
	return s;
}

#define PK "RWQBI0VnifCrzXcCKJsNeGpBBpSzAvr4dZ7wKrrrcS9E5O5ftgpHUcRV"

Test(report_cert, html_labels_legs_named_limits_identity)
{
	size_t n;
	char *js = cert_json(false, true, &n), *html = NULL;
	lc_html_options o = {.gnuplot = "", .public_key = PK};
	lc_diag d;
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	/* Results by label, never "lane 16" for a return fiber. */
	cr_expect(strstr(html, "<td class=\"u\">A:1 " ARROW " B1:rx</td>"));
	cr_expect(strstr(html, "<td class=\"u\">B2:tx " ARROW " A:15</td>"));
	cr_expect(strstr(html, "<td class=\"u\">B1</td>"), "an RL result by its port");
	cr_expect_null(strstr(html, "lane 16"));
	/* The failure's reason names the fiber. */
	cr_expect(strstr(html, "B2:tx " ARROW " A:15 insertion_loss = 1.42 dB, limit \xe2\x89\xa4 1.009"));
	/* Legs: B1 passes, B2 fails. */
	char *legs = section(html, "<h2>Legs</h2>", "</table>");
	cr_expect(strstr(legs, "<td>B1</td><td class=\"n\">3</td><td><span class=\"v v-pass\">pass</span>"), "%s", legs);
	cr_expect(strstr(legs, "<td>B2</td><td class=\"n\">2</td><td><span class=\"v v-fail\">fail</span>"), "%s", legs);
	free(legs);
	/* Each limit once, named, with the arithmetic; rows refer to it. */
	char *lims = section(html, "<h2>Limits</h2>", "</table>");
	cr_expect(strstr(lims, "<td>L1</td><td>TIA-568.3 length-based limit (Tier 1): " BASIS_850 "</td>"), "%s", lims);
	cr_expect(strstr(lims, "<td>L2</td><td>TIA-568.3-D/E (row tia.return_loss.MM)</td>"), "%s", lims);
	cr_expect_eq(count(lims, "<tr>"), 3, "a header and two limits");
	free(lims);
	cr_expect_eq(count(html, "<sup>L1</sup>"), 4);
	/* The details keep what has no column of its own, and nothing shown elsewhere. */
	cr_expect(strstr(html, "direction=forward"));
	cr_expect_null(strstr(html, "limit_source="));
	cr_expect_null(strstr(html, "from="));
	/* Instruments by identity and calibration; the station's addresses are not the customer's business. */
	char *inst = section(html, "<h2>Instruments</h2>", "</table>");
	cr_expect(strstr(inst, "<th>Calibrated</th><th>Calibration due</th>"));
	cr_expect(strstr(inst, "<td>MY1234</td><td>V1.122</td><td class=\"u\">2026-03-31</td><td class=\"u\">2027-03-31</td>"),
		  "%s", inst);
	free(inst);
	cr_expect_null(strstr(html, "127.0.0.1"));
	cr_expect_null(strstr(html, "TCPIP"));
	/* The whole public key, not only its 64-bit id. */
	cr_expect(strstr(html, "<code class=\"pk\">" PK "</code>"));
	cr_expect(strstr(html, "<span class=\"v v-fail\">fail</span></p>"), "the run's badge");
	free(html), free(js);
}

/* A pass that rests on an UNCONFIRMED row is no certified pass: the number of that limit is not printed,
 * the row, its step and the run read NOT CERTIFIED, and the reasons say why. report.json keeps it as judged. */
Test(report_cert, unconfirmed_limit_is_never_a_certified_pass)
{
	size_t n;
	char *js = cert_json(true, false, &n), *html = NULL;
	cr_expect(strstr(js, "\"limit_status\": \"unconfirmed\""));
	lc_html_options o = {.gnuplot = ""};
	lc_diag d;
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	cr_expect(strstr(html, "<p class=\"big\"><span class=\"v v-uncertified\">not certified</span></p>"));
	cr_expect(strstr(html, "<h3>return-loss <span class=\"v v-uncertified\">not certified</span></h3>"));
	cr_expect(strstr(html, "<h3>insertion-loss <span class=\"v v-pass\">pass</span></h3>"), "confirmed limits only");
	char *row = section(html, "<td class=\"u\">B2</td>", "</tr>");
	cr_expect(strstr(row, "<span class=\"note\">unconfirmed</span>"), "%s", row);
	cr_expect(strstr(row, "v-uncertified"), "%s", row);
	cr_expect_null(strstr(row, "55"), "the unconfirmed number is not printed: %s", row);
	cr_expect_null(strstr(row, "v-pass"), "%s", row);
	free(row);
	cr_expect(strstr(html, "Not certified:</b> 1 result pass"));
	cr_expect_null(strstr(html, "within their limits"));
	cr_expect(strstr(html, "UNCONFIRMED in the reference material: not a certification limit"));
	/* The B2 leg passed only on that result: it is not certified either; B1 is. */
	char *legs = section(html, "<h2>Legs</h2>", "</table>");
	cr_expect(strstr(legs, "<td>B2</td><td class=\"n\">3</td><td><span class=\"v v-uncertified\">"), "%s", legs);
	cr_expect(strstr(legs, "<td>B1</td><td class=\"n\">3</td><td><span class=\"v v-pass\">"), "%s", legs);
	free(legs);
	free(html);

	/* The PDF says the same. */
	char *dir = th_scratch_dir("cert-pdf"), *out = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = "", .public_key = PK};
	cr_assert_eq(lc_report_pdf(js, n, &po, out, &d), 0, "%s", d.text);
	char *text = th_pdf_text(out, 0, 0);
	cr_expect(strstr(text, "NOT CERTIFIED"));
	cr_expect(strstr(text, "Not certified: 1 result pass only against limits marked UNCONFIRMED"));
	cr_expect(strstr(text, PK), "the whole public key");
	cr_expect(strstr(text, "A:1 " ARROW " B1:rx"));
	cr_expect(strstr(text, "2026-03-31") && strstr(text, "Calibrated"));
	cr_expect_null(strstr(text, "127.0.0.1"));
	cr_expect_null(strstr(text, "\xe2\x89\xa5 55"), "the unconfirmed limit's number");
	cr_expect_null(strstr(text, "\xe2\x80\xa6"), "nothing cut off");
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t ll = strcspn(line, "\n");
		if (memmem(line, ll, "B2 ", 3) && memmem(line, ll, "return_loss", 11))
			cr_expect(!memmem(line, ll, "PASS", 4) && memmem(line, ll, "NOT CERTIFIED", 13), "%.*s", (int)ll, line);
	}
	free(text), free(out), free(dir), free(js);
}

/* A report written before limits were named (tests/data/minisign/report: limit_source "length-based budget
 * of the channel model", no basis) still verifies its schema and renders, naming what it recorded. */
Test(report_cert, old_report_still_renders)
{
	const char *src = getenv("LC_SOURCE_DIR");
	cr_assert_not_null(src);
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/data/minisign/report/report.json", src);
	size_t n;
	char *js = th_slurp(path, &n), *html = NULL;
	cr_assert_not_null(js);
	lc_html_options o = {.gnuplot = ""};
	lc_diag d;
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	cr_expect(strstr(html, "<h2>Limits</h2>"));
	cr_expect(strstr(html, "<td>L1</td><td>length-based budget of the channel model"));
	cr_expect(strstr(html, ARROW), "labels from the recorded from/to");
	free(html), free(js);
}

/* An UNCONFIRMED row confirmed by the station's limits file: certified, with the number of its limit and the
 * file's name and SHA-256 in the Limits section; the row the file did not confirm stays not certified. */
Test(report_cert, confirmed_row_names_the_station_file)
{
	static const char sha[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	lc_result *r = lc_result_new();
	lc_result_set_dut(r, &(lc_result_dut){"dr4-mpo12apc-4xlc", "DR4-1", 1, NULL, 1}, NULL);
	lc_result_start(r, 1795000000000LL, NULL);
	int t = lc_result_add_step(r, "return-loss", 1795000001000LL, NULL);
	lc_result_measurement apc = {"return_loss", 1, 61.25, "dB", 1310, {55, NAN, LC_LIMIT_GE}, NAN, LC_VERDICT_PASS};
	int mi = lc_result_add_measurement(r, t, &apc, NULL);
	lc_result_measurement_extra_string(r, mi, "port", "A", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_id", "tia.return_loss.SM.APC", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_source", "TIA-568.3", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_status", "confirmed", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_confirmed_by", "site-limits.json", NULL);
	lc_result_measurement_extra_string(r, mi, "limit_confirmed_sha256", sha, NULL);
	lc_result_end_step(r, t, LC_VERDICT_NONE, 1795000002000LL, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, 1795000003000LL, NULL, NULL);
	char *js, *html;
	size_t n;
	cr_assert_eq(lc_report_json(r, &js, &n, NULL), 0);
	lc_html_options o = {.gnuplot = ""};
	lc_diag d;
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	cr_expect_null(strstr(html, "not certified"), "a confirmed row is certified");
	cr_expect(strstr(html, "<span class=\"v v-pass\">pass</span></p>"), "the run's badge");
	cr_expect(strstr(html, "\xe2\x89\xa5 55"), "the limit's number is shown");
	char *lims = section(html, "<h2>Limits</h2>", "</table>");
	cr_expect(strstr(lims, "confirmed by the station&#39;s limits file site-limits.json (SHA-256 "
			       "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08)"),
		  "%s", lims);
	free(lims);
	cr_expect_null(strstr(html, "limit_confirmed_by="), "not repeated in the details");
	/* in the PDF too */
	char *dir = th_scratch_dir("cert-confirmed"), *pdf = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = ""};
	char *bytes;
	size_t len;
	cr_assert_eq(lc_report_pdf_render(js, n, &po, &bytes, &len, NULL, &d), 0, "%s", d.text);
	th_spit(pdf, bytes, len);
	free(bytes);
	char *text = th_pdf_text(pdf, 0, 0);
	cr_expect(strstr(text, "confirmed by the station's limits file") &&
			  strstr(text, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
		  "%s", text);
	cr_expect_null(strstr(text, "NOT CERTIFIED"), "%s", text);
	free(text), free(pdf), free(dir), free(html), free(js);
	lc_result_free(r);
}

/* The fiber map as a table: each fiber's expected far end against the measured one, a mismatch marked. */
Test(report_cert, fiber_map_expected_versus_measured)
{
	lc_result *r = lc_result_new();
	lc_result_set_dut(r, &(lc_result_dut){"dr4-mpo12apc-4xlc", "DR4-2", 1, NULL, 1}, NULL);
	lc_result_start(r, 1795000000000LL, NULL);
	int s = lc_result_add_step(r, "fiber-map", 1795000001000LL, NULL);
	lc_result_measurement m = {"fiber_map", 0, 2, "fibers", 1310, {NAN, 0, LC_LIMIT_LE}, NAN, LC_VERDICT_FAIL};
	int mi = lc_result_add_measurement(r, s, &m, NULL);
	lc_result_measurement_extra_string(r, mi, "difference", "legs B2 and B3 swapped", NULL);
	lc_result_measurement_extra_string(r, mi, "map",
					   "A:1\tB1:rx\tB1:rx\nA:2\tB2:rx\tB3:rx\nA:3\tB3:rx\tB2:rx\nA:5\tnone\tdark\n", NULL);
	lc_result_end_step(r, s, LC_VERDICT_NONE, 1795000002000LL, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, 1795000003000LL, NULL, NULL);
	char *js, *html;
	size_t n;
	cr_assert_eq(lc_report_json(r, &js, &n, NULL), 0);
	lc_html_options o = {.gnuplot = ""};
	lc_diag d;
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	char *map = section(html, "<h2 id=\"fiber-map\">Fiber map</h2>", "</table>");
	cr_expect(strstr(map, "<tr><td>A:1</td><td>B1:rx</td><td>B1:rx</td><td>\xe2\x9c\x93</td></tr>"), "%s", map);
	cr_expect(strstr(map, "<tr class=\"mismatch\"><td>A:2</td><td>B2:rx</td><td class=\"neg\">B3:rx</td>"), "%s", map);
	cr_expect_eq(count(map, "mismatch</td>"), 2, "%s", map);
	cr_expect(strstr(map, "<tr><td>A:5</td><td>none</td><td>dark</td>"), "a dark position the design leaves dark is no mismatch");
	free(map);
	cr_expect_null(strstr(html, "map=A:1"), "not repeated in the details");
	char *dir = th_scratch_dir("cert-map"), *pdf = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = ""};
	char *bytes;
	size_t len;
	cr_assert_eq(lc_report_pdf_render(js, n, &po, &bytes, &len, NULL, &d), 0, "%s", d.text);
	th_spit(pdf, bytes, len);
	free(bytes);
	char *text = th_pdf_text(pdf, 0, 0);
	cr_expect(strstr(text, "Fiber map") && strstr(text, "Expected far end") && count(text, "mismatch") == 2, "%s", text);
	free(text), free(pdf), free(dir), free(html), free(js);
	lc_result_free(r);
}

/* Who the cable is certified for and what it is: job, customer, site and the cable's identity, in report.json
 * (read back the same), in the HTML and on the PDF's first page; a report without them has no such section. */
Test(report_cert, customer_job_and_cable_identity)
{
	size_t n;
	char *js = cert_json(false, false, &n), *html = NULL;
	cr_expect(strstr(js, "\"customer\": \"" CUSTOMER "\""));
	cr_expect(strstr(js, "\"job\": \"" JOB "\""));
	cr_expect(strstr(js, "\"part_number\": \"" PART "\""));
	cr_expect(strstr(js, "\"length_m\": 3,"));
	cr_expect(strstr(js, "\"limit_set\": \"reference-grade\""), "the limit set is recorded");
	lc_result *r;
	lc_diag d;
	cr_assert_eq(lc_report_json_read(js, n, &r, &d), 0, "%s", d.text);
	lc_result_job j = lc_result_get_job(r);
	cr_expect_str_eq(j.site, SITE);
	bool known = false;
	lc_result_cable c = lc_result_get_cable(r, &known);
	cr_expect(known);
	cr_expect_str_eq(c.end_a, "MPO-16 UPC female");
	cr_expect_eq(c.length_m, 3);
	cr_expect_str_eq(c.limit_set, "reference-grade");
	char *again;
	size_t n2;
	cr_assert_eq(lc_report_json(r, &again, &n2, NULL), 0);
	cr_expect(n2 == n && memcmp(again, js, n) == 0, "the same bytes after a round trip");
	free(again);
	lc_result_free(r);

	lc_html_options o = {.gnuplot = ""};
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	char *id = section(html, "<h2 id=\"identity\">Customer and cable</h2>", "</table>");
	cr_expect(strstr(id, "<tr><th>Customer</th><td>" CUSTOMER "</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>Site</th><td>" SITE "</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>Job</th><td>" JOB "</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>Part number</th><td>" PART "</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>Fiber</th><td>multimode OM4</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>Length</th><td>3 m</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>End A</th><td>MPO-16 UPC female</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>End B</th><td>8 \xc3\x97 LC duplex UPC</td></tr>"), "%s", id);
	cr_expect(strstr(id, "<tr><th>Loss limit set</th><td>reference-grade</td></tr>"), "%s", id);
	free(id);
	free(html);

	char *dir = th_scratch_dir("cert-identity"), *pdf = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = ""};
	char *bytes;
	size_t len;
	cr_assert_eq(lc_report_pdf_render(js, n, &po, &bytes, &len, NULL, &d), 0, "%s", d.text);
	th_spit(pdf, bytes, len);
	free(bytes);
	char *text = th_pdf_text(pdf, 1, 1);
	const char *want[] = {"Customer and cable", CUSTOMER, SITE, JOB, PART, "multimode OM4", "MPO-16 UPC female",
			      "8 \xc3\x97 LC duplex UPC", "Rx 9-16 UNCONFIRMED).", "Loss limit set", "reference-grade"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect(strstr(text, want[i]), "page 1 lacks %s:\n%s", want[i], text);
	free(text), free(pdf), free(dir), free(js);

	/* a report that records none of it has no such section */
	lc_result *bare = lc_result_new();
	lc_result_dut dut = {"sr8-mpo16-8xlc", "BO8-8", 1, NULL, 1};
	lc_result_set_dut(bare, &dut, NULL);
	lc_result_finish(bare, LC_VERDICT_ERROR, 1795000003000LL, "no station", NULL);
	cr_assert_eq(lc_report_json(bare, &js, &n, NULL), 0);
	cr_expect(strstr(js, "\"job\": null"));
	cr_expect(strstr(js, "\"cable\": null"));
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	cr_expect_null(strstr(html, "Customer and cable"));
	free(html), free(js);
	lc_result_free(bare);
}

/* A job field with a control character would forge a line of the certificate or a row of a CSV: refused. */
Test(report_cert, job_fields_are_one_line_of_text)
{
	lc_result *r = lc_result_new();
	lc_diag d;
	cr_expect_eq(lc_result_set_job(r, &(lc_result_job){.customer = "ACME\nverdict: pass"}, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "customer holds a control character"), "%s", d.text);
	cr_expect_eq(lc_result_set_job(r, &(lc_result_job){.job = ""}, &d), LC_ERR_ARG);
	cr_expect_not_null(lc_result_failure(r), "a refused record makes the run an error");
	lc_result_free(r);
}

/* lc_report_write() shows the signing key's whole public key: the line of its .pub file. */
Test(report_cert, written_report_shows_the_whole_public_key)
{
	lc_sign_key *key;
	cr_assert_eq(lc_sign_key_generate(&key, NULL), 0);
	lc_pubkey pub;
	lc_sign_key_public(key, &pub);
	char *pubtext;
	cr_assert_eq(lc_pubkey_format(&pub, &pubtext, NULL), 0);
	char line[128];
	cr_assert_eq(sscanf(strchr(pubtext, '\n') + 1, "%127s", line), 1);
	size_t n;
	char *js = cert_json(false, false, &n);
	lc_result *r;
	cr_assert_eq(lc_report_json_read(js, n, &r, NULL), 0);
	char *dir = th_scratch_dir("cert-write"), *out = th_path(dir, "rep");
	lc_report_options o = {.gnuplot = "", .no_pdf = true};
	lc_report_paths paths;
	lc_diag d;
	cr_assert_eq(lc_report_write(r, out, key, &paths, &o, &d), 0, "%s", d.text);
	char *html = th_slurp(paths.html, NULL);
	char want[200];
	snprintf(want, sizeof(want), "<code class=\"pk\">%s</code>", line);
	cr_expect(strstr(html, want), "%s", want);
	free(html), free(out), free(dir), free(js), free(pubtext);
	lc_result_free(r);
	lc_sign_key_free(key);
}

/* ---- as a person sees it: the page laid out by headless Chromium, the PDF's pages as images ---- */

/* Appended to a copy of report.html: once Chromium has laid the page out, it measures every number and unit
 * cell (each text node on more than one line is a wrapped value), looks for "…" in any cell, and writes what
 * it found into the DOM that --dump-dom prints. */
static const char layout_probe[] =
	"<script>(function(){var wrapped=[],cut=[];"
	"document.querySelectorAll('td.u, td.n').forEach(function(td){"
	"var w=document.createTreeWalker(td,NodeFilter.SHOW_TEXT),t;while((t=w.nextNode())){"
	"if(!t.textContent.trim())continue;var r=document.createRange();r.selectNodeContents(t);"
	"var tops={};Array.from(r.getClientRects()).forEach(function(x){if(x.width>0)tops[Math.round(x.top)]=1;});"
	"if(Object.keys(tops).length>1)wrapped.push(t.textContent);}});"
	"document.querySelectorAll('td').forEach(function(td){if(td.textContent.indexOf('\\u2026')>=0)cut.push(td.textContent);});"
	"var p=document.createElement('pre');p.id='lc-layout';"
	"p.textContent='layout: wrapped='+wrapped.length+' ['+wrapped.join('|')+'] cut='+cut.length+' height='"
	"+Math.round(document.body.getBoundingClientRect().height);document.body.appendChild(p);})();</script>";

static char *browser_dom(const char *dir, const char *page)
{
	const char *browser = th_have("chromium") ? "chromium" : th_have("chromium-browser") ? "chromium-browser" : NULL;
	cr_assert_not_null(browser, "chromium is not on PATH: ./bootstrap.sh installs it (Debian package chromium)");
	char *profile = th_path(dir, "chromium-profile"), *out = th_path(dir, "dom.html"), cmd[16384];
	/* 900 px: a laptop-sized window, narrower than the page's max width, so tables must fit by wrapping
	 * text, never numbers or units. */
	snprintf(cmd, sizeof(cmd),
		 "%s --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
		 "--disable-component-update --disable-sync --user-data-dir='%s' --window-size=900,1200 --dump-dom "
		 "'file://%s' > '%s' 2>/dev/null",
		 browser, profile, page, out);
	cr_assert_eq(th_run(cmd), 0, "chromium could not load %s", page);
	char *dom = th_slurp(out, NULL);
	cr_assert_not_null(dom);
	free(profile), free(out);
	return dom;
}

Test(report_browser, chromium_lays_out_sections_values_uncut_units_unwrapped)
{
	size_t n;
	char *js = cert_json(true, true, &n), *html = NULL;
	lc_html_options o = {.gnuplot = "", .public_key = PK};
	lc_diag d;
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	char *dir = th_scratch_dir("cert-browser"), *page = th_path(dir, "report.html");
	char *body_end = strstr(html, "</body>");
	cr_assert_not_null(body_end);
	size_t head = (size_t)(body_end - html);
	/* Controls the probe must find, so that a probe that sees nothing cannot pass: one unit cell squeezed
	 * to wrap and one cell cut off with "…". */
	static const char controls[] = "<table><tr><td class=\"u\" style=\"white-space:normal;width:1px\">"
				       "wrapped dB/km</td><td>cut \xe2\x80\xa6</td></tr></table>";
	size_t total = head + sizeof(controls) - 1 + sizeof(layout_probe) - 1 + strlen(body_end);
	char *probed = malloc(total + 1);
	memcpy(probed, html, head);
	memcpy(probed + head, controls, sizeof(controls) - 1);
	memcpy(probed + head + sizeof(controls) - 1, layout_probe, sizeof(layout_probe) - 1);
	strcpy(probed + head + sizeof(controls) - 1 + sizeof(layout_probe) - 1, body_end);
	th_spit(page, probed, total);
	char *dom = browser_dom(dir, page);
	/* The probe ran: the browser laid the page out. */
	const char *tag = "<pre id=\"lc-layout\">layout: ";
	char *layout = strstr(dom, tag);
	cr_assert_not_null(layout, "the layout probe did not run:\n%.2000s", dom);
	layout += strlen(tag);
	/* Only the controls: no value of the report wraps or is cut. */
	const char *expect = "wrapped=1 [wrapped dB/km] cut=1 height=";
	cr_expect(strncmp(layout, expect, strlen(expect)) == 0, "%.300s", layout);
	cr_expect_gt(atoi(layout + strlen(expect)), 800, "a page of some height, not an empty one: %.80s", layout);
	/* Sections and key values, as the browser parsed them. */
	const char *want[] = {"<h2>Legs</h2>", "<h2>Limits</h2>", "<h2>Instruments</h2>", "<h2>Steps and measurements</h2>",
			      "A:1 " ARROW " B1:rx", "B2:tx " ARROW " A:15", "BO8-7", "MY1234", "2026-03-31", PK,
			      "not certified", BASIS_850, "<h2 id=\"identity\">Customer and cable</h2>", CUSTOMER, SITE,
			      JOB, PART, "multimode OM4", "8 \xc3\x97 LC duplex UPC"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect(strstr(dom, want[i]), "the page lacks %s", want[i]);
	cr_expect_null(strstr(dom, "127.0.0.1"));
	free(dom), free(probed), free(html), free(page), free(dir), free(js);
}

/* Share of dark pixels of a binary PGM (P5) image, as pdftoppm -gray writes it; -1 if it is not one. */
static double dark_share(const char *path)
{
	size_t n;
	unsigned char *b = (unsigned char *)th_slurp(path, &n);
	int w, h, max, used;
	if (!b || sscanf((char *)b, "P5 %d %d %d%n", &w, &h, &max, &used) != 3 || w <= 0 || h <= 0 ||
	    (size_t)used + 1 + (size_t)w * (size_t)h > n) {
		free(b);
		return -1;
	}
	const unsigned char *px = b + used + 1;
	size_t dark = 0;
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
		dark += px[i] < 160;
	free(b);
	return (double)dark / ((double)w * (double)h);
}

Test(report_browser, pdf_pages_are_not_blank)
{
	size_t n;
	char *js = cert_json(true, true, &n);
	char *dir = th_scratch_dir("cert-pages"), *pdf = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = "", .public_key = PK};
	lc_pdf_info info;
	char *bytes;
	size_t len;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render(js, n, &po, &bytes, &len, &info, &d), 0, "%s", d.text);
	th_spit(pdf, bytes, len);
	free(bytes);
	th_require("pdftoppm", "poppler-utils");
	char cmd[8192], *prefix = th_path(dir, "page");
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 30 -gray '%s' '%s'", pdf, prefix);
	cr_assert_eq(th_run(cmd), 0);
	cr_assert_geq(info.pages, 1);
	for (int p = 1; p <= info.pages; p++) {
		char name[64];
		/* pdftoppm pads the page number to the width of the last one */
		snprintf(name, sizeof(name), "page-%0*d.pgm", info.pages >= 10 ? 2 : 1, p);
		char *img = th_path(dir, name);
		double share = dark_share(img);
		cr_expect(share > 0.002 && share < 0.5, "page %d: %.4f of its pixels dark (%s)", p, share, img);
		free(img);
	}
	/* The same for a page that is blank: the check can fail. */
	snprintf(cmd, sizeof(cmd), "printf 'P5 10 10 255\\n' > '%s/blank.pgm' && head -c 100 /dev/zero | tr '\\0' '\\377' >> '%s/blank.pgm'",
		 dir, dir);
	cr_assert_eq(th_run(cmd), 0);
	char *blank = th_path(dir, "blank.pgm");
	cr_expect_eq(dark_share(blank), 0.0);
	free(blank), free(prefix), free(pdf), free(dir), free(js);
}

/* The plots of a certificate drawn by gnuplot (bootstrap.sh installs gnuplot-nox): IL and RL per lane, each
 * bar with its own limit level (no line joining the forward and return fibers' limits). */
Test(report_browser, plots_drawn_on_the_pdf_pages)
{
	th_require("gnuplot", "gnuplot-nox");
	size_t n;
	char *js = cert_json(true, true, &n);
	char *dir = th_scratch_dir("cert-plots"), *pdf = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = NULL};
	lc_pdf_info info;
	char *bytes;
	size_t len;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render(js, n, &po, &bytes, &len, &info, &d), 0, "%s", d.text);
	th_spit(pdf, bytes, len);
	free(bytes);
	cr_expect_eq(info.plots_drawn, 2, "IL and RL per lane");
	cr_expect_eq(info.plots_missing, 0);
	free(pdf), free(dir), free(js);
}

static int otdr_row(lc_result *r, int s, const char *port, const char *name, double pos, double v,
		    lc_result_limit lim, const char *event, const char *design)
{
	lc_result_measurement m = {name, 1, v, "dB", 1310, lim, NAN, LC_VERDICT_PASS};
	m.verdict = lc_result_limit_margin(&lim, v) < 0 ? LC_VERDICT_FAIL : LC_VERDICT_PASS;
	int mi = lc_result_add_measurement(r, s, &m, NULL);
	cr_assert_geq(mi, 0);
	lc_result_measurement_extra_string(r, mi, "port", port, NULL);
	lc_result_measurement_extra_number(r, mi, "position_m", pos, NULL);
	if (event)
		lc_result_measurement_extra_string(r, mi, "event", event, NULL);
	if (design)
		lc_result_measurement_extra_string(r, mi, "design_event", design, NULL);
	return mi;
}

/* Each fiber's OTDR events as a table: position, type, loss and reflectance against their limits. */
Test(report_cert, otdr_event_table_per_fiber)
{
	lc_result *r = lc_result_new();
	lc_result_dut dut = {"mpo12-trunk-type-b", "TRK-9", 1, NULL, 1};
	lc_result_set_dut(r, &dut, NULL);
	int s = lc_result_add_step(r, "otdr", 1000, NULL);
	lc_result_limit le = {NAN, 0.75, LC_LIMIT_LE}, re = {NAN, -35, LC_LIMIT_LE};
	otdr_row(r, s, "B1", "event_loss", 0.5, 0.31, le, "reflective", "connector");
	otdr_row(r, s, "B1", "reflectance", 0.5, -52.5, re, NULL, NULL);
	otdr_row(r, s, "B1", "event_loss", 150.2, 0.12, le, "non-reflective", "splice");
	otdr_row(r, s, "B2", "event_loss", 0.5, 0.92, le, "reflective", "connector");
	otdr_row(r, s, "B2", "reflectance", 0.5, -30.1, re, NULL, NULL);
	lc_result_end_step(r, s, LC_VERDICT_NONE, 2000, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, 2000, NULL, NULL);
	char *js;
	size_t n;
	cr_assert_eq(lc_report_json(r, &js, &n, NULL), 0);
	lc_result_free(r);
	char *html = NULL;
	lc_html_options o = {.gnuplot = ""};
	lc_diag d;
	cr_assert_eq(lc_report_html(js, n, &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	char *ev = section(html, "<h2>OTDR events</h2>", "<h2>");
	cr_expect_eq(count(ev, "<table class=\"events\">"), 2, "one table per fiber");
	cr_expect(strstr(ev, "<h3>B1 at 1310 nm</h3>") && strstr(ev, "<h3>B2 at 1310 nm</h3>"), "%s", ev);
	cr_expect(strstr(ev, "<tr><td class=\"n\">0.5</td><td>reflective (connector)</td><td class=\"n\">0.31</td>"
			     "<td class=\"n\">\xe2\x89\xa4 0.75</td><td class=\"n\">-52.5</td><td class=\"n\">\xe2\x89\xa4 -35</td>"
			     "<td><span class=\"v v-pass\">pass</span></td></tr>"), "%s", ev);
	cr_expect(strstr(ev, "<tr><td class=\"n\">150.2</td><td>non-reflective (splice)</td><td class=\"n\">0.12</td>"
			     "<td class=\"n\">\xe2\x89\xa4 0.75</td><td class=\"n\">\xe2\x80\x94</td><td class=\"n\">\xe2\x80\x94</td>"),
		  "%s", ev);
	cr_expect(strstr(ev, "<td class=\"n\">0.92</td>") && strstr(ev, "<span class=\"v v-fail\">fail</span>"), "%s", ev);
	free(ev), free(html);
	char *dir = th_scratch_dir("cert-otdr"), *pdf = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = ""};
	cr_assert_eq(lc_report_pdf(js, n, &po, pdf, &d), 0, "%s", d.text);
	char *text = th_pdf_text(pdf, 0, 0);
	cr_expect(strstr(text, "OTDR events") && strstr(text, "B1 at 1310 nm") && strstr(text, "B2 at 1310 nm"));
	cr_expect(strstr(text, "reflective (connector)") && strstr(text, "-52.5") && strstr(text, "150.2"));
	free(text), free(pdf), free(dir), free(js);
}

/* An instrument that lacked optional features (issue 20) says so under its row, in the HTML and in the PDF; one
 * that lacked nothing shows no such line. */
Test(report_cert, absent_features_are_shown_under_the_instrument)
{
	size_t n;
	char *js = cert_json(false, false, &n);
	json_error_t je;
	json_t *j = json_loadb(js, n, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	json_t *in = json_array_get(json_object_get(j, "instruments"), 0);
	json_object_set_new(in, "features_absent", json_pack("[ss]", "read_all", "zero"));
	char *patched = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	lc_html_options o = {.gnuplot = "", .public_key = PK};
	lc_diag d;
	char *html = NULL;
	cr_assert_eq(lc_report_html(patched, strlen(patched), &o, &html, NULL, NULL, &d), 0, "%s", d.text);
	char *inst = section(html, "<h2>Instruments</h2>", "</table>");
	cr_expect(strstr(inst, "<tr><td></td><td colspan=\"6\">Without the optional features (the instrument lacks their "
			       "commands): read_all,zero</td></tr>"), "%s", inst);
	free(inst);
	char *plain = NULL;
	cr_assert_eq(lc_report_html(js, n, &o, &plain, NULL, NULL, &d), 0, "%s", d.text);
	cr_expect_null(strstr(plain, "Without the optional features"));
	char *dir = th_scratch_dir("cert-features"), *pdf = th_path(dir, "report.pdf");
	lc_pdf_options po = {.gnuplot = ""};
	char *bytes;
	size_t len;
	cr_assert_eq(lc_report_pdf_render(patched, strlen(patched), &po, &bytes, &len, NULL, &d), 0, "%s", d.text);
	th_spit(pdf, bytes, len);
	free(bytes);
	char *text = th_pdf_text(pdf, 0, 0);
	cr_expect(strstr(text, "meter1 lacks the commands of its optional features: read_all,zero"), "%s", text);
	free(text), free(pdf), free(dir), free(html), free(plain), free(js), free(patched);
}
