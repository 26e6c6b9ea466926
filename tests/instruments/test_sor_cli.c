/* lanecert sor: info, events (stored, re-analysed, JSON), convert, plot, and the errors of each. Runs the
 * built executable ($LC_CLI) on the samples. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/formats/test_sor_util.h"

/* Run "$LC_CLI args" with an optional environment prefix; stdout+stderr into out. Returns the exit code. */
static int run(const char *env, const char *args, char *out, size_t cap)
{
	const char *cli = getenv("LC_CLI");
	cr_assert(cli, "LC_CLI is not set");
	char cmd[8192];
	int len = snprintf(cmd, sizeof(cmd), "%s '%s' %s 2>&1", env ? env : "", cli, args);
	cr_assert(len > 0 && (size_t)len < sizeof(cmd), "command line too long (%d bytes)", len);
	FILE *p = popen(cmd, "r");
	cr_assert(p);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char buf[1 << 20];

Test(sor_cli, info_names_instrument_and_checksum)
{
	char args[16384];
	snprintf(args, sizeof(args), "sor info '%s'", sor_sample_path("otdrs-example1-noyes-ofl280.sor"));
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0, "%s", buf);
	cr_expect(strstr(buf, "wavelength:    1550.0 nm") != NULL, "%s", buf);
	cr_expect(strstr(buf, "pulse width:   30 ns") != NULL);
	cr_expect(strstr(buf, "30000 points") != NULL);
	cr_expect(strstr(buf, "group index:   1.46750") != NULL);
	cr_expect(strstr(buf, "checksum:      valid") != NULL);
	cr_expect(strstr(buf, "Noyes / OFL280C-100") != NULL);
	snprintf(args, sizeof(args), "sor info '%s'", sor_sample_path("otdrparser-otdr1.sor"));
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0);
	cr_expect(strstr(buf, "checksum:      absent") != NULL, "%s", buf);
	cr_expect(strstr(buf, "103 bytes after the last block") != NULL);
}

Test(sor_cli, events_stored_reanalysed_and_json)
{
	char args[16384];
	snprintf(args, sizeof(args), "sor events '%s'", sor_sample_path("pyotdr-demo_ab.sor"));
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0);
	cr_expect(strstr(buf, "50727.88    13.232       -16.73") != NULL, "%s", buf);
	snprintf(args, sizeof(args), "sor events '%s' --reanalyze", sor_sample_path("pyotdr-demo_ab.sor"));
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0);
	cr_expect(strstr(buf, "end ") != NULL && strstr(buf, "length 507") != NULL, "%s", buf);
	snprintf(args, sizeof(args), "sor events '%s' --json", sor_sample_path("otdrs-example4-exfo-ftb4ftbx730c-mfdgainer-1550nm.sor"));
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0);
	cr_expect(strncmp(buf, "{\"file\":\"", 9) == 0, "%s", buf);
	cr_expect(strstr(buf, "-1550nm.sor\",\"source\":\"stored\",\"events\":[{\"number\":1,") != NULL, "%s", buf);
	cr_expect(strstr(buf, "\"loss_db\":-0.3630") != NULL, "%s", buf);
	/* no KeyEvents: a clear error, unless re-analysed */
	snprintf(args, sizeof(args), "sor events '%s'", sor_sample_path("otdrparser-otdr7.sor"));
	cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 65);
	cr_expect(strstr(buf, "no KeyEvents block") != NULL, "%s", buf);
	snprintf(args, sizeof(args), "sor events '%s' --reanalyze --json", sor_sample_path("otdrparser-otdr7.sor"));
	cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 0);
	cr_expect(strstr(buf, "\"source\":\"analysis\"") != NULL);
}

Test(sor_cli, convert_csv)
{
	char args[16384];
	snprintf(args, sizeof(args), "sor convert '%s' --csv", sor_sample_path("fabry44-example6-viavi-smartotdr-1310nm.sor"));
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0);
	cr_expect(strncmp(buf, "distance_m,level_db\n", 20) == 0);
	size_t lines = 0;
	for (const char *p = buf; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 7842 + 1);
}

Test(sor_cli, plot_and_its_errors)
{
	char args[16384], out[4096];
	const char *bd = getenv("LC_BUILD_DIR");
	snprintf(out, sizeof(out), "%s/sor_cli_plot.svg", bd ? bd : "/tmp");
	snprintf(args, sizeof(args), "sor plot '%s' --out '%s'", sor_sample_path("pyotdr-demo_ab.sor"), out);
	/* without gnuplot on PATH: a clear error, exit 69 */
	cr_expect_eq(run("PATH=/nonexistent", args, buf, sizeof(buf)), 69);
	cr_expect(strstr(buf, "gnuplot was not found") != NULL, "%s", buf);
	cr_assert(system("command -v gnuplot >/dev/null 2>&1") == 0,
		  "gnuplot is not on PATH: ./bootstrap.sh installs it (Debian package gnuplot-nox)");
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0, "%s", buf);
	FILE *f = fopen(out, "r");
	cr_assert(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	cr_expect(strstr(buf, "<svg") != NULL);
	cr_expect(strstr(buf, ">5<") != NULL, "event 5 is labelled");
	remove(out);
	snprintf(args, sizeof(args), "sor plot '%s' --out x.pdf", sor_sample_path("pyotdr-demo_ab.sor"));
	cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 64);
	cr_expect(strstr(buf, ".svg or .png") != NULL);
}

Test(sor_cli, bad_inputs)
{
	char args[16384];
	cr_expect_eq(run(NULL, "sor", buf, sizeof(buf)), 64);
	cr_expect_eq(run(NULL, "sor frobnicate x.sor", buf, sizeof(buf)), 64);
	cr_expect(strstr(buf, "unknown action") != NULL);
	cr_expect_eq(run(NULL, "sor info /nonexistent.sor", buf, sizeof(buf)), 66);
	cr_expect_eq(run(NULL, "sor convert x.sor", buf, sizeof(buf)), 64);
	snprintf(args, sizeof(args), "sor events '%s' --bogus", sor_sample_path("pyotdr-demo_ab.sor"));
	cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 64);
	/* a file that is not a SOR file: exit 65 with the block and offset */
	const char *bd = getenv("LC_BUILD_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/sor_cli_bad.sor", bd ? bd : "/tmp");
	FILE *f = fopen(path, "wb");
	cr_assert(f);
	fputs("Map\0garbage that is not a map", f);
	fwrite("Map\0\310\0\377\377\0\0\2\0", 1, 12, f);
	fclose(f);
	snprintf(args, sizeof(args), "sor info '%s'", path);
	int rc = run(NULL, args, buf, sizeof(buf));
	cr_expect_eq(rc, 65, "exit %d: %s", rc, buf);
	cr_expect(strstr(buf, "Map") != NULL, "%s", buf);
	remove(path);
}

/* Count lines of buf that contain needle. */
static size_t count_lines(const char *needle)
{
	size_t k = 0;
	for (const char *p = buf; *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char line[65536];
		snprintf(line, sizeof(line), "%.*s", (int)(l < sizeof(line) - 1 ? l : sizeof(line) - 1), p);
		k += strstr(line, needle) != NULL;
		p += l + (e ? 1 : 0);
	}
	return k;
}

Test(sor_cli, batch_json_lines_and_a_bad_file)
{
	const char *bd = getenv("LC_BUILD_DIR");
	char bad[4096], args[32768];
	snprintf(bad, sizeof(bad), "%s/sor_cli_batch_bad.sor", bd ? bd : "/tmp");
	FILE *f = fopen(bad, "wb");
	cr_assert(f);
	fwrite("Map\0\310\0\377\377\0\0\2\0", 1, 12, f);
	fclose(f);
	/* sor_sample_path returns a static buffer: one path at a time */
	char demo[4096], otdr1[4096], otdr7[4096];
	snprintf(demo, sizeof(demo), "%s", sor_sample_path("pyotdr-demo_ab.sor"));
	snprintf(otdr1, sizeof(otdr1), "%s", sor_sample_path("otdrparser-otdr1.sor"));
	snprintf(otdr7, sizeof(otdr7), "%s", sor_sample_path("otdrparser-otdr7.sor"));
	snprintf(args, sizeof(args), "sor info '%s' '%s' '%s' --json", demo, bad, otdr1);
	/* every good file is processed, the bad one gets its error line, the exit says malformed */
	cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 65, "%s", buf);
	cr_expect_eq(count_lines("{\"file\":"), 3, "%s", buf);
	cr_expect_eq(count_lines("\"error\":"), 1, "%s", buf);
	cr_expect_eq(count_lines("\"vendor\":\"HP/Agilent\""), 1, "%s", buf);
	cr_expect_eq(count_lines("\"vendor\":\"FiberCloud\""), 1, "%s", buf);
	snprintf(args, sizeof(args), "sor events '%s' '%s' --reanalyze --json", demo, otdr7);
	cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 0, "%s", buf);
	cr_expect_eq(count_lines("\"source\":\"analysis\""), 2, "%s", buf);
	/* a missing file among good ones: not found (66), the others still printed */
	snprintf(args, sizeof(args), "sor events /nonexistent.sor '%s'", demo);
	cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 66, "%s", buf);
	cr_expect(strstr(buf, "50727.88") != NULL, "%s", buf);
	remove(bad);
}

Test(sor_cli, compare_prints_vendor_and_overall_figures, .timeout = 60)
{
	char args[32768], demo[4096], anritsu[4096];
	snprintf(demo, sizeof(demo), "%s", sor_sample_path("pyotdr-demo_ab.sor"));
	snprintf(anritsu, sizeof(anritsu), "%s", sor_sample_path("otdrparser-1310_0001.sor"));
	snprintf(args, sizeof(args), "sor compare '%s' '%s' --json", demo, anritsu);
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0, "%s", buf);
	cr_expect_eq(count_lines("{\"file\":"), 2, "%s", buf);
	cr_expect_eq(count_lines("{\"vendor\":\"HP/Agilent\",\"files\":1,\"stored\":4,"), 1, "%s", buf);
	cr_expect_eq(count_lines("{\"vendor\":\"Anritsu\",\"files\":1,"), 1, "%s", buf);
	cr_expect_eq(count_lines("{\"overall\":\"all\",\"files\":2,"), 1, "%s", buf);
	snprintf(args, sizeof(args), "sor compare '%s'", sor_sample_path("pyotdr-demo_ab.sor"));
	cr_assert_eq(run(NULL, args, buf, sizeof(buf)), 0, "%s", buf);
	cr_expect(strstr(buf, "vendor HP/Agilent (1 files)") != NULL, "%s", buf);
	cr_expect(strstr(buf, "overall (1 files)") != NULL, "%s", buf);
}

/* A real SOR file cut short (a copy that stopped half way): malformed input, 65, as the README's table says
 * for a file; never 76, which is an instrument breaking its protocol. */
Test(sor_cli, truncated_file_is_malformed_input)
{
	const char *src = sor_sample_path("otdrs-example1-noyes-ofl280.sor");
	FILE *in = fopen(src, "rb");
	cr_assert(in, "%s", src);
	static unsigned char data[1 << 20];
	size_t n = fread(data, 1, sizeof(data), in);
	fclose(in);
	cr_assert_gt(n, 1000);
	const char *bd = getenv("LC_BUILD_DIR");
	char path[4096], args[8192];
	snprintf(path, sizeof(path), "%s/sor_cli_truncated.sor", bd ? bd : "/tmp");
	for (size_t keep = n / 2; keep > 0; keep = keep > 200 ? 200 : 0) { /* in the data, then in the map */
		FILE *f = fopen(path, "wb");
		cr_assert(f);
		cr_assert_eq(fwrite(data, 1, keep, f), keep);
		fclose(f);
		snprintf(args, sizeof(args), "sor info '%s'", path);
		cr_expect_eq(run(NULL, args, buf, sizeof(buf)), 65, "cut to %zu of %zu bytes: %s", keep, n, buf);
	}
	remove(path);
}
