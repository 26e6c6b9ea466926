/*
 * The PDF's plots drawn in child processes (reports/pdf_plotter_priv.h): lanecert-render-plots
 * (reports/render_plots_main.c) sizes the plots before the layout ("measure") and, once the text's PDF is
 * finished with each plot's frame left empty, draws them into those frames on the A4 pages of an overlay PDF
 * ("draw"); qpdf then lays each overlay page over its page (`qpdf --overlay`). No process holds both pango's
 * text layout and librsvg (issue 22: each process's peak RSS), and with cairo's PDF surface librsvg keeps the
 * plots' text as text, as when drawn in one process. The protocol on the drawer's stdin and stdout is in
 * reports/render_plots_main.c. A thread that keeps a drawer (lc_pdf_drawer_keep(), lanecert-render --serve)
 * sends both passes of every report to it instead of running one drawer per pass.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "reports/child_run_priv.h"
#include "reports/pdf_plotter_priv.h"

#define PLOT_OUT_MAX ((size_t)256 << 20)

/* The calling thread's kept drawer (lc_pdf_drawer_keep): `lanecert-render-plots serve`; its stderr is this
 * process's. */
static _Thread_local lc_kept_child *kept;

int lc_pdf_drawer_keep(const char *program)
{
	if (!program || !*program)
		return LC_ERR_ARG;
	/* a drawer that cannot be run exits 127: the first request finds it gone and runs a drawer of its own,
	 * which says why */
	const char *const argv[] = {program, "serve", NULL};
	if (!kept)
		kept = lc_kept_child_start(argv, false);
	return kept ? 0 : LC_ERR_IO;
}

/* Reap the kept drawer: told to end (the end of its stdin), or killed first when kill_it. */
static void drop_kept(bool kill_it)
{
	if (!kept)
		return;
	lc_kept_child_exit x = lc_kept_child_end(kept, kill_it);
	kept = NULL;
	int status = x.status;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) /* lanecert run -v: what bench run reads */
		lc_log(LC_LOG_INFO, "plots", "peak RSS %ld KiB (wait4)", x.max_rss_kib);
}

void lc_pdf_drawer_drop(void)
{
	drop_kept(false);
}

/* All of p to or from the kept drawer before the deadline: 0, or -1 (gone, or too slow: *late says which). */
static int kept_io(bool sending, char *p, size_t len, int64_t deadline, bool *late)
{
	while (len > 0) {
		int64_t left = deadline - lc_now_ms();
		struct pollfd pf = {kept->fd, sending ? POLLOUT : POLLIN, 0};
		if (left <= 0 || poll(&pf, 1, (int)left) == 0) {
			*late = true;
			return -1;
		}
		ssize_t n = sending ? send(kept->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT)
				    : recv(kept->fd, p, len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* One request to the kept drawer (its protocol: reports/render_plots_main.c). 1: it is gone (reaped; the caller
 * runs a drawer of its own), else 0 or the request's error. */
static int kept_request(const lc_pdf_plotter *pl, const char *mode, const char *what, const lc_strbuf *in,
			char **out, size_t *len, lc_diag *diag)
{
	char head[128];
	if (strcmp(mode, "draw") == 0)
		snprintf(head, sizeof(head), "draw %.3f %.3f %zu\n", LC_PDF_PAGE_W, LC_PDF_PAGE_H, in->len);
	else
		snprintf(head, sizeof(head), "%s %zu\n", mode, in->len);
	int64_t deadline = lc_now_ms() + pl->timeout_ms;
	bool late = false;
	char ans[64];
	size_t got = 0;
	int rc = kept_io(true, head, strlen(head), deadline, &late) < 0 ||
		 kept_io(true, in->p ? in->p : "", in->len, deadline, &late) < 0;
	while (rc == 0 && (got == 0 || ans[got - 1] != '\n'))
		if (got == sizeof(ans) - 1 || kept_io(false, ans + got, 1, deadline, &late) < 0)
			rc = 1;
		else
			got++;
	ans[got] = '\0';
	char word[8];
	unsigned long long blen = 0;
	if (rc == 0 && (sscanf(ans, "%7s %llu", word, &blen) != 2 || blen > PLOT_OUT_MAX ||
			(strcmp(word, "ok") != 0 && strcmp(word, "error") != 0)))
		rc = 1;
	char *body = rc == 0 ? malloc(blen + 1) : NULL;
	if (rc == 0 && (!body || kept_io(false, body, blen, deadline, &late) < 0))
		rc = 1;
	if (rc != 0) {
		free(body);
		drop_kept(true);
		if (late)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "%s did not finish within %d ms", what, pl->timeout_ms);
		return 1;
	}
	body[blen] = '\0';
	if (strcmp(word, "error") == 0) { /* as a drawer of its own says it: its stderr's last line */
		rc = lc_diag_set(diag, LC_ERR_IO, "%s failed: lanecert-render-plots: %s", what, body);
		free(body);
		return rc;
	}
	*out = body, *len = blen;
	return 0;
}

static int run_drawer(const lc_pdf_plotter *pl, const char *mode, const lc_strbuf *in, char **out, size_t *len,
		      lc_diag *diag)
{
	const char *what = "the plot drawer (lanecert-render-plots)";
	if (kept && strcmp(kept->program, pl->program) == 0) {
		int rc = kept_request(pl, mode, what, in, out, len, diag);
		if (rc != 1)
			return rc;
	}
	char pw[32], ph[32];
	snprintf(pw, sizeof(pw), "%.3f", LC_PDF_PAGE_W);
	snprintf(ph, sizeof(ph), "%.3f", LC_PDF_PAGE_H);
	const char *argv[] = {pl->program, mode, strcmp(mode, "draw") == 0 ? pw : NULL, ph, NULL};
	return lc_child_run(argv, what, "plots", NULL, 0, in->p, in->len, pl->timeout_ms, PLOT_OUT_MAX, out, len, diag);
}

static int child_measure(const lc_pdf_plotter *pl, const lc_plot_set *ps, lc_pdf_plot_box *boxes, lc_diag *diag)
{
	lc_strbuf in = {0};
	size_t n = 0;
	for (size_t i = 0; i < ps->n; i++) {
		if (!ps->plots[i].svg)
			continue;
		size_t len = strlen(ps->plots[i].svg);
		lc_strbuf_printf(&in, "%zu\n", len);
		lc_strbuf_put(&in, ps->plots[i].svg, len);
		n++;
	}
	if (in.err) {
		free(in.p);
		return lc_diag_set(diag, in.err, "PDF: out of memory");
	}
	if (n == 0)
		return 0;
	char *out = NULL;
	size_t olen;
	int rc = run_drawer(pl, "measure", &in, &out, &olen, diag);
	free(in.p);
	if (rc < 0)
		return rc;
	/* one line per SVG sent, in order: "ok W H" or "missing WHY" */
	char *line = out;
	for (size_t i = 0, answered = 0; i < ps->n && rc == 0; i++) {
		if (!ps->plots[i].svg)
			continue;
		char *nl = line ? strchr(line, '\n') : NULL;
		if (!nl) {
			rc = lc_diag_set(diag, LC_ERR_FORMAT, "the plot drawer answered %zu plots' sizes of %zu", answered, n);
			break;
		}
		answered++;
		*nl = '\0';
		lc_pdf_plot_box *b = &boxes[i];
		if (strncmp(line, "missing ", 8) == 0)
			snprintf(b->why, sizeof(b->why), "%s", line + 8);
		else if (sscanf(line, "ok %lf %lf", &b->w, &b->h) == 2 && b->w > 0 && b->h > 0)
			b->ok = true;
		else
			rc = lc_diag_set(diag, LC_ERR_FORMAT, "the plot drawer's answer '%.80s' is no size", line);
		line = nl + 1;
	}
	free(out);
	return rc;
}

/* A PDF in memory as a file the child opens by name (/proc/self/fd/N): qpdf reads files, never stdin. */
static int mem_file(const char *name, const char *data, size_t len, lc_diag *diag)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return lc_diag_set(diag, LC_ERR_IO, "memfd_create: %s", strerror(errno));
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return lc_diag_set(diag, LC_ERR_IO, "writing the %s: %s", name, strerror(errno));
		}
		off += (size_t)n;
	}
	return fd;
}

static int child_finish(const lc_pdf_plotter *pl, const lc_plot_set *ps, const lc_pdf_frame *frames, size_t n,
			lc_pdf_mem *pdf, lc_diag *diag)
{
	/* the frames come in page order (the layout runs down the pages): one overlay page per page with plots */
	lc_strbuf in = {0}, to = {0};
	size_t pages = 0, last = 0;
	lc_strbuf_put(&to, "--to=", 5); /* the pages with plots; overlay page k goes onto the k-th of them */
	for (size_t i = 0; i < n; i++) {
		const lc_pdf_frame *f = &frames[i];
		const char *svg = ps->plots[f->plot].svg;
		size_t len = strlen(svg);
		lc_strbuf_printf(&in, "%zu %.3f %.3f %.3f %.3f %zu\n", f->page, f->x, f->y, f->w, f->h, len);
		lc_strbuf_put(&in, svg, len);
		if (f->page != last)
			lc_strbuf_printf(&to, "%s%zu", pages ? "," : "", f->page), pages++, last = f->page;
	}
	int rc = in.err ? in.err : to.err;
	if (rc < 0) {
		free(in.p), free(to.p);
		return lc_diag_set(diag, rc, "PDF: out of memory");
	}
	char *overlay = NULL;
	size_t olen = 0;
	rc = run_drawer(pl, "draw", &in, &overlay, &olen, diag);
	free(in.p);
	int fds[2] = {-1, -1};
	if (rc == 0 && (fds[0] = mem_file("report text PDF", pdf->p, pdf->len, diag)) < 0)
		rc = fds[0];
	if (rc == 0 && (fds[1] = mem_file("plots overlay PDF", overlay, olen, diag)) < 0)
		rc = fds[1];
	free(overlay);
	char *merged = NULL;
	size_t mlen = 0;
	if (rc == 0) {
		char from_arg[64];
		snprintf(from_arg, sizeof(from_arg), "--from=1-%zu", pages);
		/* --deterministic-id: the same JSON gives the same PDF bytes */
		const char *argv[] = {pl->qpdf ? pl->qpdf : "qpdf", "--deterministic-id", "--overlay", "/proc/self/fd/4",
				      from_arg, to.p, "--", "/proc/self/fd/3", "-", NULL};
		rc = lc_child_run(argv, "qpdf (laying the plots over the PDF's pages)", "qpdf", fds, 2, NULL, 0, pl->timeout_ms,
				  PLOT_OUT_MAX, &merged, &mlen, diag);
	}
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(to.p);
	if (rc == 0 && (mlen < 8 || memcmp(merged, "%PDF-", 5) != 0))
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "qpdf wrote no PDF (%zu bytes)", mlen);
	if (rc < 0) {
		free(merged);
		return rc;
	}
	free(pdf->p);
	pdf->p = merged, pdf->len = mlen, pdf->cap = mlen;
	return 0;
}

lc_pdf_plotter lc_pdf_plotter_child(const char *program)
{
	return (lc_pdf_plotter){.measure = child_measure, .finish = child_finish,
				.program = program && *program ? program : "lanecert-render-plots", .timeout_ms = 60000};
}
