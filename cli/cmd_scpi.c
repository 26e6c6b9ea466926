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

/* What to do with the instrument, in the order given. */
struct action {
	enum { WRITE, QUERY, BLOCK } kind;
	const char *text; /* the command, the query, or the block's file */
};

/* Options of the session go before RESOURCE, the queries and blocks after it. */
static int misplaced(int c, bool before)
{
	const char *name = c == 'T' ? "--timeout" : c == 'M' ? "--vxi11-max-send" : c == 'c' ? "--check"
			   : c == 'v' ? "-v" : c == 'q' ? "-q" : "--block";
	lc_cli_error(CMD, "option '%s' goes %s RESOURCE (lanecert scpi --help)", name, before ? "before" : "after");
	return LC_EXIT_USAGE;
}

int lc_cmd_scpi(int argc, char **argv)
{
	int timeout = 2000, verbose = 0;
	size_t max_send = 0;
	bool check = false;
	const char *resource = NULL;
	static const struct option opts[] = {{"timeout", required_argument, NULL, 'T'},
					     {"vxi11-max-send", required_argument, NULL, 'M'},
					     {"check", no_argument, NULL, 'c'},
					     {"query", required_argument, NULL, 'q'},
					     {"block", required_argument, NULL, 'b'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	/* The whole list is checked before the instrument is touched. */
	struct action *acts = calloc((size_t)argc, sizeof(*acts));
	if (!acts)
		return lc_cli_fail(CMD, LC_ERR_NOMEM, NULL, NULL);
	size_t n = 0;
	int c, bad = 0;
	optind = 1;
	/* A leading '-': getopt hands the positional arguments back in order (code 1), so the commands, -q and
	 * --block keep the order they were given in. After "--" the rest are commands. */
	while (!bad && (c = lc_cli_getopt(CMD, argc, argv, "-vq:h", opts)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			free(acts);
			return LC_EXIT_OK;
		case 1:
			if (!resource)
				resource = optarg;
			else
				acts[n++] = (struct action){WRITE, optarg};
			break;
		case 'q':
		case 'b':
			if (!resource)
				bad = misplaced(c, false);
			else
				acts[n++] = (struct action){c == 'q' ? QUERY : BLOCK, optarg};
			break;
		case 'T':
		case 'M':
		case 'c':
		case 'v':
			if (resource) {
				bad = misplaced(c, true);
			} else if (c == 'c') {
				check = true;
			} else if (c == 'v') {
				verbose++;
			} else if (c == 'T' && parse_ms(optarg, &timeout) != 0) {
				lc_cli_error(CMD, "--timeout: '%s' is not a number of milliseconds (1..3600000)", optarg);
				bad = LC_EXIT_USAGE;
			} else if (c == 'M') {
				char *end;
				errno = 0;
				unsigned long v = strtoul(optarg, &end, 10);
				if (errno || end == optarg || *end || v < 16 || v > 0x7fffffffUL) {
					lc_cli_error(CMD, "--vxi11-max-send: '%s' is not a byte count (16..2147483647)", optarg);
					bad = LC_EXIT_USAGE;
				}
				max_send = (size_t)v;
			}
			break;
		default: bad = LC_EXIT_USAGE; break;
		}
	}
	for (int k = optind; !bad && k < argc; k++) { /* after "--" */
		if (!resource)
			resource = argv[k];
		else
			acts[n++] = (struct action){WRITE, argv[k]};
	}
	for (size_t k = 0; !bad && k < n; k++)
		if (acts[k].kind == BLOCK && (k + 1 == n || acts[k + 1].kind != QUERY)) {
			lc_cli_error(CMD, "--block FILE must be followed by -q QUERY");
			bad = LC_EXIT_USAGE;
		}
	if (!bad && !resource) {
		usage(stderr);
		bad = LC_EXIT_USAGE;
	}
	if (bad) {
		free(acts);
		return bad;
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
	if (e < 0) {
		free(acts);
		return lc_cli_fail(CMD, e, &d, e == LC_ERR_ARG ? resource : NULL); /* else the detail names it */
	}

	int rc = LC_EXIT_OK;
	const char *block_file = NULL;
	for (size_t k = 0; k < n && rc == LC_EXIT_OK; k++) {
		if (acts[k].kind == BLOCK) {
			block_file = acts[k].text;
		} else if (acts[k].kind == QUERY) {
			rc = run_query(s, acts[k].text, block_file);
			block_file = NULL;
		} else {
			e = lc_scpi_write(s, acts[k].text);
			if (e < 0)
				rc = fail_session(s, e, acts[k].text);
		}
	}
	if (rc == LC_EXIT_OK && check) {
		e = lc_scpi_check_errors(s);
		if (e < 0)
			rc = fail_session(s, e, "error queue");
	}
	lc_scpi_close(s);
	free(acts);
	fflush(stdout);
	return rc;
}
