/* The lanecert keygen / sign / verify / results commands, run as a user would. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/bench_reports_sample.h"
#include "reports/report.h"
#include "tests/reports/helpers.h"

#include <unistd.h>

static const char *cli(void)
{
	const char *c = getenv("LC_CLI");
	cr_assert(c && access(c, X_OK) == 0, "LC_CLI (the lanecert executable) is not built");
	return c;
}

static int minisign_ok(const char *file, const char *pub)
{
	char cmd[16384];
	snprintf(cmd, sizeof(cmd), "minisign -Vm '%s' -p '%s' >/dev/null", file, pub);
	return th_run(cmd);
}

static int run(const char *fmt, const char *a, const char *b, const char *c2)
{
	char cmd[16384];
	snprintf(cmd, sizeof(cmd), fmt, cli(), a, b, c2);
	return th_run(cmd);
}

Test(cli_reports, keygen_sign_verify_results, .timeout = 100)
{
	char *dir = th_scratch_dir("cli");
	char *keyp = th_path(dir, "st.key"), *pubp = th_path(dir, "st.pub"), *out = th_path(dir, "rep");
	char *db = th_path(dir, "r.db"), *listing = th_path(dir, "list.txt");
	cr_assert_eq(run("%s keygen --out '%s' --name st --unencrypted >/dev/null", dir, 0, 0), 0);
	struct stat st;
	cr_assert_eq(stat(keyp, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	char *errp = th_path(dir, "keygen.err");
	cr_expect_eq(run("%s keygen --out '%s' --name st --unencrypted 2>'%s'", dir, errp, 0), 73, "no overwrite: EX_CANTCREAT");
	char *err = th_slurp(errp, NULL);
	cr_expect(err && strstr(err, "st.key exists"), "%s", err ? err : "(no stderr)");
	free(err), free(errp);
	/* --out names a directory that does not exist yet: keygen creates it (mode 0700) */
	char *newdir = th_path(dir, "new/keys");
	cr_expect_eq(run("%s keygen --out '%s' --name st --unencrypted >/dev/null", newdir, 0, 0), 0);
	char *newkey = th_path(newdir, "st.key");
	cr_expect_eq(stat(newkey, &st), 0, "%s", newkey);
	cr_expect_eq(stat(newdir, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700);
	free(newdir), free(newkey);
	cr_expect_eq(run("%s keygen --out '%s' --name ../x --unencrypted 2>/dev/null", dir, 0, 0), 64);

	/* A report written by the library, checked by the command. */
	lc_sign_key *k;
	lc_diag d;
	cr_assert_eq(lc_sign_key_load(keyp, NULL, &k, &d), 0, "%s", d.text);
	lc_result *r = lc_bench_sample_result(11, 0);
	cr_assert_eq(lc_result_set_job(r, &(lc_result_job){"PO-77", "ACME, Networks", NULL}, NULL), 0);
	lc_store *s;
	cr_assert_eq(lc_store_open(db, &s, NULL), 0);
	lc_report_options o = {.store = s, .gnuplot = ""};
	lc_report_paths p;
	cr_assert_eq(lc_report_write(r, out, k, &p, &o, &d), 0, "%s", d.text);
	lc_store_close(s);
	lc_result_free(r);
	lc_sign_key_free(k);
	cr_expect_eq(run("%s verify '%s' --pubkey '%s' >/dev/null", p.json, pubp, 0), 0);
	cr_expect_eq(run("%s verify '%s' 2>/dev/null", p.json, 0, 0), 64, "no public key given");
	size_t n;
	char *json = th_slurp(p.json, &n);
	json[n / 3] ^= 0x20;
	th_spit(p.json, json, n);
	cr_expect_eq(run("%s verify '%s' --pubkey '%s' 2>'%s'", p.json, pubp, listing), 1);
	char *why = th_slurp(listing, NULL);
	cr_expect(strstr(why, "INVALID") && strstr(why, "signature verification failed"), "%s", why);
	free(why);
	json[n / 3] ^= 0x20;
	th_spit(p.json, json, n);
	free(json);

	cr_expect_eq(run("%s results --db '%s' --serial BO8-000011 --csv > '%s'", db, listing, 0), 0);
	char *csv = th_slurp(listing, NULL);
	cr_expect(strncmp(csv, "id,start,end,serial,", 20) == 0, "%s", csv);
	cr_expect(strstr(csv, ",BO8-000011,") && strstr(csv, ",pass,"), "%s", csv);
	cr_expect(strstr(csv, ",report_sha256,job,customer,site\n"), "%s", csv);
	cr_expect(strstr(csv, ",PO-77,\"ACME, Networks\",\n"), "%s", csv);
	free(csv);
	/* --job: that job's runs only */
	cr_expect_eq(run("%s results --db '%s' --job PO-77 --json > '%s'", db, listing, 0), 0);
	char *jl = th_slurp(listing, NULL);
	cr_expect(strstr(jl, "\"serial\": \"BO8-000011\"") && strstr(jl, "\"customer\": \"ACME, Networks\"") &&
			  strstr(jl, "\"site\": null"),
		  "%s", jl);
	free(jl);
	cr_expect_eq(run("%s results --db '%s' --job PO-78 --json > '%s'", db, listing, 0), 0);
	jl = th_slurp(listing, NULL);
	cr_expect_str_eq(jl, "[]\n");
	free(jl);
	cr_expect_eq(run("%s results --db '%s' --verdict fail --json > '%s'", db, listing, 0), 0);
	char *js = th_slurp(listing, NULL);
	cr_expect_str_eq(js, "[]\n");
	free(js);
	/* --last N and --until DATE */
	cr_expect_eq(run("%s results --db '%s' --last 1 --json > '%s'", db, listing, 0), 0);
	js = th_slurp(listing, NULL);
	cr_expect(strstr(js, "\"serial\": \"BO8-000011\""), "%s", js);
	free(js);
	cr_expect_eq(run("%s results --db '%s' --until 2001-01-01 --json > '%s'", db, listing, 0), 0);
	js = th_slurp(listing, NULL);
	cr_expect_str_eq(js, "[]\n", "no run started before 2001");
	free(js);
	cr_expect_eq(run("%s results --db '%s' --last 0 2>/dev/null", db, 0, 0), 64);
	cr_expect_eq(run("%s results --db '%s' --last 5 --yield 2>/dev/null", db, 0, 0), 64);
	cr_expect_eq(run("%s results --db '%s' --until yesterday 2>/dev/null", db, 0, 0), 64);
	cr_expect_eq(run("%s results --db '%s' --since 2020-13-01 2>/dev/null", db, 0, 0), 64);
	cr_expect_eq(run("%s results --db '%s' --verdict great 2>/dev/null", db, 0, 0), 64);

	/* verify and results on the station's store run in lanecert itself (docs/HACKING.md, "The programs"); only
	 * results --db postgresql:// is handed to lanecert-full, with the same command line. lanecert alone in a
	 * folder, and in LANECERT_LIBEXEC a stand-in lanecert-full that records that it ran and with what. */
	char *lean = th_path(dir, "lean"), *libexec = th_path(dir, "libexec");
	cr_assert_eq(mkdir(lean, 0755), 0);
	cr_assert_eq(mkdir(libexec, 0755), 0);
	char *ran = th_path(dir, "full-ran.txt"), *full = th_path(libexec, "lanecert-full");
	char script[8192];
	int sn = snprintf(script, sizeof(script), "#!/bin/sh\necho \"$*\" > '%s'\nexit 42\n", ran);
	th_spit(full, script, (size_t)sn);
	cr_assert_eq(chmod(full, 0755), 0);
	char cmd[16384];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/lanecert'", cli(), lean);
	cr_assert_eq(th_run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "LANECERT_LIBEXEC='%s' '%s/lanecert' verify '%s' --pubkey '%s' >/dev/null", libexec,
		 lean, p.json, pubp);
	cr_expect_eq(th_run(cmd), 0, "verify in lanecert");
	snprintf(cmd, sizeof(cmd), "LANECERT_LIBEXEC='%s' '%s/lanecert' results --db '%s' --serial BO8-000011 --csv > '%s'",
		 libexec, lean, db, listing);
	cr_expect_eq(th_run(cmd), 0, "results in lanecert");
	csv = th_slurp(listing, NULL);
	cr_expect(csv && strstr(csv, ",BO8-000011,"), "%s", csv ? csv : "(nothing)");
	free(csv);
	cr_expect_neq(access(ran, F_OK), 0, "lanecert-full ran for verify or results on the local store");
	snprintf(cmd, sizeof(cmd), "LANECERT_LIBEXEC='%s' '%s/lanecert' results --db postgresql://fleet.invalid/lc --json",
		 libexec, lean);
	cr_expect_eq(th_run(cmd), 42, "results on the fleet store: handed to lanecert-full");
	char *args = th_slurp(ran, NULL);
	cr_expect(args && strcmp(args, "results --db postgresql://fleet.invalid/lc --json\n") == 0, "%s",
		  args ? args : "(lanecert-full did not run)");
	free(args);
	snprintf(cmd, sizeof(cmd), "LANECERT_LIBEXEC='%s' '%s/lanecert' results --db postgresql://fleet.invalid/lc --last 0 "
		 "2>/dev/null", libexec, lean);
	cr_expect_eq(th_run(cmd), 64, "a bad option is refused before the hand-over");
	free(lean), free(libexec), free(ran), free(full);

	/* lanecert sign on a plain file; minisign agrees. */
	char *plain = th_path(dir, "data.txt");
	th_spit(plain, "raw\n", 4);
	cr_expect_eq(run("%s sign '%s' --key '%s' >/dev/null", plain, keyp, 0), 0);
	th_require("minisign", "minisign");
	cr_expect_eq(minisign_ok(plain, pubp), 0);
	cr_expect_eq(run("%s sign '%s' --key '%s' 2>/dev/null", plain, keyp, 0), 75, "no overwrite of a signature");
	chmod(keyp, 0644);
	cr_expect_eq(run("%s sign '%s' --key '%s' 2>/dev/null", p.json, keyp, 0), 77, "a key readable by others");
	free(dir), free(keyp), free(pubp), free(out), free(db), free(listing), free(plain);
}

/* The one encrypted round trip through the commands (interactive scrypt limits keep it quick). */
Test(cli_reports, encrypted_key_with_password_file, .timeout = 100)
{
	char *dir = th_scratch_dir("cli-enc");
	char *pw = th_path(dir, "pw"), *keyp = th_path(dir, "e.key"), *plain = th_path(dir, "f.txt");
	char *pubp = th_path(dir, "e.pub");
	th_spit(pw, "s3cret\n", 7);
	th_spit(plain, "x", 1);
	/* a password file others can read is refused like such a key (77), before any key is made */
	chmod(pw, 0644);
	cr_expect_eq(run("%s keygen --out '%s' --name e --password-file '%s' --kdf interactive 2>/dev/null >/dev/null", dir,
			 pw, 0), 77);
	cr_expect_neq(access(keyp, F_OK), 0, "no key written");
	chmod(pw, 0600);
	cr_assert_eq(run("%s keygen --out '%s' --name e --password-file '%s' --kdf interactive >/dev/null", dir, pw, 0), 0);
	cr_expect_eq(run("env -u LANECERT_KEY_PASSWORD %s sign '%s' --key '%s' </dev/null 2>/dev/null >/dev/null", plain,
			 keyp, 0) != 0, 1, "no password available without a terminal");
	char cmd[16384];
	snprintf(cmd, sizeof(cmd), "LANECERT_KEY_PASSWORD=s3cret %s sign '%s' --key '%s' >/dev/null", cli(), plain, keyp);
	cr_expect_eq(th_run(cmd), 0);
	th_require("minisign", "minisign");
	cr_expect_eq(minisign_ok(plain, pubp), 0);
	free(dir), free(pw), free(keyp), free(plain), free(pubp);
}
