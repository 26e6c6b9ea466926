#include "cli/run_output.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

void lc_run_output_init(lc_run_output *o, FILE *out, bool json, bool tty)
{
	memset(o, 0, sizeof(*o));
	o->out = out;
	o->json = json;
	o->tty = tty && !json;
	pthread_mutex_init(&o->lock, NULL);
}

void lc_run_output_destroy(lc_run_output *o)
{
	pthread_mutex_destroy(&o->lock);
}

void lc_run_output_escape(const char *s, char *buf, size_t cap)
{
	size_t k = 0;
	for (; s && *s && k + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[k++] = '\\';
			buf[k++] = (char)c;
		} else if (c < 0x20) {
			k += (size_t)snprintf(buf + k, cap - k, "\\u%04x", c);
		} else {
			buf[k++] = (char)c;
		}
	}
	buf[k] = '\0';
}

/* A JSON event line: printed with --json, and handed to the publisher (`lanecert serve`'s live view) when one
 * is set, whatever is printed. A line cut by its buffer is never sent: the event is dropped instead. */
static void emit(lc_run_output *o, const char *line, int n, size_t cap)
{
	if (n < 0 || (size_t)n >= cap)
		return;
	if (o->json)
		fputs(line, o->out);
	if (o->sink)
		o->sink(o->sink_user, line, (size_t)n);
}

#define EVENT_LINE 4096

/* On a terminal the progress bar is the last line; clear it before printing anything else. */
static void clear_bar(lc_run_output *o)
{
	if (o->tty && o->bar_shown) {
		fputs("\r\033[K", o->out);
		o->bar_shown = false;
	}
}

static void step_start(void *user, unsigned slot, const char *step, size_t index, size_t total)
{
	lc_run_output *o = user;
	char e[256];
	pthread_mutex_lock(&o->lock);
	clear_bar(o);
	lc_run_output_escape(step, e, sizeof(e));
	char line[EVENT_LINE];
	emit(o, line,
	     snprintf(line, sizeof(line), "{\"event\":\"step_start\",\"slot\":%u,\"step\":\"%s\",\"index\":%zu,\"total\":%zu}\n",
		      slot, e, index + 1, total),
	     sizeof(line));
	if (!o->json)
		fprintf(o->out, "[slot %u] step %zu/%zu %s\n", slot, index + 1, total, step);
	fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}

static void step_end(void *user, unsigned slot, const char *step, enum lc_verdict v, const char *detail)
{
	lc_run_output *o = user;
	char e[256], d[1024];
	pthread_mutex_lock(&o->lock);
	clear_bar(o);
	lc_run_output_escape(step, e, sizeof(e));
	lc_run_output_escape(detail ? detail : "", d, sizeof(d));
	char line[EVENT_LINE];
	emit(o, line,
	     snprintf(line, sizeof(line), "{\"event\":\"step_end\",\"slot\":%u,\"step\":\"%s\",\"verdict\":\"%s\",\"detail\":\"%s\"}\n",
		      slot, e, lc_verdict_name(v), d),
	     sizeof(line));
	if (!o->json)
		fprintf(o->out, "[slot %u]   %s: %s%s%s\n", slot, step, lc_verdict_name(v), detail ? " - " : "",
			detail ? detail : "");
	fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}

/* Append to line (n bytes so far, cap in all); returns the new length, or cap when it did not fit. */
static int append(char *line, int n, size_t cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int append(char *line, int n, size_t cap, const char *fmt, ...)
{
	if (n < 0 || (size_t)n >= cap)
		return (int)cap;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(line + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	return k < 0 || (size_t)(n + k) >= cap ? (int)cap : n + k;
}

static int append_number(char *line, int n, size_t cap, const char *key, double v)
{
	if (isfinite(v))
		return append(line, n, cap, ",\"%s\":%.6g", key, v);
	return append(line, n, cap, ",\"%s\":null", key);
}

static void measurement(void *user, unsigned slot, const char *step, const lc_result_measurement *m)
{
	lc_run_output *o = user;
	char e[256], n[128];
	pthread_mutex_lock(&o->lock);
	clear_bar(o);
	lc_run_output_escape(step, e, sizeof(e));
	lc_run_output_escape(m->name, n, sizeof(n));
	if (o->json || o->sink) {
		char line[EVENT_LINE];
		int k = snprintf(line, sizeof(line), "{\"event\":\"measurement\",\"slot\":%u,\"step\":\"%s\",\"name\":\"%s\",\"lane\":%d",
				 slot, e, n, m->lane);
		k = append_number(line, k, sizeof(line), "value", m->value);
		k = append(line, k, sizeof(line), ",\"unit\":\"%s\"", m->unit ? m->unit : "");
		k = append_number(line, k, sizeof(line), "margin", m->margin);
		k = append(line, k, sizeof(line), ",\"verdict\":\"%s\"}\n", lc_verdict_name(m->verdict));
		emit(o, line, k, sizeof(line));
	}
	if (!o->json) {
		fprintf(o->out, "[slot %u]     %-16s", slot, m->name);
		if (m->lane)
			fprintf(o->out, " lane %-2d", m->lane);
		if (isfinite(m->wavelength_nm))
			fprintf(o->out, " %4.0f nm", m->wavelength_nm);
		fprintf(o->out, " %9.3f %-4s", m->value, m->unit ? m->unit : "");
		if (isfinite(m->margin))
			fprintf(o->out, " margin %+7.3f", m->margin);
		fprintf(o->out, "  %s\n", lc_verdict_name(m->verdict));
	}
	fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}

static void progress(void *user, unsigned slot, const char *step, double fraction, double eta_s, const char *text)
{
	lc_run_output *o = user;
	pthread_mutex_lock(&o->lock);
	if (o->json || o->sink) {
		char e[256], t[256], line[EVENT_LINE];
		lc_run_output_escape(step ? step : "", e, sizeof(e));
		lc_run_output_escape(text ? text : "", t, sizeof(t));
		int k = snprintf(line, sizeof(line), "{\"event\":\"progress\",\"slot\":%u,\"step\":\"%s\",\"fraction\":%.3f", slot,
				 e, fraction);
		k = append_number(line, k, sizeof(line), "eta_s", eta_s >= 0 ? eta_s : NAN);
		k = append(line, k, sizeof(line), ",\"text\":\"%s\"}\n", t);
		emit(o, line, k, sizeof(line));
	}
	if (!o->json && o->tty) {
		char bar[31];
		int filled = (int)(fraction * 30 + 0.5);
		for (int i = 0; i < 30; i++)
			bar[i] = i < filled ? '#' : '.';
		bar[30] = '\0';
		fprintf(o->out, "\r\033[K[slot %u] %s [%s] %3.0f%%", slot, step ? step : "", bar, fraction * 100);
		if (eta_s >= 0)
			fprintf(o->out, " ETA %.0f s", eta_s);
		if (text)
			fprintf(o->out, " %s", text);
		o->bar_shown = true;
	}
	fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}

static void log_line(void *user, unsigned slot, const char *message)
{
	lc_run_output *o = user;
	char m[1024];
	pthread_mutex_lock(&o->lock);
	clear_bar(o);
	if (o->json || o->sink) {
		char line[EVENT_LINE];
		lc_run_output_escape(message, m, sizeof(m));
		emit(o, line, snprintf(line, sizeof(line), "{\"event\":\"log\",\"slot\":%u,\"message\":\"%s\"}\n", slot, m),
		     sizeof(line));
	}
	if (!o->json) {
		fprintf(o->out, "[slot %u]   %s\n", slot, message);
	}
	fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}

lc_run_events lc_run_output_events(lc_run_output *o)
{
	return (lc_run_events){.user = o,
			       .step_start = step_start,
			       .step_end = step_end,
			       .measurement = measurement,
			       .progress = progress,
			       .log = log_line};
}

void lc_run_output_attempt(lc_run_output *o, unsigned slot, const char *serial, int attempt,
			   const char *prev_verdict, const char *prev_time)
{
	char s[256], t[64];
	pthread_mutex_lock(&o->lock);
	clear_bar(o);
	if (o->json || o->sink) {
		char line[EVENT_LINE];
		lc_run_output_escape(serial, s, sizeof(s));
		lc_run_output_escape(prev_time ? prev_time : "", t, sizeof(t));
		int k = snprintf(line, sizeof(line), "{\"event\":\"attempt\",\"slot\":%u,\"serial\":\"%s\",\"attempt\":%d", slot, s,
				 attempt);
		if (prev_verdict)
			k = append(line, k, sizeof(line), ",\"previous_verdict\":\"%s\",\"previous_time\":\"%s\"", prev_verdict, t);
		k = append(line, k, sizeof(line), "}\n");
		emit(o, line, k, sizeof(line));
	}
	if (!o->json && prev_verdict) {
		fprintf(o->out, "[slot %u] attempt %d for %s (previous: %s at %s)\n", slot, attempt, serial, prev_verdict,
			prev_time && *prev_time ? prev_time : "an unknown time");
	}
	fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}

void lc_run_output_slot_done(lc_run_output *o, unsigned slot, const char *serial, enum lc_verdict v,
			     const char *reason, const char *report, const char *error)
{
	char s[256], r[1024], p[1024], e[512];
	pthread_mutex_lock(&o->lock);
	clear_bar(o);
	if (o->json || o->sink) {
		char line[EVENT_LINE];
		lc_run_output_escape(serial, s, sizeof(s));
		lc_run_output_escape(reason ? reason : "", r, sizeof(r));
		lc_run_output_escape(report ? report : "", p, sizeof(p));
		lc_run_output_escape(error ? error : "", e, sizeof(e));
		emit(o, line,
		     snprintf(line, sizeof(line),
			      "{\"event\":\"result\",\"slot\":%u,\"serial\":\"%s\",\"verdict\":\"%s\",\"reason\":\"%s\","
			      "\"report\":\"%s\",\"report_error\":\"%s\"%s}\n",
			      slot, s, lc_verdict_name(v), r, p, e, o->job_json),
		     sizeof(line));
	}
	if (!o->json) {
		char upper[16];
		const char *vn = lc_verdict_name(v);
		size_t i = 0;
		for (; vn[i] && i < sizeof(upper) - 1; i++)
			upper[i] = (char)(vn[i] >= 'a' && vn[i] <= 'z' ? vn[i] - 32 : vn[i]);
		upper[i] = '\0';
		fprintf(o->out, "[slot %u] %s %s%s%s\n", slot, serial, upper, reason ? ": " : "", reason ? reason : "");
		if (report && *report)
			fprintf(o->out, "[slot %u] signed report: %s\n", slot, report);
		if (error && *error)
			fprintf(o->out, "[slot %u] report not written: %s\n", slot, error);
	}
	fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}

/* ,"key":"value" or ,"key":null */
static size_t job_member(char *buf, size_t cap, const char *key, const char *v)
{
	char e[700];
	lc_run_output_escape(v ? v : "", e, sizeof(e));
	int n = v ? snprintf(buf, cap, ",\"%s\":\"%s\"", key, e) : snprintf(buf, cap, ",\"%s\":null", key);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

void lc_run_output_set_job(lc_run_output *o, const char *job, const char *customer, const char *site)
{
	size_t n = job_member(o->job_json, sizeof(o->job_json), "job", job);
	n += job_member(o->job_json + n, sizeof(o->job_json) - n, "customer", customer);
	job_member(o->job_json + n, sizeof(o->job_json) - n, "site", site);
}

void lc_run_output_set_sink(lc_run_output *o, void (*sink)(void *user, const char *line, size_t len), void *user)
{
	o->sink = sink;
	o->sink_user = user;
}

void lc_run_output_slot_start(lc_run_output *o, unsigned slot, const char *serial, const char *operator_name,
			      const char *procedure, const char *cable_type)
{
	char s[256], op[512], p[512], c[256], line[EVENT_LINE];
	if (!o->json && !o->sink)
		return;
	lc_run_output_escape(serial, s, sizeof(s));
	lc_run_output_escape(operator_name ? operator_name : "", op, sizeof(op));
	lc_run_output_escape(procedure ? procedure : "", p, sizeof(p));
	lc_run_output_escape(cable_type ? cable_type : "", c, sizeof(c));
	pthread_mutex_lock(&o->lock);
	emit(o, line,
	     snprintf(line, sizeof(line),
		      "{\"event\":\"slot_start\",\"slot\":%u,\"serial\":\"%s\",\"operator\":\"%s\",\"procedure\":\"%s\","
		      "\"cable_type\":\"%s\"%s}\n",
		      slot, s, op, p, c, o->job_json),
	     sizeof(line));
	if (o->json)
		fflush(o->out);
	pthread_mutex_unlock(&o->lock);
}
