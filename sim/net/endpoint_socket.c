/*
 * Raw SCPI socket endpoint (port 5025 on real instruments) and the byte-stream serving loop that the
 * pseudo-terminal endpoint shares: messages end at the terminator (block-aware), replies are written at once
 * followed by the endpoint's terminator.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/net/endpoint_priv.h"

struct stream {
	struct lc_sim_conn *c;
	int fd;
	uint8_t *reply;
	size_t len, cap;
	bool closing;
};

static bool on_message(const uint8_t *msg, size_t len, bool overflowed, void *user)
{
	struct stream *s = user;
	lc_sim_endpoint *ep = s->c->ep;
	if (overflowed) {
		lc_sim_push_error(ep->e, -363, "Input buffer overrun;message longer than the input buffer");
		return true;
	}
	if (lc_sim_blank(msg, len))
		return true;
	s->len = 0;
	int delay = 0;
	int action = lc_sim_scpi_execute(ep->e, (const char *)msg, len, &s->reply, &s->len, &s->cap, &delay);
	if (action < 0 || action == LC_SIM_SILENT)
		return true;
	lc_sim_ep_sleep(ep, delay);
	if (s->len > 0) {
		/* the reply and its terminator in one write: one TCP segment for short replies */
		size_t tl = action == LC_SIM_CUT ? 0 : strlen(ep->terminator);
		if (s->len + tl > s->cap) {
			uint8_t *n = realloc(s->reply, s->len + tl);
			if (!n)
				return false;
			s->reply = n;
			s->cap = s->len + tl;
		}
		memcpy(s->reply + s->len, ep->terminator, tl);
		if (lc_sim_ep_write(s->fd, s->reply, s->len + tl) < 0)
			return false;
	}
	if (action == LC_SIM_CLOSE || action == LC_SIM_CUT) {
		s->closing = true;
		return false;
	}
	return true;
}

/* Serve a byte stream (socket or pty master) until EOF, an error, a fault's close or the endpoint's stop. */
int lc_sim_serve_stream(struct lc_sim_conn *c, int fd, char term)
{
	lc_sim_endpoint *ep = c->ep;
	lc_sim_lines lines;
	if (lc_sim_lines_init(&lines, ep->o.max_message, term) < 0)
		return LC_ERR_NOMEM;
	struct stream s = {.c = c, .fd = fd};
	uint8_t buf[16384];
	int rc = 0;
	for (;;) {
		ssize_t n = lc_sim_ep_read(ep, fd, buf, sizeof(buf));
		if (n <= 0) {
			rc = n == 0 ? LC_ERR_CLOSED : (int)n;
			break;
		}
		if (!lc_sim_lines_feed(&lines, buf, (size_t)n, on_message, &s)) {
			rc = s.closing ? LC_ERR_CLOSED : LC_ERR_IO;
			break;
		}
	}
	lc_sim_lines_free(&lines);
	free(s.reply);
	return rc;
}

static void serve_socket(struct lc_sim_conn *c)
{
	lc_sim_serve_stream(c, c->fd, '\n');
}

int lc_sim_socket_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag)
{
	lc_sim_endpoint *ep;
	int r = lc_sim_ep_new(e, LC_SIM_EP_SOCKET, opts, &ep, diag);
	if (r < 0)
		return r;
	int fd = lc_sim_ep_listen_tcp(ep, ep->o.port, &ep->port, diag);
	if (fd < 0) {
		lc_sim_endpoint_stop(ep);
		return fd;
	}
	lc_sim_ep_add_listener(ep, fd, serve_socket);
	r = lc_sim_ep_start(ep, diag);
	if (r < 0) {
		lc_sim_endpoint_stop(ep);
		return r;
	}
	*out = ep;
	return 0;
}
