/* lanecert scpi RESOURCE COMMAND...: talk to one instrument. Options and commands are taken in order:
 * a plain COMMAND is written, -q COMMAND is a query whose reply is printed (or, after --block FILE, whose
 * IEEE 488.2 block is saved to FILE). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include <lanecert/hal.h>

#define CMD "scpi"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert scpi [--timeout MS] [--vxi11-max-send N] [-v] [--check] RESOURCE [COMMAND | -q QUERY | --block FILE -q QUERY]...\n"
		"\n"
		"Opens RESOURCE (VISA syntax: TCPIP::host::port::SOCKET, TCPIP::host::INSTR for VXI-11) and handles the\n"
		"commands in the order given:\n"
		"  COMMAND            write it (nothing is read, even if it contains '?')\n"
		"  -q, --query QUERY  write it and print the reply on stdout\n"
		"  --block FILE       the next query's reply is an IEEE 488.2 block: save its data to FILE\n"
		"Options:\n"
		"  --timeout MS       time each operation may take (default 2000)\n"
		"  --vxi11-max-send N cap on a message sent over VXI-11 (default: the link's maxRecvSize; liblxi\n"
		"                     cannot split a longer message, so it is refused)\n"
		"  --check            at the end, read the error queue (SYST:ERR? while *STB? bit 2 is set) and fail\n"
		"                     with exit code 78 if the instrument reported errors\n"
		"  -v                 more log output on stderr (repeat for more)\n"
		"Exit codes: 0 ok, 64 usage or bad resource, 69 unreachable, 75 timeout, 76 protocol/truncated reply,\n"
		"78 instrument error, 74 file error.\n"
		"Example: lanecert scpi TCPIP::10.0.0.5::5025::SOCKET '*RST' -q '*IDN?' --block trace.bin -q 'TRAC:DATA?'\n");
}

static int parse_ms(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 3600000)
		return -1;
	*out = (int)v;
	return 0;
}

static int save_block(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		lc_cli_error(CMD, "%s: %s", path, strerror(errno));
		return LC_EXIT_IOERR;
	}
	size_t w = len ? fwrite(data, 1, len, f) : 0;
	if (w != len || fclose(f) != 0) {
		lc_cli_error(CMD, "%s: write failed: %s", path, strerror(errno));
		return LC_EXIT_IOERR;
	}
	return LC_EXIT_OK;
}

static int fail_session(lc_scpi *s, int e, const char *what)
{
	lc_diag d;
	lc_diag_set(&d, e, "%s", lc_scpi_last_detail(s));
	return lc_cli_fail(CMD, e, &d, what);
}

/* One query: print its reply, or save its block to block_file. */
static int run_query(lc_scpi *s, const char *q, const char *block_file)
{
	if (block_file) {
		uint8_t *data = NULL;
		size_t len = 0;
		int e = lc_scpi_query_block(s, q, &data, &len);
		if (e < 0)
			return fail_session(s, e, q);
		int rc = save_block(block_file, data, len);
		free(data);
		if (rc == LC_EXIT_OK)
			fprintf(stderr, "lanecert scpi: %s: %zu bytes saved to %s\n", q, len, block_file);
		return rc;
	}
	char *reply = NULL;
	size_t len = 0;
	int e = lc_scpi_query_alloc(s, q, &reply, &len);
	if (e < 0)
		return fail_session(s, e, q);
	fwrite(reply, 1, len, stdout);
	fputc('\n', stdout);
	free(reply);
	return LC_EXIT_OK;
}

int lc_cmd_scpi(int argc, char **argv)
{
	int timeout = 2000, verbose = 0, i = 1;
	size_t max_send = 0;
	bool check = false;

	/* leading options */
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (lc_cli_is_help(argv[i])) {
			usage(stdout);
			return LC_EXIT_OK;
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			if (parse_ms(argv[++i], &timeout) != 0) {
				lc_cli_error(CMD, "--timeout: '%s' is not a number of milliseconds (1..3600000)", argv[i]);
				return LC_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--vxi11-max-send") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			unsigned long v = strtoul(argv[++i], &end, 10);
			if (errno || end == argv[i] || *end || v < 16 || v > 0x7fffffffUL) {
				lc_cli_error(CMD, "--vxi11-max-send: '%s' is not a byte count (16..2147483647)", argv[i]);
				return LC_EXIT_USAGE;
			}
			max_send = (size_t)v;
		} else if (strcmp(argv[i], "--check") == 0) {
			check = true;
		} else if (strncmp(argv[i], "-v", 2) == 0 && strspn(argv[i] + 1, "v") == strlen(argv[i] + 1)) {
			verbose += (int)strlen(argv[i] + 1);
		} else {
			lc_cli_error(CMD, "unknown option '%s' (lanecert scpi --help)", argv[i]);
			return LC_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	const char *resource = argv[i++];
	/* check the command list before touching the instrument */
	for (int k = i; k < argc; k++) {
		if ((strcmp(argv[k], "-q") == 0 || strcmp(argv[k], "--query") == 0) && k + 1 >= argc) {
			lc_cli_error(CMD, "%s needs a query", argv[k]);
			return LC_EXIT_USAGE;
		}
		if (strcmp(argv[k], "--block") == 0) {
			if (k + 2 >= argc || (strcmp(argv[k + 2], "-q") != 0 && strcmp(argv[k + 2], "--query") != 0)) {
				lc_cli_error(CMD, "--block FILE must be followed by -q QUERY");
				return LC_EXIT_USAGE;
			}
		}
		if (strcmp(argv[k], "-q") == 0 || strcmp(argv[k], "--query") == 0 || strcmp(argv[k], "--block") == 0) {
			k++;
		} else if (argv[k][0] == '-') {
			/* no SCPI command starts with '-': this is a misplaced option, not something to send */
			lc_cli_error(CMD, "'%s': options go before RESOURCE (lanecert scpi --help)", argv[k]);
			return LC_EXIT_USAGE;
		}
	}
	lc_cli_setup_logging(verbose);

	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_diag d;
	lc_scpi_options_init(&o);
	o.timeout_ms = timeout;
	if (max_send)
		o.transport.vxi11_max_send = max_send;
	int e = lc_scpi_open(resource, &o, &s, &d);
	if (e < 0)
		return lc_cli_fail(CMD, e, &d, e == LC_ERR_ARG ? resource : NULL); /* else the detail names it */

	int rc = LC_EXIT_OK;
	const char *block_file = NULL;
	for (; i < argc && rc == LC_EXIT_OK; i++) {
		if (strcmp(argv[i], "--block") == 0) {
			block_file = argv[++i];
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--query") == 0) {
			rc = run_query(s, argv[++i], block_file);
			block_file = NULL;
		} else {
			e = lc_scpi_write(s, argv[i]);
			if (e < 0)
				rc = fail_session(s, e, argv[i]);
		}
	}
	if (rc == LC_EXIT_OK && check) {
		e = lc_scpi_check_errors(s);
		if (e < 0)
			rc = fail_session(s, e, "error queue");
	}
	lc_scpi_close(s);
	fflush(stdout);
	return rc;
}
