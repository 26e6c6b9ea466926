/*
 * The pages' queries on the fleet's PostgreSQL store, through the public lc_fleet_query() (the same rows and
 * order as the SQLite store's; report_path is NULL: the reports are in the database). One connection, used by
 * one request at a time (an lc_fleet is not shared between threads at once); a connection lost (LC_ERR_IO)
 * is made again at the next request.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lanecert/fleet.h>

#include "serve/query.h"
#include "serve/query_priv.h"

struct fleet_impl {
	char url[1024];
	pthread_mutex_t lock; /* the connection, one request at a time */
	lc_fleet *f;
};

static int fleet_each(void *impl, const lc_sq_filter *f, lc_sq_row_fn fn, void *user, lc_diag *diag)
{
	struct fleet_impl *s = impl;
	pthread_mutex_lock(&s->lock);
	int rc = 0;
	if (!s->f)
		rc = lc_fleet_connect(s->url, &s->f, diag);
	if (rc == 0) {
		lc_store_filter sf = lc_sq_store_filter(f);
		struct lc_sq_adapter c = {f, fn, user, 0, 0};
		rc = lc_fleet_query(s->f, &sf, lc_sq_adapt, &c, diag);
		if (rc == LC_ERR_IO) { /* the server went away: a new connection next time */
			lc_fleet_close(s->f);
			s->f = NULL;
		}
		if (rc >= 0)
			rc = c.stop ? c.stop : c.matched;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int fleet_report(void *impl, int64_t id, lc_fleet_report *out, lc_diag *diag)
{
	struct fleet_impl *s = impl;
	pthread_mutex_lock(&s->lock);
	int rc = 0;
	if (!s->f)
		rc = lc_fleet_connect(s->url, &s->f, diag);
	if (rc == 0) {
		rc = lc_fleet_report_get(s->f, id, out, diag);
		if (rc == LC_ERR_IO) {
			lc_fleet_close(s->f);
			s->f = NULL;
		}
	} else {
		memset(out, 0, sizeof(*out));
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int fleet_report_file(void *impl, int64_t id, const char *name, char **data, size_t *len, lc_diag *diag)
{
	struct fleet_impl *s = impl;
	pthread_mutex_lock(&s->lock);
	int rc = 0;
	*data = NULL;
	if (!s->f)
		rc = lc_fleet_connect(s->url, &s->f, diag);
	if (rc == 0) {
		rc = lc_fleet_report_file(s->f, id, name, data, len, diag);
		if (rc == LC_ERR_IO) {
			lc_fleet_close(s->f);
			s->f = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static void fleet_close(void *impl)
{
	struct fleet_impl *s = impl;
	lc_fleet_close(s->f);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const lc_sq_backend fleet_backend = {"postgresql", fleet_each, fleet_close, fleet_report, fleet_report_file};

/* The URL as the pages show it: without a password (postgresql://user:secret@host/db). */
static void shown_url(const char *url, char *out, size_t cap)
{
	const char *scheme_end = strstr(url, "://");
	const char *at = strchr(url, '@');
	const char *colon = scheme_end ? strchr(scheme_end + 3, ':') : NULL;
	if (scheme_end && at && colon && colon < at)
		snprintf(out, cap, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, cap, "%s", url);
	char *q = strchr(out, '?'); /* parameters may hold a password too */
	if (q)
		*q = '\0';
}

int lc_sq_open_fleet(const char *url, lc_sq **out, lc_diag *diag)
{
	*out = NULL;
	if (strlen(url) >= sizeof(((struct fleet_impl *)0)->url))
		return lc_diag_set(diag, LC_ERR_ARG, "--db: URL too long");
	lc_sq *q = calloc(1, sizeof(*q));
	struct fleet_impl *s = calloc(1, sizeof(*s));
	if (!q || !s) {
		free(q);
		free(s);
		return lc_diag_set(diag, LC_ERR_NOMEM, "fleet store");
	}
	strcpy(s->url, url);
	int rc = lc_fleet_connect(url, &s->f, diag); /* at once: a wrong URL is said at start, not per page */
	if (rc < 0) {
		free(q);
		free(s);
		return rc;
	}
	pthread_mutex_init(&s->lock, NULL);
	q->backend = &fleet_backend;
	q->impl = s;
	q->fleet = true;
	shown_url(url, q->where, sizeof(q->where));
	*out = q;
	return 0;
}
