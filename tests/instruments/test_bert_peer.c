/* The scripted loopback SCPI peer of the BERT driver tests (see test_bert_peer.h). */
#include "test_bert_peer.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void send_line(int fd, const char *s)
{
	char buf[4096];
	int n = snprintf(buf, sizeof buf, "%s\n", s);
	ssize_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, buf + off, (size_t)(n - off));
		if (w <= 0)
			return;
		off += w;
	}
}

static void handle(bert_peer *p, int fd, const char *line)
{
	size_t tl = strlen(p->transcript);
	snprintf(p->transcript + tl, sizeof p->transcript - tl, "%s\n", line);
	bool scripted_stb = p->pos < p->n && strcmp(p->script[p->pos].expect, "*STB?") == 0;
	if (strcmp(line, "*STB?") == 0 && !scripted_stb) {
		send_line(fd, "0");
		return;
	}
	if (p->mismatch[0])
		return;
	if (p->pos >= p->n) {
		snprintf(p->mismatch, sizeof p->mismatch, "unexpected command after the script: '%.200s'", line);
		return;
	}
	const peer_step *st = &p->script[p->pos++];
	if (strcmp(st->expect, line) != 0) {
		snprintf(p->mismatch, sizeof p->mismatch, "step %zu: expected '%.200s', got '%.200s'", p->pos,
			 st->expect, line);
		return;
	}
	if (st->reply)
		send_line(fd, st->reply);
}

static void *run(void *arg)
{
	bert_peer *p = arg;
	int fd = accept(p->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	char buf[8192];
	size_t len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		char *nl;
		while ((nl = memchr(buf, '\n', len))) {
			*nl = '\0';
			handle(p, fd, buf);
			size_t used = (size_t)(nl - buf) + 1;
			memmove(buf, nl + 1, len - used);
			len -= used;
		}
		if (len == sizeof buf - 1)
			break;
	}
	close(fd);
	return NULL;
}

void peer_start(bert_peer *p, const peer_step *script, size_t n)
{
	memset(p, 0, sizeof *p);
	p->script = script;
	p->n = n;
	p->lfd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(p->lfd, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(p->lfd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(p->lfd, 1), 0);
	socklen_t al = sizeof a;
	cr_assert_eq(getsockname(p->lfd, (struct sockaddr *)&a, &al), 0);
	p->port = ntohs(a.sin_port);
	cr_assert_eq(pthread_create(&p->thread, NULL, run, p), 0);
}

void peer_join(bert_peer *p)
{
	pthread_join(p->thread, NULL);
	close(p->lfd);
}

void peer_resource(const bert_peer *p, char *buf, size_t cap)
{
	snprintf(buf, cap, "TCPIP0::127.0.0.1::%d::SOCKET", p->port);
}
