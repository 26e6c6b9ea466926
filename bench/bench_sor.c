/*
 * lanecert-bench sor [--json] [--dir DIR] [--rounds N]: a directory of SOR files read from disk and analysed
 * in one process, as `lanecert sor events --reanalyze FILE...` does, against a baseline measured in the same
 * run over the same files: reading each file's bytes and summing them (what any reader must at least do).
 * Each round times both, in alternating order; min/median/max over the rounds, MB/s and files/s, and the
 * ratio of the medians. Also from memory: read alone, read + analysis, and the analysis of the longest trace
 * against one pass over its points. The files come from DIR, or from tests/data/sor of the source tree this
 * binary was built from. (pyOTDR, the Python reference, is not packaged in Debian: no comparison.)
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/atomic_file.h"
#include "base/clock.h"
#include "instruments/otdr/otdr_analysis.h"
#include "formats/sor.h"

#ifndef LC_BENCH_SOR_DIR
#define LC_BENCH_SOR_DIR "tests/data/sor"
#endif

#define MAX_FILES 256

typedef struct sample {
	char name[256];
	char path[4096];
	uint8_t *data;
	size_t len;
} sample;

static int load_dir(const char *dir, sample *s, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		return LC_ERR_NOT_FOUND;
	struct dirent *e;
	*n = 0;
	while ((e = readdir(d)) && *n < MAX_FILES) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".sor") != 0)
			continue;
		char path[4096];
		int w = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (w < 0 || (size_t)w >= sizeof(path))
			continue;
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		s[*n].data = sz > 0 ? malloc((size_t)sz) : NULL;
		if (s[*n].data && fread(s[*n].data, 1, (size_t)sz, f) == (size_t)sz) {
			s[*n].len = (size_t)sz;
			snprintf(s[*n].name, sizeof(s[*n].name), "%s", e->d_name);
			snprintf(s[*n].path, sizeof(s[*n].path), "%s", path);
			(*n)++;
		} else {
			free(s[*n].data);
		}
		fclose(f);
	}
	closedir(d);
	return 0;
}

/* Repeat fn until at least 0.3 s have passed (and 3 times); microseconds per call. */
#define TIME_IT(out_us, body)                                                                 \
	do {                                                                                  \
		int64_t t0_ = lc_now_us(), n_ = 0;                                            \
		while (n_ < 3 || lc_now_us() - t0_ < 300000) {                                \
			body;                                                                 \
			n_++;                                                                 \
		}                                                                             \
		out_us = (double)(lc_now_us() - t0_) / (double)n_;                            \
	} while (0)

static volatile uint64_t sink;

#define MAX_ROUNDS 50

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One round from disk: every file read and analysed (*ok: how many made it), in microseconds. */
static double disk_round(const sample *s, size_t n, size_t *ok)
{
	int64_t t0 = lc_now_us();
	*ok = 0;
	for (size_t i = 0; i < n; i++) {
		lc_sor *x;
		lc_otdr_analysis *a;
		if (lc_sor_read_file(s[i].path, &x, NULL) < 0)
			continue;
		if (lc_otdr_analyze_sor(x, NULL, &a, NULL) == 0) {
			sink += a->n_events;
			lc_otdr_analysis_free(a);
			(*ok)++;
		}
		lc_sor_free(x);
	}
	return (double)(lc_now_us() - t0);
}

/* The baseline round: every file's bytes read with the same kind of reader and summed. */
static double byte_round(const sample *s, size_t n)
{
	int64_t t0 = lc_now_us();
	for (size_t i = 0; i < n; i++) {
		char *d;
		size_t len;
		if (lc_read_file(s[i].path, 64u << 20, &d, &len, NULL) < 0)
			continue;
		uint64_t h = 0;
		for (size_t k = 0; k < len; k++)
			h += (unsigned char)d[k];
		sink += h;
		free(d);
	}
	return (double)(lc_now_us() - t0);
}

typedef struct stats {
	double min, med, max;
} stats;

static stats stats_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return (stats){v[0], n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0, v[n - 1]};
}

int lc_bench_sor(int argc, char **argv)
{
	bool json = false;
	const char *dir = NULL;
	int rounds = 7;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			char *end;
			long r = strtol(argv[++i], &end, 10);
			if (*end || r < 1 || r > MAX_ROUNDS) {
				lc_cli_error("bench sor", "--rounds %s: a number from 1 to %d", argv[i], MAX_ROUNDS);
				return LC_EXIT_USAGE;
			}
			rounds = (int)r;
		} else {
			lc_cli_error("bench sor",
				     "unexpected argument '%s' (usage: lanecert-bench sor [--json] [--dir DIR] [--rounds N])",
				     argv[i]);
			return LC_EXIT_USAGE;
		}
	}
	if (!dir)
		dir = LC_BENCH_SOR_DIR;
	static sample s[MAX_FILES];
	size_t n = 0;
	if (load_dir(dir, s, &n) < 0 || n == 0) {
		lc_cli_error("bench sor", "no .sor files in %s (pass --dir)", dir);
		return LC_EXIT_NOINPUT;
	}
	/* check everything parses first, and find the longest trace */
	size_t bytes = 0, points = 0, longest = 0, longest_n = 0;
	for (size_t i = 0; i < n; i++) {
		lc_sor *x;
		lc_diag d;
		if (lc_sor_read(s[i].data, s[i].len, &x, &d) < 0) {
			lc_cli_error("bench sor", "%s: %s", s[i].name, d.text);
			return LC_EXIT_DATAERR;
		}
		bytes += s[i].len;
		points += lc_sor_trace_length(x);
		if (lc_sor_trace_length(x) > longest_n) {
			longest_n = lc_sor_trace_length(x);
			longest = i;
		}
		lc_sor_free(x);
	}

	/* from disk, in rounds; a warm-up round first (the page cache, as for any batch run) */
	double disk_us[MAX_ROUNDS], byte_us[MAX_ROUNDS];
	size_t ok = 0;
	disk_round(s, n, &ok);
	byte_round(s, n);
	for (int r = 0; r < rounds; r++) {
		if (r % 2) {
			byte_us[r] = byte_round(s, n);
			disk_us[r] = disk_round(s, n, &ok);
		} else {
			disk_us[r] = disk_round(s, n, &ok);
			byte_us[r] = byte_round(s, n);
		}
	}
	stats sd = stats_of(disk_us, rounds), sb = stats_of(byte_us, rounds);

	double t_full, t_read, t_bytes, t_ana, t_pass;
	TIME_IT(t_full, {
		for (size_t i = 0; i < n; i++) {
			lc_sor *x;
			lc_otdr_analysis *a;
			if (lc_sor_read(s[i].data, s[i].len, &x, NULL) == 0) {
				if (lc_otdr_analyze_sor(x, NULL, &a, NULL) == 0) {
					sink += a->n_events;
					lc_otdr_analysis_free(a);
				}
				lc_sor_free(x);
			}
		}
	});
	TIME_IT(t_read, {
		for (size_t i = 0; i < n; i++) {
			lc_sor *x;
			if (lc_sor_read(s[i].data, s[i].len, &x, NULL) == 0) {
				sink += x->n_events;
				lc_sor_free(x);
			}
		}
	});
	/* baseline 1: a single pass over the same bytes */
	TIME_IT(t_bytes, {
		uint64_t h = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < s[i].len; k++)
				h = h * 31 + s[i].data[k];
		sink += h;
	});
	/* analysis alone on the longest trace, against one pass over its points */
	lc_sor *L;
	lc_sor_read(s[longest].data, s[longest].len, &L, NULL);
	double *y;
	int ny = lc_sor_trace_db(L, &y);
	lc_otdr_trace tr = {y, (size_t)(ny > 0 ? ny : 0), lc_sor_point_spacing_m(L), lc_sor_trace_origin_m(L),
			    L->fxd.pulse_width_ns[0], lc_sor_group_index(L)};
	lc_otdr_config cfg;
	lc_otdr_config_init(&cfg);
	lc_otdr_config_from_sor(&cfg, L);
	size_t found = 0;
	TIME_IT(t_ana, {
		lc_otdr_analysis *a;
		if (lc_otdr_analyze(&tr, &cfg, &a, NULL) == 0) {
			found = a->n_events;
			lc_otdr_analysis_free(a);
		}
	});
	TIME_IT(t_pass, {
		double acc = 0;
		for (size_t k = 0; k < tr.n; k++)
			acc += y[k];
		sink += (uint64_t)(acc < 0 ? -acc : acc);
	});
	free(y);
	lc_sor_free(L);

	double mbs = (double)bytes / t_full, pts = (double)points / (t_full / 1e6);
	if (json) {
		printf("{\"files\":%zu,\"bytes\":%zu,\"points\":%zu,\"rounds\":%d,\"analysed\":%zu,"
		       "\"disk_read_analyze_us\":{\"min\":%.1f,\"median\":%.1f,\"max\":%.1f},"
		       "\"disk_byte_pass_us\":{\"min\":%.1f,\"median\":%.1f,\"max\":%.1f},"
		       "\"mb_per_s\":%.2f,\"files_per_s\":%.1f,\"byte_pass_mb_per_s\":%.2f,\"byte_pass_files_per_s\":%.1f,"
		       "\"ratio_to_byte_pass\":%.2f,",
		       n, bytes, points, rounds, ok, sd.min, sd.med, sd.max, sb.min, sb.med, sb.max, (double)bytes / sd.med,
		       (double)n / (sd.med / 1e6), (double)bytes / sb.med, (double)n / (sb.med / 1e6), sd.med / sb.med);
		printf("\"memory\":{\"read_analyze_us\":%.1f,\"read_only_us\":%.1f,\"byte_pass_us\":%.1f,\"mb_per_s\":%.2f,"
		       "\"points_per_s\":%.0f,\"ratio_to_byte_pass\":%.2f},"
		       "\"longest\":{\"file\":\"%s\",\"points\":%zu,\"events\":%zu,\"analysis_us\":%.1f,\"point_pass_us\":%.2f,"
		       "\"ratio\":%.1f},\"pyotdr\":\"not compared: pyOTDR is not packaged in Debian\"}\n",
		       t_full, t_read, t_bytes, mbs, pts, t_full / t_bytes, s[longest].name, longest_n, found, t_ana, t_pass,
		       t_ana / t_pass);
	} else {
		printf("%zu files, %.2f MB, %zu trace points; %d rounds from disk (after a warm-up round)\n", n,
		       bytes / 1e6, points, rounds);
		printf("read + analysis from disk: min %8.1f  median %8.1f  max %8.1f ms  %8.2f MB/s  %8.1f files/s\n",
		       sd.min / 1e3, sd.med / 1e3, sd.max / 1e3, (double)bytes / sd.med, (double)n / (sd.med / 1e6));
		printf("baseline: bytes read + summed: min %8.2f  median %8.2f  max %8.2f ms  %8.2f MB/s  %8.1f files/s\n",
		       sb.min / 1e3, sb.med / 1e3, sb.max / 1e3, (double)bytes / sb.med, (double)n / (sb.med / 1e6));
		printf("read + analysis takes %.1fx the byte pass (medians); %zu of %zu files analysed\n", sd.med / sb.med,
		       ok, n);
		printf("from memory: read + analysis %.1f ms (%.2f MB/s, %.0f points/s), read only %.1f ms, byte pass %.2f ms "
		       "(%.1fx)\n",
		       t_full / 1e3, mbs, pts, t_read / 1e3, t_bytes / 1e3, t_full / t_bytes);
		printf("analysis of the longest trace (%s, %zu points, %zu events): %.2f ms, %.0fx one pass over its points "
		       "(%.3f ms)\n",
		       s[longest].name, longest_n, found, t_ana / 1e3, t_ana / t_pass, t_pass / 1e3);
		printf("pyOTDR: not compared (not packaged in Debian; not installed from elsewhere)\n");
	}
	for (size_t i = 0; i < n; i++)
		free(s[i].data);
	return LC_EXIT_OK;
}
