/* What the pages share: the server's context, the request's arguments and the page frame. Each page renders
 * into a lc_sb and returns the HTTP status; pages know nothing of libmicrohttpd (serve/server.c does). */
#ifndef LC_SERVE_PAGE_H
#define LC_SERVE_PAGE_H

#include <stdbool.h>

#include <lanecert/channel.h>
#include <lanecert/results.h>

#include "serve/live.h"
#include "serve/query.h"
#include "serve/sbuf.h"
#include "serve/serve.h"

#define LC_SHIFTS_MAX 6

/* "06:00,14:00,22:00" into minutes after midnight (1 to LC_SHIFTS_MAX, strictly rising). LC_ERR_ARG otherwise. */
int lc_shifts_parse(const char *text, int *mins, size_t *n, lc_diag *diag);

typedef struct lc_serve_ctx {
	lc_sq *q;
	lc_live *live;
	lc_station *stations[LC_SERVE_STATIONS_MAX];
	size_t n_stations;
	bool have_pubkey;
	lc_pubkey pubkey;
	char pubkey_path[1024];
	int shift_min[LC_SHIFTS_MAX]; /* each shift's start, minutes after local midnight, rising */
	size_t n_shifts;              /* 0: no shifts configured */
} lc_serve_ctx;

typedef struct lc_req {
	void *conn;       /* the server's connection: only lc_req_arg() looks into it */
	const char *path; /* the URL's path */
} lc_req;

/* A query argument's value (decoded), NULL when absent. */
const char *lc_req_arg(const lc_req *r, const char *key);

/* A file a route answers with instead of a page (reports: by run id only, never by path). */
typedef struct lc_reply_file {
	int fd;                  /* -1: none */
	long long size;
	const char *media_type;
	char disposition[160];   /* Content-Disposition, "" for none */
} lc_reply_file;

/* The frame every page shares: <head>, the navigation (here: the current page's name), and the end. */
void lc_page_begin(lc_sb *b, const char *title, const char *here);
void lc_page_end(lc_sb *b);
/* A page that only says what went wrong (400, 404, 500 ...), escaped. */
int lc_page_error(lc_sb *b, int status, const char *what);
/* A verdict as a coloured label ("incomplete" for NULL). */
void lc_page_verdict(lc_sb *b, const char *verdict);

int lc_page_line(lc_serve_ctx *c, const lc_req *r, lc_sb *b);
int lc_page_history(lc_serve_ctx *c, const lc_req *r, lc_sb *b);
/* /runs/ID and its files (/runs/ID/report.html|report.json|report.json.minisig|report.pdf). */
int lc_page_run(lc_serve_ctx *c, const lc_req *r, lc_sb *b, lc_reply_file *file);
int lc_page_quality(lc_serve_ctx *c, const lc_req *r, lc_sb *b);
int lc_page_station(lc_serve_ctx *c, const lc_req *r, lc_sb *b);

/* Embedded assets (serve/assets.c): NULL when there is no such asset. */
const char *lc_asset(const char *name, const char **media_type, size_t *len);

#endif
