/* lanecert module and lanecert compat on saved dumps: output, exit codes, every bad argument. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "formats/module_image.h"
#include "tests/instruments/module_optics.h"

static char out[65536];
static char dir[600];

/* Run the CLI with args (a shell word list), stdout into out; returns the exit code. */
static int run(const char *args)
{
	const char *cli = getenv("LC_CLI");
	cr_assert_not_null(cli, "LC_CLI not set");
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>/dev/null", cli, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void save(const char *name, const lc_module_image *img)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	lc_diag d;
	cr_assert_eq(lc_module_dump_save(path, img, "test", &d), 0, "%s", d.text);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/module-cli-%d", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp",
		 (int)getpid());
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	lc_module_image img;
	tm_cmis_image(&img, 0);
	save("aoc.dump", &img);
	tm_cmis_optic(&img, 0x02, 0x1C, 4, 0x14);
	save("dr4.dump", &img);
	tm_qsfp28(&img, 0x25);
	save("dr1.dump", &img);
	tm_qsfp28(&img, 0x02);
	save("sr4.dump", &img);
	char path[700];
	snprintf(path, sizeof(path), "%s/bad.dump", dir);
	FILE *f = fopen(path, "w");
	fputs("lanecert-module-dump/1\nlower\n00: 18 50\n", f);
	fclose(f);
}

static void teardown(void)
{
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(module_cli, .init = setup, .fini = teardown);

Test(module_cli, text_like_ethtool)
{
	char a[800];
	snprintf(a, sizeof(a), "module '%s/aoc.dump'", dir);
	cr_assert_eq(run(a), 0);
	cr_assert(strstr(out, "Identifier              : 0x18 (QSFP-DD)"), "%s", out);
	cr_assert(strstr(out, "Vendor SN               : SN12345"), "%s", out);
	cr_assert(strstr(out, "Lane 4: Tx bias 6.060 mA, Tx 0.1300 mW / -8.86 dBm, Rx 0.4400 mW / -3.57 dBm [rx-los] "
			      "[rx-power: low-alarm]"), "%s", out);
	cr_assert(strstr(out, "Module temperature      : 42.50 degrees C / 108.50 degrees F high-warning"), "%s", out);
	cr_assert(strstr(out, "Temperature thresholds  : high alarm 75.0000"), "%s", out);
	snprintf(a, sizeof(a), "module '%s/aoc.dump' --page 11", dir);
	cr_assert_eq(run(a), 0);
	cr_assert(strstr(out, "Page 11h:\n\t  80: "), "%s", out);
}

Test(module_cli, json)
{
	char a[800];
	snprintf(a, sizeof(a), "module '%s/dr1.dump' --json", dir);
	cr_assert_eq(run(a), 0);
	json_error_t je;
	json_t *j = json_loads(out, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "spec")), "SFF-8636");
	cr_assert_str_eq(json_string_value(json_object_get(j, "extended_compliance_name")), "100GBASE-DR");
	json_decref(j);
}

Test(module_cli, errors)
{
	char a[800];
	snprintf(a, sizeof(a), "module '%s/bad.dump'", dir);
	cr_assert_eq(run(a), 65); /* a truncated dump is a malformed file, not a broken protocol */
	cr_assert_eq(run("module /"), 66, "a directory names no dump");
	snprintf(a, sizeof(a), "module '%s/none.dump'", dir);
	cr_assert_eq(run(a), 66);
	snprintf(a, sizeof(a), "module '%s/aoc.dump' --page zz", dir);
	cr_assert_eq(run(a), 64);
	snprintf(a, sizeof(a), "module '%s/aoc.dump' --mux 0x70", dir);
	cr_assert_eq(run(a), 64);
	snprintf(a, sizeof(a), "module '%s/aoc.dump' --tx-disable 3", dir);
	cr_assert_eq(run(a), 64);
	cr_assert_eq(run("module"), 64);
	cr_assert_eq(run("module a b"), 64);
	cr_assert_eq(run("module I2C::nonsense::x"), 64);
	cr_assert_eq(run("module --station x.json"), 64);
	cr_assert_eq(run("module --end B1"), 64);
	snprintf(a, sizeof(a), "module '%s/aoc.dump' --station x.json --end A", dir);
	cr_assert_eq(run(a), 64);
	cr_assert_eq(run("module --station /no/such/station.json --end A"), 66);
	cr_assert_eq(run("module --help"), 0);
	cr_assert(strstr(out, "usage: lanecert module"));
}

Test(module_cli, compat)
{
	char a[1600];
	snprintf(a, sizeof(a), "compat '%s/dr4.dump' '%s/dr1.dump' --cable dr4-mpo12apc-4xlc", dir, dir);
	cr_assert_eq(run(a), 0);
	cr_assert(strstr(out, "400GBASE-DR4 breaks out to 4 x 100GBASE-DR"), "%s", out);
	cr_assert(strstr(out, "\ncompatible\n"), "%s", out);
	snprintf(a, sizeof(a), "compat '%s/dr4.dump' '%s/sr4.dump' --json", dir, dir);
	cr_assert_eq(run(a), 1);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j);
	cr_assert(json_is_false(json_object_get(j, "compatible")));
	json_decref(j);
	snprintf(a, sizeof(a), "compat '%s/dr4.dump' '%s/dr1.dump' --cable no-such-cable", dir, dir);
	cr_assert_eq(run(a), 66);
	snprintf(a, sizeof(a), "compat '%s/dr4.dump'", dir);
	cr_assert_eq(run(a), 64);
	snprintf(a, sizeof(a), "compat '%s/dr4.dump' '%s/bad.dump'", dir, dir);
	cr_assert_eq(run(a), 65, "a truncated dump is a malformed file, as for lanecert module");
	snprintf(a, sizeof(a), "compat / '%s/dr1.dump'", dir);
	cr_assert_eq(run(a), 66, "a directory names no dump");
	snprintf(a, sizeof(a), "compat '%s/dr4.dump' '%s/none.dump'", dir, dir);
	cr_assert_eq(run(a), 66);
	snprintf(a, sizeof(a), "compat '%s/dr4.dump' '%s/dr1.dump' --mux-b x", dir, dir);
	cr_assert_eq(run(a), 64);
}
