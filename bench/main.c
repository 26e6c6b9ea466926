/*
 * lanecert-bench NAME [ARGS] | --list: run one benchmark from bench/benches.def.
 *
 * The benchmarks are their own program, not a subcommand of `lanecert`: they measure the library's internals
 * (the HAL against a bare socket, the simulator's engine, the sequential BER step) and serve the simulator,
 * which the public API <lanecert/...> does not offer. Built beside lanecert, run by `make bench`, not installed.
 */
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "cli/cli.h"

struct lc_bench_entry {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct lc_bench_entry benches[] = {
#define LC_BENCH(name, fn, summary) {name, fn, summary},
#include "bench/benches.def"
#undef LC_BENCH
	{NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: lanecert-bench NAME [--json]\n       lanecert-bench --list\n\n"
		     "Runs a benchmark; each prints its figures and ratios against a baseline measured in the same run.\n\n");
	for (const struct lc_bench_entry *b = benches; b->name; b++)
		fprintf(out, "  %-10s %s\n", b->name, b->summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	if (lc_cli_is_help(argv[1])) {
		usage(stdout);
		return LC_EXIT_OK;
	}
	if (strcmp(argv[1], "--list") == 0) {
		for (const struct lc_bench_entry *b = benches; b->name; b++)
			printf("%s\n", b->name);
		return LC_EXIT_OK;
	}
	for (const struct lc_bench_entry *b = benches; b->name; b++)
		if (strcmp(argv[1], b->name) == 0)
			return b->fn(argc - 1, argv + 1);
	lc_cli_error("bench", "unknown benchmark '%s' (lanecert-bench --list)", argv[1]);
	return LC_EXIT_USAGE;
}
