/*
 * The HTTP side of the dashboard, on libmicrohttpd (Debian's libmicrohttpd12: a small, well-kept embeddable
 * server with TLS through GnuTLS, bounded connections and per-connection memory; hand-writing HTTP parsing is
 * what the quality bar rules out).
 *
 * One thread per connection: a Server-Sent Events stream is a connection that waits for the next event, and
 * a thread blocked on a condition variable is the simplest correct way to wait (serve/live.c wakes it). The
 * threads are bounded by the connection limit and have small stacks. Every request is read-only: GET and
 * HEAD only, no request body, a bounded URL and header size (the connection's memory limit), and a global
 * token bucket on the request rate. Off loopback an access token is required (serve/serve.h).
 */
#include "serve/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serve/page.h"

#define URL_MAX 1024
#define CONN_MEMORY (32 * 1024)
#define SSE_WAIT_MS 15000
#define SSE_BLOCK 16384

struct lc_serve {
	struct MHD_Daemon *daemon;
	lc_serve_ctx ctx;
	char url[160];
	char live_path[108];
	char token[LC_SERVE_TOKEN_MAX + 1];
	size_t token_len;
	char *tls_cert, *tls_key;
	pthread_mutex_t rate_lock;
	double bucket;
	struct timespec bucket_time;
	unsigned rate;
};

const char *lc_req_arg(const lc_req *r, const char *key)
{
	return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Token bucket over all clients: rate per second, a burst of the same size. */
static bool rate_ok(lc_serve *s)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&s->rate_lock);
	double dt = (double)(now.tv_sec - s->bucket_time.tv_sec) + (now.tv_nsec - s->bucket_time.tv_nsec) / 1e9;
	s->bucket_time = now;
	s->bucket += dt * s->rate;
	if (s->bucket > s->rate)
		s->bucket = s->rate;
	bool ok = s->bucket >= 1;
	if (ok)
		s->bucket -= 1;
	pthread_mutex_unlock(&s->rate_lock);
	return ok;
}

/* Constant-time comparison: how much of a guess was right must not show in the answer's timing. */
static bool token_eq(const lc_serve *s, const char *given)
{
	if (!given)
		return false;
	size_t n = strlen(given);
	unsigned char diff = (unsigned char)(n != s->token_len);
	for (size_t i = 0; i < s->token_len; i++)
		diff |= (unsigned char)(s->token[i] ^ (i < n ? given[i] : 0));
	return diff == 0;
}

static bool authorized(lc_serve *s, struct MHD_Connection *c)
{
	if (!s->token_len)
		return true;
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth && strncmp(auth, "Bearer ", 7) == 0 && token_eq(s, auth + 7))
		return true;
	return token_eq(s, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "lanecert_token"));
}

static void security_headers(struct MHD_Response *r, bool report_html)
{
	/* The report is our own HTML with an inline stylesheet; it runs no script and loads nothing. */
	MHD_add_response_header(r, "Content-Security-Policy",
				report_html ? "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
					    : "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
					      "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

static enum MHD_Result send_buffer(struct MHD_Connection *c, int status, const char *type, const char *data,
				   size_t len, bool copy, const char *cache)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data,
								 copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache ? cache : "no-store");
	security_headers(r, false);
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result send_page(struct MHD_Connection *c, int status, lc_sb *b)
{
	if (b->failed || !b->s) {
		static const char oom[] = "page too large or out of memory\n";
		lc_sb_free(b);
		return send_buffer(c, 500, "text/plain; charset=utf-8", oom, sizeof(oom) - 1, false, NULL);
	}
	enum MHD_Result ok = send_buffer(c, status, "text/html; charset=utf-8", b->s, b->len, true, NULL);
	lc_sb_free(b);
	return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *what)
{
	lc_sb b;
	lc_sb_init(&b);
	lc_page_error(&b, status, what);
	return send_page(c, status, &b);
}

static enum MHD_Result send_file(struct MHD_Connection *c, lc_reply_file *f, bool report_html)
{
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)f->size, f->fd); /* takes the fd */
	if (!r) {
		close(f->fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, f->media_type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (f->disposition[0])
		MHD_add_response_header(r, "Content-Disposition", f->disposition);
	security_headers(r, report_html);
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

struct sse {
	lc_live *live;
	uint64_t next;
	bool reset;
};

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct sse *st = cls;
	long n = lc_live_read(st->live, &st->next, &st->reset, buf, max, SSE_WAIT_MS);
	return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static enum MHD_Result send_events(lc_serve *s, struct MHD_Connection *c)
{
	struct sse *st = calloc(1, sizeof(*st));
	if (!st)
		return send_error(c, 500, "out of memory");
	st->live = s->ctx.live;
	/* A reconnecting EventSource sends the last id it saw; the page's first connection names the id its
	 * server-rendered state includes. */
	const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
	if (!last)
		last = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "last");
	st->next = lc_live_resume_point(s->ctx.live, last, &st->reset);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, sse_read, st, free);
	if (!r) {
		free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	security_headers(r, false);
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

/* ?token=T on the first visit: set the cookie and send the browser to the same page without the token in
 * its address bar (and history). */
static enum MHD_Result token_redirect(struct MHD_Connection *c, const char *url)
{
	char cookie[LC_SERVE_TOKEN_MAX + 96];
	snprintf(cookie, sizeof(cookie), "lanecert_token=%s; Path=/; HttpOnly; SameSite=Strict",
		 MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token"));
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, url);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	(void)upload_data;
	lc_serve *s = cls;
	if (*con_cls) { /* a body after our answer was queued: MHD discards it */
		*upload_data_size = 0;
		return MHD_YES;
	}
	*con_cls = s;
	if (!rate_ok(s))
		return send_error(c, 429, "too many requests: try again in a second");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_error(c, 405, "the dashboard is read-only: GET and HEAD only");
	if (strlen(url) > URL_MAX)
		return send_error(c, 414, "the address is too long");
	if (url[0] != '/' || strstr(url, "/.."))
		return send_error(c, 400, "not a path this server serves");
	const char *query_token = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
	if (s->token_len && query_token && token_eq(s, query_token) && !strpbrk(query_token, ";,\r\n "))
		return token_redirect(c, url);
	if (!authorized(s, c))
		return send_error(c, 401, "this dashboard needs its access token: open it once as /?token=TOKEN "
					  "(or send Authorization: Bearer TOKEN)");

	lc_sb b;
	lc_sb_init(&b);
	lc_req req = {c, url};
	if (strncmp(url, "/assets/", 8) == 0) {
		const char *type;
		size_t len;
		const char *data = lc_asset(url + 8, &type, &len);
		if (!data)
			return send_error(c, 404, "no such asset");
		return send_buffer(c, 200, type, data, len, false, "max-age=300");
	}
	if (strcmp(url, "/events") == 0)
		return send_events(s, c);
	if (strcmp(url, "/") == 0)
		return send_page(c, lc_page_line(&s->ctx, &req, &b), &b);
	if (strcmp(url, "/history") == 0)
		return send_page(c, lc_page_history(&s->ctx, &req, &b), &b);
	if (strcmp(url, "/quality") == 0)
		return send_page(c, lc_page_quality(&s->ctx, &req, &b), &b);
	if (strcmp(url, "/station") == 0)
		return send_page(c, lc_page_station(&s->ctx, &req, &b), &b);
	if (strncmp(url, "/runs/", 6) == 0) {
		lc_reply_file f = {.fd = -1};
		int status = lc_page_run(&s->ctx, &req, &b, &f);
		if (f.fd >= 0) {
			lc_sb_free(&b);
			return send_file(c, &f, strstr(url, "/report.html") != NULL);
		}
		return send_page(c, status, &b);
	}
	return send_error(c, 404, "no such page");
}

/* libmicrohttpd's own decoding of %XX, except that a %00 stays as it is: a NUL would cut the path short
 * ("/runs/1/report.json%00.png" read as "/runs/1/report.json"), and no page of ours has one. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	if (strstr(s, "%00"))
		return strlen(s);
	return MHD_http_unescape(s);
}

/* "A.B.C.D:PORT" or "[V6]:PORT"; loopback tells whether only this machine can connect. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, bool *v6, bool *loopback,
			lc_diag *diag)
{
	char host[128];
	const char *colon;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= sizeof(host))
			return lc_diag_set(diag, LC_ERR_ARG, "--listen '%s': use ADDR:PORT or [IPV6]:PORT", spec);
		memcpy(host, spec + 1, (size_t)(end - spec - 1));
		host[end - spec - 1] = '\0';
		colon = end + 1;
		*v6 = true;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || (size_t)(colon - spec) >= sizeof(host))
			return lc_diag_set(diag, LC_ERR_ARG, "--listen '%s': use ADDR:PORT or [IPV6]:PORT", spec);
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		*v6 = false;
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return lc_diag_set(diag, LC_ERR_ARG, "--listen '%s': the port must be 0..65535", spec);
	memset(ss, 0, sizeof(*ss));
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return lc_diag_set(diag, LC_ERR_ARG, "--listen '%s': '%s' is not an IPv6 address", spec, host);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return lc_diag_set(diag, LC_ERR_ARG, "--listen '%s': '%s' is not an IPv4 address", spec, host);
		*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
		*len = sizeof(*a);
	}
	return 0;
}

static int read_text(const char *path, char **out, lc_diag *diag)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return lc_diag_set(diag, errno == ENOENT ? LC_ERR_NOT_FOUND : LC_ERR_IO, "%s: %s", path, strerror(errno));
	char *buf = malloc(65537);
	size_t n = buf ? fread(buf, 1, 65536, f) : 0;
	bool more = buf && fgetc(f) != EOF;
	fclose(f);
	if (!buf)
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s", path);
	if (more || n == 0) {
		free(buf);
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s", path, n == 0 ? "empty" : "larger than 64 KiB");
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static void ctx_free(lc_serve *s)
{
	if (s->ctx.live) {
		lc_live_shutdown(s->ctx.live);
	}
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	lc_live_free(s->ctx.live);
	lc_sq_close(s->ctx.q);
	for (size_t i = 0; i < s->ctx.n_stations; i++)
		lc_station_free(s->ctx.stations[i]);
	free(s->tls_cert);
	free(s->tls_key);
	pthread_mutex_destroy(&s->rate_lock);
	free(s);
}

int lc_serve_start(const lc_serve_opts *o, lc_serve **out, lc_diag *diag)
{
	*out = NULL;
	struct sockaddr_storage ss;
	socklen_t ss_len;
	bool v6, loopback;
	char def_listen[32];
	snprintf(def_listen, sizeof(def_listen), "127.0.0.1:%d", LC_SERVE_DEFAULT_PORT);
	int rc = parse_listen(o->listen ? o->listen : def_listen, &ss, &ss_len, &v6, &loopback, diag);
	if (rc < 0)
		return rc;
	if (!loopback && !(o->token && *o->token))
		return lc_diag_set(diag, LC_ERR_ARG, "--listen %s is reachable from other machines: give an access "
				   "token (--token-file FILE)", o->listen);
	if (o->token && (strlen(o->token) < 16 || strlen(o->token) > LC_SERVE_TOKEN_MAX ||
			 strspn(o->token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") !=
				 strlen(o->token)))
		return lc_diag_set(diag, LC_ERR_ARG, "access token: 16 to %d characters of A-Z a-z 0-9 - . _ ~",
				   LC_SERVE_TOKEN_MAX);
	if (!o->tls_cert != !o->tls_key)
		return lc_diag_set(diag, LC_ERR_ARG, "TLS needs both --tls-cert and --tls-key");
	if (o->tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "this libmicrohttpd was built without TLS (GnuTLS)");

	int shift_min[LC_SHIFTS_MAX];
	size_t n_shifts = 0;
	if (o->shifts && (rc = lc_shifts_parse(o->shifts, shift_min, &n_shifts, diag)) < 0)
		return rc;

	lc_serve *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "server");
	memcpy(s->ctx.shift_min, shift_min, sizeof(shift_min));
	s->ctx.n_shifts = n_shifts;
	pthread_mutex_init(&s->rate_lock, NULL);
	s->rate = o->max_rate ? o->max_rate : 500;
	s->bucket = s->rate;
	clock_gettime(CLOCK_MONOTONIC, &s->bucket_time);
	if (o->token) {
		s->token_len = strlen(o->token);
		memcpy(s->token, o->token, s->token_len + 1);
	}
	if ((rc = lc_sq_open(o->db, &s->ctx.q, diag)) < 0)
		goto fail;
	for (size_t i = 0; i < o->n_stations && i < LC_SERVE_STATIONS_MAX; i++) {
		if ((rc = lc_station_load(o->stations[i], o->fixtures_dir, &s->ctx.stations[i], diag)) < 0)
			goto fail;
		s->ctx.n_stations++;
	}
	if (o->pubkey) {
		if ((rc = lc_pubkey_load(o->pubkey, &s->ctx.pubkey, diag)) < 0)
			goto fail;
		s->ctx.have_pubkey = true;
		snprintf(s->ctx.pubkey_path, sizeof(s->ctx.pubkey_path), "%s", o->pubkey);
	}
	if (o->tls_cert && ((rc = read_text(o->tls_cert, &s->tls_cert, diag)) < 0 ||
			    (rc = read_text(o->tls_key, &s->tls_key, diag)) < 0))
		goto fail;
	if ((rc = lc_live_new(&s->ctx.live, diag)) < 0)
		goto fail;
	if (o->live_socket)
		snprintf(s->live_path, sizeof(s->live_path), "%s", o->live_socket);
	else if ((rc = lc_publish_default_path(o->db, s->live_path, sizeof(s->live_path), diag)) < 0)
		goto fail;
	if ((rc = lc_live_listen(s->ctx.live, s->live_path, diag)) < 0)
		goto fail;

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (s->tls_cert)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem opts[] = {
		{MHD_OPTION_SOCK_ADDR, 0, &ss},
		{MHD_OPTION_CONNECTION_LIMIT, (intptr_t)(o->max_connections ? o->max_connections : 128), NULL},
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
		{MHD_OPTION_THREAD_STACK_SIZE, 256 * 1024, NULL},
		{MHD_OPTION_LISTEN_BACKLOG_SIZE, 64, NULL},
		{MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape, NULL},
		{s->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key},
		{MHD_OPTION_END, 0, NULL},
	};
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!s->daemon) {
		rc = lc_diag_set(diag, LC_ERR_BUSY, "cannot listen on %s (address in use, or not this machine's)",
				 o->listen ? o->listen : def_listen);
		goto fail;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	char host[INET6_ADDRSTRLEN] = "";
	if (v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
	snprintf(s->url, sizeof(s->url), "%s://%s%s%s:%u/", s->tls_cert ? "https" : "http", v6 ? "[" : "", host,
		 v6 ? "]" : "", info ? info->port : 0);
	*out = s;
	return 0;
fail:
	ctx_free(s);
	return rc;
}

const char *lc_serve_url(const lc_serve *s)
{
	return s->url;
}

const char *lc_serve_live_socket(const lc_serve *s)
{
	return s->live_path;
}

void lc_serve_stop(lc_serve *s)
{
	if (s)
		ctx_free(s);
}
