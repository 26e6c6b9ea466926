/* lanecert sor: look into Telcordia SR-4731 OTDR files (info, events, plot, convert). The work is done by
 * instruments/otdr (reader, analysis); this file parses options and prints. Distances in metres, losses and
 * reflectances in dB. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_sor_priv.h"
#include <lanecert/sor.h>
#include <lanecert/otdr.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: lanecert sor info FILE... [--json]\n"
		     "       lanecert sor events FILE... [--json] [--reanalyze]\n"
		     "       lanecert sor compare FILE... [--json]\n"
		     "       lanecert sor plot FILE --out FILE.svg|FILE.png\n"
		     "       lanecert sor convert FILE --csv\n\n"
		     "Reads OTDR traces (.sor, SOR v1 or v2); info, events and compare take any number of files in one\n"
		     "process (--json: one JSON object per line and file, each with its \"file\"). A file that cannot be\n"
		     "read gets an error for that file, the others are still processed, and the exit status is non-zero\n"
		     "(65 when a file is malformed). events prints the events stored in the file, or with --reanalyze\n"
		     "those found by lanecert's own analysis of the trace. compare measures how that analysis agrees\n"
		     "with the stored events (matched within max(2 m, 2 point spacings), mean signed offset, end within\n"
		     "a pulse length, events after the end) per file, per vendor and overall. plot draws the trace with\n"
		     "gnuplot (needed at run time); convert --csv prints distance_m,level_db per trace point.\n");
}

/* Print bytes as text: non-printable bytes as \xNN so vendor strings never garble a terminal. */
void lc_sor_cli_put_text(FILE *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, o);
		else
			fprintf(o, "\\x%02x", *p);
}

/* A JSON string: valid UTF-8 passes, other bytes are taken as Latin-1 (what older OTDRs write). */
void lc_sor_cli_put_json_string(FILE *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', o);
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		bool utf8 = n > 1;
		for (size_t k = 1; k < n && utf8; k++)
			utf8 = (p[k] & 0xc0) == 0x80;
		if (n == 1) {
			if (*p == '"' || *p == '\\')
				fprintf(o, "\\%c", *p);
			else if (*p < 0x20)
				fprintf(o, "\\u%04x", *p);
			else
				fputc(*p, o);
			p++;
		} else if (utf8) {
			fwrite(p, 1, n, o);
			p += n;
		} else {
			fprintf(o, "\\u%04x", *p);
			p++;
		}
	}
	fputc('"', o);
}

void lc_sor_cli_put_json_number(FILE *o, double v)
{
	if (isfinite(v))
		fprintf(o, "%.4f", v);
	else
		fputs("null", o);
}

int lc_sor_cli_load(const char *path, lc_sor **s, bool json)
{
	lc_diag d;
	int rc = lc_sor_read_file(path, s, &d);
	if (rc >= 0)
		return 0;
	/* a file shorter than its map says is a malformed file here, not a broken protocol */
	if (rc == LC_ERR_TRUNCATED)
		rc = LC_ERR_FORMAT;
	if (json) {
		printf("{\"file\":");
		lc_sor_cli_put_json_string(stdout, path);
		printf(",\"error\":");
		lc_sor_cli_put_json_string(stdout, d.text[0] ? d.text : lc_strerror(rc));
		printf(",\"code\":\"%s\",\"exit\":%d}\n", lc_strerror_name(rc), lc_cli_exit_for(rc));
	}
	return lc_cli_fail("sor", rc, &d, strstr(d.text, path) ? NULL : path);
}

static int load(const char *path, lc_sor **s)
{
	return lc_sor_cli_load(path, s, false);
}

static double trace_range_m(const lc_sor *s)
{
	return (double)lc_sor_trace_length(s) * lc_sor_point_spacing_m(s);
}

static void info_json(const char *path, const lc_sor *s)
{
	const lc_sor_supparams *u = &s->sup;
	printf("{\"file\":");
	lc_sor_cli_put_json_string(stdout, path);
	printf(",\"version\":%d,\"supplier\":", s->version);
	lc_sor_cli_put_json_string(stdout, u->supplier);
	printf(",\"vendor\":\"%s\",\"mainframe\":", lc_sor_vendor(s));
	lc_sor_cli_put_json_string(stdout, u->mainframe_id);
	printf(",\"module\":");
	lc_sor_cli_put_json_string(stdout, u->module_id);
	printf(",\"acquired_unix\":%u,\"wavelength_nm\":%.1f,\"pulse_ns\":%u,\"points\":%zu,\"spacing_m\":",
	       s->fxd.timestamp, lc_sor_wavelength_nm(s), s->fxd.pulse_width_ns[0], lc_sor_trace_length(s));
	lc_sor_cli_put_json_number(stdout, lc_sor_point_spacing_m(s));
	printf(",\"range_m\":");
	lc_sor_cli_put_json_number(stdout, trace_range_m(s));
	printf(",\"group_index\":%.5f,\"backscatter_db\":%.1f,\"averages\":%u,\"averaging_s\":%.1f",
	       lc_sor_group_index(s), lc_sor_backscatter_db(s), s->fxd.n_averages, lc_sor_averaging_time_s(s));
	printf(",\"loss_threshold_db\":%.3f,\"refl_threshold_db\":%.3f,\"eof_threshold_db\":%.3f",
	       s->fxd.loss_threshold / 1000.0, -s->fxd.refl_threshold / 1000.0, s->fxd.eof_threshold / 1000.0);
	if (s->has_events)
		printf(",\"stored_events\":%zu", s->n_events);
	else
		printf(",\"stored_events\":null");
	printf(",\"checksum\":\"%s\",\"blocks\":%zu}\n", lc_sor_cksum_name(s->cksum), s->n_blocks);
}

static int cmd_info(const char *path, bool json)
{
	lc_sor *s;
	int rc = lc_sor_cli_load(path, &s, json);
	if (rc)
		return rc;
	if (json) {
		info_json(path, s);
		lc_sor_free(s);
		return LC_EXIT_OK;
	}
	const lc_sor_supparams *u = &s->sup;
	printf("file:          %s\n", path);
	printf("format:        SOR %d (map revision %u.%02u), %zu blocks\n", s->version, s->map_revision / 100,
	       s->map_revision % 100, s->n_blocks);
	printf("instrument:    ");
	lc_sor_cli_put_text(stdout, u->supplier);
	printf(" / ");
	lc_sor_cli_put_text(stdout, u->mainframe_id);
	printf(" SN ");
	lc_sor_cli_put_text(stdout, u->mainframe_sn);
	printf(" / module ");
	lc_sor_cli_put_text(stdout, u->module_id);
	printf(" SN ");
	lc_sor_cli_put_text(stdout, u->module_sn);
	printf(" / software ");
	lc_sor_cli_put_text(stdout, u->software_rev);
	printf("\n");
	time_t t = (time_t)s->fxd.timestamp;
	struct tm tm;
	char when[32] = "?";
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("acquired:      %s\n", when);
	printf("wavelength:    %.1f nm\n", lc_sor_wavelength_nm(s));
	printf("pulse width:   %u ns\n", s->fxd.pulse_width_ns[0]);
	printf("range:         %.1f m (%zu points, %.4f m apart)\n", trace_range_m(s), lc_sor_trace_length(s),
	       lc_sor_point_spacing_m(s));
	printf("group index:   %.5f\n", lc_sor_group_index(s));
	printf("backscatter:   %.1f dB (1 ns)\n", lc_sor_backscatter_db(s));
	printf("averaging:     %u averages, %.1f s\n", s->fxd.n_averages, lc_sor_averaging_time_s(s));
	printf("thresholds:    loss %.3f dB, reflectance %.3f dB, end %.3f dB\n", s->fxd.loss_threshold / 1000.0,
	       -s->fxd.refl_threshold / 1000.0, s->fxd.eof_threshold / 1000.0);
	if (s->has_events)
		printf("events:        %zu stored\n", s->n_events);
	else
		printf("events:        no KeyEvents block\n");
	printf("checksum:      %s", lc_sor_cksum_name(s->cksum));
	if (s->cksum == LC_SOR_CKSUM_VALID)
		printf(" (0x%04x over %s)\n", s->cksum_stored, lc_sor_cksum_range_name(s->cksum_range));
	else if (s->cksum == LC_SOR_CKSUM_MISMATCH)
		printf(" (stored 0x%04x, no known byte range gives it)\n", s->cksum_stored);
	else
		printf(" (%s)\n", s->has_cksum_block ? "stored 0: never computed" : "no Cksum block");
	printf("proprietary:   ");
	for (size_t i = 0; i < s->n_raw; i++) {
		printf("%s", i ? ", " : "");
		lc_sor_cli_put_text(stdout, s->raw[i].name);
		printf(" (%zu B)", s->raw[i].len);
	}
	printf("%s\n", s->n_raw ? "" : "none");
	if (s->trailing_bytes)
		printf("trailing:      %zu bytes after the last block (ignored)\n", s->trailing_bytes);
	lc_sor_free(s);
	return LC_EXIT_OK;
}

/* One row of the events table, stored or found, in the same units. */
typedef struct ev_row {
	unsigned number;
	const char *type;
	double position_m, loss_db, reflectance_db, slope_db_km;
	const char *code;    /* stored: the 6+2 character code; found: NULL */
	const char *comment; /* stored only */
} ev_row;

static const char *stored_type(const lc_sor_event *e)
{
	if (e->code[1] == 'E')
		return "end";
	return e->code[0] == '1' ? "reflective" : e->code[0] == '2' ? "saturated" : "non-reflective";
}

static void print_rows(const char *path, const ev_row *r, size_t n, bool json, const char *source,
		       const lc_otdr_analysis *a, const lc_sor *s)
{
	if (json) {
		printf("{\"file\":");
		lc_sor_cli_put_json_string(stdout, path);
		printf(",\"source\":\"%s\",\"events\":[", source);
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"number\":%u,\"type\":\"%s\",\"position_m\":", i ? "," : "", r[i].number, r[i].type);
			lc_sor_cli_put_json_number(stdout, r[i].position_m);
			printf(",\"loss_db\":");
			lc_sor_cli_put_json_number(stdout, r[i].loss_db);
			printf(",\"reflectance_db\":");
			lc_sor_cli_put_json_number(stdout, r[i].reflectance_db);
			printf(",\"slope_db_km\":");
			lc_sor_cli_put_json_number(stdout, r[i].slope_db_km);
			if (r[i].code) {
				printf(",\"code\":");
				lc_sor_cli_put_json_string(stdout, r[i].code);
				printf(",\"comment\":");
				lc_sor_cli_put_json_string(stdout, r[i].comment);
			}
			printf("}");
		}
		printf("]");
		if (a) {
			printf(",\"fiber_length_m\":");
			lc_sor_cli_put_json_number(stdout, a->fiber_length_m);
			printf(",\"total_loss_db\":");
			lc_sor_cli_put_json_number(stdout, a->total_loss_db);
			printf(",\"orl_db\":");
			lc_sor_cli_put_json_number(stdout, a->orl_db);
			printf(",\"attenuation_db_km\":");
			lc_sor_cli_put_json_number(stdout, a->attenuation_db_km);
			printf(",\"end_found\":%s", a->end_found ? "true" : "false");
			printf(",\"ghosts_m\":[");
			for (size_t g = 0; g < a->n_ghosts && g < LC_OTDR_MAX_GHOSTS; g++) {
				printf("%s", g ? "," : "");
				lc_sor_cli_put_json_number(stdout, a->ghost_m[g]);
			}
			printf("]");
		} else if (s->has_events) {
			printf(",\"total_loss_db\":%.3f,\"orl_db\":%.3f", s->summary.total_loss / 1000.0, s->summary.orl / 1000.0);
		}
		printf("}\n");
		return;
	}
	printf("file: ");
	lc_sor_cli_put_text(stdout, path);
	printf(" (%s)\n", source);
	printf("%-4s %-15s %12s %9s %12s %11s  %s\n", "no", "type", "distance_m", "loss_dB", "reflect_dB", "dB/km", "code");
	for (size_t i = 0; i < n; i++) {
		printf("%-4u %-15s %12.2f ", r[i].number, r[i].type, r[i].position_m);
		isfinite(r[i].loss_db) ? printf("%9.3f ", r[i].loss_db) : printf("%9s ", "-");
		isfinite(r[i].reflectance_db) ? printf("%12.2f ", r[i].reflectance_db) : printf("%12s ", "-");
		isfinite(r[i].slope_db_km) ? printf("%11.3f  ", r[i].slope_db_km) : printf("%11s  ", "-");
		if (r[i].code) {
			lc_sor_cli_put_text(stdout, r[i].code);
			if (r[i].comment[0]) {
				printf(" ");
				lc_sor_cli_put_text(stdout, r[i].comment);
			}
		}
		printf("\n");
	}
	if (a)
		printf("length %.2f m%s, total loss %.3f dB, ORL %.2f dB, attenuation %.3f dB/km\n", a->fiber_length_m,
		       a->end_found ? "" : " (no end seen)", a->total_loss_db, a->orl_db, a->attenuation_db_km);
	else if (s->has_events)
		printf("total loss %.3f dB, ORL %.3f dB (stored summary)\n", s->summary.total_loss / 1000.0,
		       s->summary.orl / 1000.0);
	for (size_t g = 0; a && g < a->n_ghosts && g < LC_OTDR_MAX_GHOSTS; g++)
		printf("ghost at %.2f m: an echo of a strong reflection (no loss step), not an event\n", a->ghost_m[g]);
}

/* The events of a file, stored or re-analysed, as rows (caller frees *rows and *a). */
static int event_rows(const lc_sor *s, bool reanalyze, ev_row **rows, size_t *n, lc_otdr_analysis **a)
{
	*a = NULL;
	if (reanalyze) {
		lc_diag d;
		int rc = lc_otdr_analyze_sor(s, NULL, a, &d);
		if (rc < 0)
			return lc_cli_fail("sor", rc, &d, "analysis");
		*n = (*a)->n_events;
	} else {
		*n = s->n_events;
	}
	*rows = calloc(*n ? *n : 1, sizeof(ev_row));
	if (!*rows)
		return lc_cli_fail("sor", LC_ERR_NOMEM, NULL, NULL);
	for (size_t i = 0; i < *n; i++) {
		ev_row *r = &(*rows)[i];
		if (reanalyze) {
			const lc_otdr_event *e = &(*a)->events[i];
			*r = (ev_row){(unsigned)i + 1, lc_otdr_event_type_name(e->type), e->position_m, e->loss_db,
				      e->reflectance_db, e->slope_db_km, NULL, NULL};
			if (e->saturated)
				r->type = e->type == LC_OTDR_EVENT_END ? "end (saturated)" : "saturated";
		} else {
			const lc_sor_event *e = &s->events[i];
			*r = (ev_row){e->number, stored_type(e), lc_sor_time_to_m(s, e->time), e->loss / 1000.0,
				      lc_sor_event_reflectance_db(e), e->slope / 1000.0, e->code, e->comment};
		}
	}
	return 0;
}

static int cmd_events(const char *path, bool json, bool reanalyze)
{
	lc_sor *s;
	int rc = lc_sor_cli_load(path, &s, json);
	if (rc)
		return rc;
	if (!reanalyze && !s->has_events) {
		lc_cli_error("sor", "%s has no KeyEvents block: use --reanalyze to find events in the trace", path);
		if (json) {
			printf("{\"file\":");
			lc_sor_cli_put_json_string(stdout, path);
			printf(",\"error\":\"no KeyEvents block: use --reanalyze\",\"code\":\"LC_ERR_FORMAT\",\"exit\":%d}\n",
			       LC_EXIT_DATAERR);
		}
		lc_sor_free(s);
		return LC_EXIT_DATAERR;
	}
	ev_row *rows = NULL;
	size_t n = 0;
	lc_otdr_analysis *a = NULL;
	rc = event_rows(s, reanalyze, &rows, &n, &a);
	if (rc == 0)
		print_rows(path, rows, n, json, reanalyze ? "analysis" : "stored", a, s);
	free(rows);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
	return rc;
}

static int write_csv(FILE *o, const lc_sor *s)
{
	double *y;
	int n = lc_sor_trace_db(s, &y);
	if (n < 0)
		return n;
	double x0 = lc_sor_trace_origin_m(s), dx = lc_sor_point_spacing_m(s);
	fprintf(o, "distance_m,level_db\n");
	for (int i = 0; i < n; i++)
		fprintf(o, "%.4f,%.4f\n", x0 + i * dx, y[i]);
	free(y);
	return ferror(o) ? LC_ERR_IO : 0;
}

static int cmd_convert(const char *path)
{
	lc_sor *s;
	int rc = load(path, &s);
	if (rc)
		return rc;
	rc = write_csv(stdout, s);
	lc_sor_free(s);
	return rc < 0 ? lc_cli_fail("sor", rc, NULL, "writing CSV") : LC_EXIT_OK;
}

/* gnuplot on PATH? (checked first so a missing gnuplot is a clear message, not a shell error) */
static bool have_gnuplot(void)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char buf[4096];
	for (const char *p = path; *p;) {
		const char *e = strchr(p, ':');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)l, p);
		if (l && access(buf, X_OK) == 0)
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

/* Data goes to a temporary file, the script through a pipe; gnuplot renders the image itself. */
static int cmd_plot(const char *path, const char *out)
{
	size_t ol = strlen(out);
	bool svg = ol > 4 && strcmp(out + ol - 4, ".svg") == 0;
	bool png = ol > 4 && strcmp(out + ol - 4, ".png") == 0;
	if (!svg && !png) {
		lc_cli_error("sor", "--out %s: the name must end in .svg or .png", out);
		return LC_EXIT_USAGE;
	}
	if (strpbrk(out, "'\"\n")) {
		lc_cli_error("sor", "--out %s: quotes and newlines are not allowed in the file name", out);
		return LC_EXIT_USAGE;
	}
	if (!have_gnuplot()) {
		lc_cli_error("sor", "gnuplot was not found on PATH: install gnuplot to plot traces "
				    "(lanecert sor convert FILE --csv gives the data)");
		return LC_EXIT_UNAVAILABLE;
	}
	lc_sor *s;
	int rc = load(path, &s);
	if (rc)
		return rc;
	lc_otdr_analysis *a = NULL;
	ev_row *rows = NULL;
	size_t n = 0;
	rc = event_rows(s, !s->has_events, &rows, &n, &a);
	char tmp[] = "/tmp/lanecert-sor-XXXXXX";
	int fd = rc ? -1 : mkstemp(tmp);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!rc && (!f || write_csv(f, s) < 0 || fclose(f) != 0)) {
		rc = lc_cli_fail("sor", LC_ERR_IO, NULL, "temporary data file");
		f = NULL;
	}
	FILE *g = rc ? NULL : popen("gnuplot", "w");
	if (!rc && !g)
		rc = lc_cli_fail("sor", LC_ERR_IO, NULL, "starting gnuplot");
	if (g) {
		fprintf(g, "set terminal %s size 1200,600\nset output '%s'\n", svg ? "svg dynamic" : "pngcairo", out);
		fprintf(g, "set datafile separator ','\nset key off\nset grid\n");
		fprintf(g, "set xlabel 'distance (m)'\nset ylabel 'level (dB)'\n");
		fprintf(g, "set title '%.1f nm, %u ns pulse, %zu events (%s)'\n", lc_sor_wavelength_nm(s),
			s->fxd.pulse_width_ns[0], n, a ? "found by lanecert: the file stores none" : "stored in the file");
		for (size_t i = 0; i < n; i++) {
			fprintf(g, "set arrow from %.3f, graph 0 to %.3f, graph 1 nohead dt 2 lc rgb '#c03030'\n",
				rows[i].position_m, rows[i].position_m);
			fprintf(g, "set label '%u' at %.3f, graph 0.97 offset 0.3,0 textcolor rgb '#c03030'\n",
				rows[i].number, rows[i].position_m);
		}
		fprintf(g, "plot '%s' using 1:2 every ::1 with lines lc rgb '#1f4e9c'\n", tmp);
		int st = pclose(g);
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			lc_cli_error("sor", "gnuplot failed (exit status %d) writing %s", WIFEXITED(st) ? WEXITSTATUS(st) : -1, out);
			rc = LC_EXIT_SOFTWARE;
		}
	}
	if (fd >= 0)
		unlink(tmp);
	if (rc == 0)
		printf("%s: %zu points, %zu events marked\n", out, lc_sor_trace_length(s), n);
	free(rows);
	lc_otdr_analysis_free(a);
	lc_sor_free(s);
	return rc;
}

/* Run one per-file action over every file; a failure is reported for its file and the rest go on. The
 * exit status: 65 if any file was malformed, else the first failure's, else 0. */
static int each_file(char **files, size_t n, bool json, bool reanalyze, const char *what)
{
	int worst = LC_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		int rc = strcmp(what, "info") == 0 ? cmd_info(files[i], json) : cmd_events(files[i], json, reanalyze);
		if (!json && !strcmp(what, "info") && i + 1 < n)
			printf("\n");
		if (rc == LC_EXIT_DATAERR || (rc && worst == LC_EXIT_OK))
			worst = rc;
		fflush(stdout);
	}
	return worst;
}

int lc_cmd_sor(int argc, char **argv)
{
	/* One option table for every action; an option given to an action it is not for is a usage error. */
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"reanalyze", no_argument, NULL, 'r'},
					     {"csv", no_argument, NULL, 'c'},
					     {"out", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	bool json = false, reanalyze = false, csv = false;
	const char *out = NULL;
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("sor", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return LC_EXIT_OK;
		case 'j': json = true; break;
		case 'r': reanalyze = true; break;
		case 'c': csv = true; break;
		case 'o': out = optarg; break;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	const char *what = argv[optind++];
	bool multi = strcmp(what, "info") == 0 || strcmp(what, "events") == 0 || strcmp(what, "compare") == 0;
	if (!multi && strcmp(what, "plot") != 0 && strcmp(what, "convert") != 0) {
		lc_cli_error("sor", "unknown action '%s': info, events, compare, plot or convert", what);
		return LC_EXIT_USAGE;
	}
	const char *wrong = json && !multi                          ? "--json"
			    : reanalyze && strcmp(what, "events") != 0 ? "--reanalyze"
			    : csv && strcmp(what, "convert") != 0      ? "--csv"
			    : out && strcmp(what, "plot") != 0         ? "--out"
								       : NULL;
	if (wrong) {
		lc_cli_error("sor", "option '%s' is not for 'sor %s' (lanecert sor --help)", wrong, what);
		return LC_EXIT_USAGE;
	}
	size_t nf = (size_t)(argc - optind);
	if (nf == 0) {
		lc_cli_error("sor", "sor %s needs a file (lanecert sor --help)", what);
		return LC_EXIT_USAGE;
	}
	if (!multi && nf > 1)
		return lc_cli_unexpected("sor", argv[optind + 1]);
	char **files = argv + optind;
	int rc;
	if (strcmp(what, "info") == 0 || strcmp(what, "events") == 0) {
		rc = each_file(files, nf, json, reanalyze, what);
	} else if (strcmp(what, "compare") == 0) {
		rc = lc_sor_cli_compare(files, nf, json);
	} else if (strcmp(what, "convert") == 0) {
		if (!csv) {
			lc_cli_error("sor", "convert needs an output format: --csv");
			rc = LC_EXIT_USAGE;
		} else {
			rc = cmd_convert(files[0]);
		}
	} else { /* plot */
		if (!out) {
			lc_cli_error("sor", "plot needs --out FILE.svg or --out FILE.png");
			rc = LC_EXIT_USAGE;
		} else {
			rc = cmd_plot(files[0], out);
		}
	}
	return rc;
}
