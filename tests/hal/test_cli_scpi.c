/* lanecert scpi end to end (the built executable, $LC_CLI) against the scripted loopback peer: replies on
 * stdout, blocks saved to a file, and the exit code of each failure class. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "loopback_server.h"

extern char **environ;

/* Run the CLI with args (a shell-quoted string); stdout into out. Returns the exit code. */
static int run_cli(const char *args, char *out, size_t cap)
{
	const char *cli = getenv("LC_CLI");
	cr_assert(cli && *cli, "LC_CLI is not set: run the test through ctest");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>/dev/null", cli, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(cli_scpi, writes_queries_and_saves_a_block)
{
	lb_step st[] = {LB_EXPECT_LINE("*RST"), LB_EXPECT_LINE("*IDN?"), LB_REPLY("ACME,X,1,2\n"),
			LB_EXPECT_LINE("TRAC?"), LB_REPLY("#15a\nb#c\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	char file[256], args[512], out[256];
	snprintf(file, sizeof(file), "%s/cli_scpi_block.bin", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp");
	snprintf(args, sizeof(args), "scpi --timeout 500 '%s' '*RST' -q '*IDN?' --block '%s' -q 'TRAC?'", lb_resource(srv),
		 file);
	cr_expect_eq(run_cli(args, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "ACME,X,1,2\n");
	FILE *f = fopen(file, "rb");
	cr_assert_not_null(f);
	char data[16];
	size_t n = fread(data, 1, sizeof(data), f);
	fclose(f);
	remove(file);
	cr_expect_eq(n, 5);
	cr_expect_eq(memcmp(data, "a\nb#c", 5), 0);
	cr_expect_eq(lb_stop(srv), 0);
}

Test(cli_scpi, exit_codes)
{
	char out[256], args[512];
	cr_expect_eq(run_cli("scpi 'TCPIP::h::5025' -q x", out, sizeof(out)), 64);   /* bad resource */
	cr_expect_eq(run_cli("scpi --timeout abc 'TCPIP::h::1::SOCKET'", out, sizeof(out)), 64);
	cr_expect_eq(run_cli("scpi", out, sizeof(out)), 64);
	cr_expect_eq(run_cli("scpi --help", out, sizeof(out)), 0);

	lb_step late[] = {LB_EXPECT_LINE("A?"), LB_HOLD_UNTIL_RELEASED, LB_DONE}; /* no answer while it runs */
	lb_server *srv = lb_start(late);
	snprintf(args, sizeof(args), "scpi --timeout 50 '%s' -q 'A?'", lb_resource(srv));
	cr_expect_eq(run_cli(args, out, sizeof(out)), 75); /* timeout */
	lb_release(srv);
	lb_stop(srv);

	lb_step trunc[] = {LB_EXPECT_LINE("T?"), LB_REPLY("#19abc"), {LB_CLOSE, NULL, 0, 0}, LB_DONE};
	srv = lb_start(trunc);
	snprintf(args, sizeof(args), "scpi '%s' --block /dev/null -q 'T?'", lb_resource(srv));
	cr_expect_eq(run_cli(args, out, sizeof(out)), 76); /* truncated */
	lb_stop(srv);

	lb_step errq[] = {LB_EXPECT_LINE("BOGUS"), LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"), LB_EXPECT_LINE("SYST:ERR?"),
			  LB_REPLY("-113,\"Undefined header\"\n"), LB_EXPECT_LINE("*STB?"), LB_REPLY("0\n"), LB_DONE};
	srv = lb_start(errq);
	snprintf(args, sizeof(args), "scpi --check '%s' BOGUS", lb_resource(srv));
	cr_expect_eq(run_cli(args, out, sizeof(out)), 78); /* instrument error */
	cr_expect_eq(lb_stop(srv), 0);

	lb_step none[] = {LB_DONE};
	srv = lb_start(none);
	snprintf(args, sizeof(args), "scpi '%s' -q x", lb_resource(srv));
	lb_stop(srv);
	cr_expect_eq(run_cli(args, out, sizeof(out)), 69); /* refused */
}

Test(cli_discover, says_what_it_scans_and_rejects_bad_options)
{
	char out[2048];
	/* no method at all: nothing touches the network, the report still names the buses not scanned */
	cr_expect_eq(run_cli("discover --no-vxi11 --no-mdns --json", out, sizeof(out)), 0);
	cr_expect(strstr(out, "\"not_scanned\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"usb\"") != NULL && strstr(out, "\"serial\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"instruments\": []") != NULL, "%s", out);
	cr_expect_eq(run_cli("discover --timeout 0", out, sizeof(out)), 64);
	cr_expect_eq(run_cli("discover --bogus", out, sizeof(out)), 64);
	cr_expect_eq(run_cli("discover --help", out, sizeof(out)), 0);
}

/* A peer that floods one endless line (issue 13: lanecert scpi once grew to 276 MB before its timeout): the
 * command ends with exit 76 and the message names the limit, and the process never held more than the line
 * limit (1 MiB) and its own size: its peak RSS stays far below what the flood sent past the limit. */
Test(cli_scpi, endless_line_ends_with_overflow_and_bounded_memory)
{
	lb_step st[] = {LB_EXPECT_LINE("DUMP?"), {LB_FLOOD, NULL, 0, -1}, LB_DONE};
	lb_server *srv = lb_start(st);
	const char *cli = getenv("LC_CLI");
	cr_assert(cli && *cli, "LC_CLI is not set: run the test through ctest");
	char err_path[512];
	snprintf(err_path, sizeof(err_path), "%s/cli_scpi_flood.err", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *const argv[] = {(char *)cli, "scpi", "--timeout", "3000", (char *)lb_resource(srv), "-q", "DUMP?", NULL};
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, cli, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	int status;
	struct rusage ru;
	cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
	lb_stop(srv);
	char err[2048] = "";
	FILE *f = fopen(err_path, "r");
	cr_assert_not_null(f);
	size_t n = fread(err, 1, sizeof(err) - 1, f);
	err[n] = '\0';
	fclose(f);
	remove(err_path);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 76, "status %d: %s", status, err);
	cr_expect(strstr(err, "exceeds the limit of 1048576 bytes"), "%s", err);
	unsigned long long got = 0;
	const char *p = strstr(err, "bytes (");
	cr_assert(p && sscanf(p, "bytes (%llu received", &got) == 1, "%s", err);
	cr_expect_gt(got, 1024u * 1024, "the flood went past the limit");
	/* ru_maxrss is in KiB: the whole process (and its sanitizer runtime) stays below 128 MiB, half the old
	 * 256 MiB reply limit, whatever the flood sent (here %llu bytes) */
	cr_expect_lt(ru.ru_maxrss, 128 * 1024, "peak RSS %ld KiB after a flood of %llu bytes", ru.ru_maxrss, got);
}
