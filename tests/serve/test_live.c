/* The live view's hub (serve/live.c) and the run's publisher (serve/publish.c): the slots' state from events,
 * event ids and the catch-up of a reconnecting browser, resets, refused messages, the events socket. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "serve/live.h"
#include "serve/serve.h"

static lc_live *hub(void)
{
	lc_live *l;
	lc_diag d;
	cr_assert_eq(lc_live_new(&l, &d), 0);
	return l;
}

static int ingest(lc_live *l, const char *s)
{
	return lc_live_ingest(l, s, strlen(s));
}

static const char *boot_of(lc_live *l, char id[40])
{
	lc_live_slot s[4];
	lc_live_slots(l, s, 4, id);
	*strchr(id, '.') = '\0';
	return id;
}

Test(serve_live, events_set_the_slot_state)
{
	lc_live *l = hub();
	cr_assert_eq(ingest(l, "{\"station\":\"st\",\"pid\":7,\"event\":\"slot_start\",\"slot\":2,\"serial\":\"SN1\","
			       "\"operator\":\"<b>op</b>\",\"procedure\":\"p\",\"cable_type\":\"c\"}"), 0);
	cr_assert_eq(ingest(l, "{\"station\":\"st\",\"event\":\"step_start\",\"slot\":2,\"step\":\"ber\",\"index\":2,\"total\":3}"), 0);
	cr_assert_eq(ingest(l, "{\"station\":\"st\",\"event\":\"progress\",\"slot\":2,\"step\":\"ber\",\"fraction\":0.25,"
			       "\"eta_s\":30,\"text\":\"soak\"}"), 0);
	lc_live_slot s[4];
	char id[40];
	cr_assert_eq(lc_live_slots(l, s, 4, id), 1);
	cr_assert_str_eq(s[0].station, "st");
	cr_assert_eq(s[0].slot, 2);
	cr_assert(s[0].running);
	cr_assert_str_eq(s[0].serial, "SN1");
	cr_assert_str_eq(s[0].operator_name, "<b>op</b>"); /* kept as text; the pages escape it */
	cr_assert_str_eq(s[0].step, "ber");
	cr_assert_eq(s[0].index, 2);
	cr_assert_eq(s[0].total, 3);
	cr_assert_float_eq(s[0].fraction, 0.25, 1e-12);
	cr_assert_float_eq(s[0].eta_s, 30, 1e-12);
	cr_assert_eq(ingest(l, "{\"station\":\"st\",\"event\":\"result\",\"slot\":2,\"serial\":\"SN1\",\"verdict\":\"fail\","
			       "\"reason\":\"lane 3 over\"}"), 0);
	lc_live_slots(l, s, 4, id);
	cr_assert(!s[0].running);
	cr_assert_str_eq(s[0].last_verdict, "fail");
	cr_assert_str_eq(s[0].last_reason, "lane 3 over");
	cr_assert_str_eq(s[0].step, "");
	cr_assert(strstr(id, ".4"), "four events: %s", id);
	lc_live_free(l);
}

Test(serve_live, what_is_no_event_is_refused_and_counted)
{
	lc_live *l = hub();
	static const char *const bad[] = {
		"", "not json", "[1]", "{\"station\":\"s\",\"slot\":1}",            /* no event */
		"{\"station\":\"s\",\"event\":\"hello\",\"slot\":1}",              /* unknown event */
		"{\"event\":\"log\",\"slot\":1}",                                  /* no station */
		"{\"station\":\"s\",\"event\":\"log\",\"slot\":0}",                /* slot 0 */
		"{\"station\":\"s\",\"event\":\"log\",\"slot\":\"1\"}",            /* slot not a number */
		"{\"station\":\"s\",\"event\":\"log\",\"slot\":1,\"slot\":2}",     /* duplicate key */
		"{\"station\":\"s\",\"event\":\"log\",\"slot\":1", /* cut */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(ingest(l, bad[i]), LC_ERR_FORMAT, "accepted: %s", bad[i]);
	char big[LC_PUBLISH_DATAGRAM_MAX + 100];
	int n = snprintf(big, sizeof(big), "{\"station\":\"s\",\"event\":\"log\",\"slot\":1,\"message\":\"");
	memset(big + n, 'x', sizeof(big) - (size_t)n - 3);
	strcpy(big + sizeof(big) - 3, "\"}");
	cr_expect_eq(ingest(l, big), LC_ERR_FORMAT, "an event longer than a message may be");
	unsigned long got, refused;
	lc_live_counts(l, &got, &refused);
	cr_assert_eq(got, 0);
	cr_assert_eq(refused, sizeof(bad) / sizeof(bad[0]) + 1);
	lc_live_free(l);
}

Test(serve_live, a_reconnecting_reader_catches_up_from_its_id)
{
	lc_live *l = hub();
	for (int i = 1; i <= 5; i++) {
		char e[128];
		snprintf(e, sizeof(e), "{\"station\":\"s\",\"event\":\"log\",\"slot\":1,\"message\":\"m%d\"}", i);
		cr_assert_eq(ingest(l, e), 0);
	}
	char boot[40], last[64], buf[8192];
	boot_of(l, boot);
	snprintf(last, sizeof(last), "%s.2", boot);
	bool reset;
	uint64_t next = lc_live_resume_point(l, last, &reset);
	cr_assert(!reset);
	cr_assert_eq(next, 3);
	long n = lc_live_read(l, &next, &reset, buf, sizeof(buf), 0);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	char want[512];
	snprintf(want, sizeof(want),
		 "id: %s.3\ndata: {\"station\":\"s\",\"event\":\"log\",\"slot\":1,\"message\":\"m3\"}\n\n"
		 "id: %s.4\ndata: {\"station\":\"s\",\"event\":\"log\",\"slot\":1,\"message\":\"m4\"}\n\n"
		 "id: %s.5\ndata: {\"station\":\"s\",\"event\":\"log\",\"slot\":1,\"message\":\"m5\"}\n\n",
		 boot, boot, boot);
	cr_assert_str_eq(buf, want);
	cr_assert_eq(next, 6);
	/* nothing new: a keep-alive comment after the wait */
	n = lc_live_read(l, &next, &reset, buf, sizeof(buf), 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, ": keep-alive\n\n");
	/* no id (a first connection without one): only events to come */
	next = lc_live_resume_point(l, NULL, &reset);
	cr_assert(!reset);
	cr_assert_eq(next, 6);
	lc_live_free(l);
}

Test(serve_live, a_foreign_or_lost_id_gets_a_reset)
{
	lc_live *l = hub();
	cr_assert_eq(ingest(l, "{\"station\":\"s\",\"event\":\"log\",\"slot\":1}"), 0);
	char boot[40], id[64], buf[256];
	boot_of(l, boot);
	bool reset;
	uint64_t next = lc_live_resume_point(l, "abc.1", &reset); /* another server's boot */
	cr_assert(reset);
	long n = lc_live_read(l, &next, &reset, buf, sizeof(buf), 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "event: reset\ndata: {}\n\n");
	snprintf(id, sizeof(id), "%s.9", boot); /* an id this server never gave */
	lc_live_resume_point(l, id, &reset);
	cr_assert(reset);
	/* more events than the ring holds: an id from before them is lost */
	for (int i = 0; i < LC_LIVE_RING + 5; i++)
		cr_assert_eq(ingest(l, "{\"station\":\"s\",\"event\":\"log\",\"slot\":1}"), 0);
	snprintf(id, sizeof(id), "%s.1", boot);
	next = lc_live_resume_point(l, id, &reset);
	cr_assert(reset);
	/* a reader left behind by the ring while it streamed */
	reset = false;
	next = 2;
	n = lc_live_read(l, &next, &reset, buf, sizeof(buf), 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "event: reset\ndata: {}\n\n");
	cr_assert_eq(next, LC_LIVE_RING + 6 + 1);
	lc_live_shutdown(l);
	cr_assert_eq(lc_live_read(l, &next, &reset, buf, sizeof(buf), 1000), -1, "a shut hub ends the streams at once");
	lc_live_free(l);
}

static char *scratch(const char *name)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/serve-live-%d-%s", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp",
		 (int)getpid(), name);
	unlink(path);
	return path;
}

Test(serve_live, the_publisher_reaches_a_listening_hub_and_never_blocks)
{
	char path[512];
	snprintf(path, sizeof(path), "%s", scratch("sock"));
	lc_publisher *p;
	lc_diag d;
	cr_assert_eq(lc_publish_open(path, "st\"1", &p, &d), 0, "%s", d.text);
	/* nobody listens yet: dropped, counted, no error */
	lc_publish_line(p, "{\"event\":\"log\",\"slot\":1,\"message\":\"x\"}\n", 37);
	cr_assert_eq(lc_publish_dropped(p), 1);
	lc_live *l = hub();
	cr_assert_eq(lc_live_listen(l, path, &d), 0, "%s", d.text);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0660);
	/* a second server on the same socket is refused */
	lc_live *l2 = hub();
	cr_assert_eq(lc_live_listen(l2, path, &d), LC_ERR_BUSY);
	cr_assert(strstr(d.text, "another server"), "%s", d.text);
	lc_live_free(l2);
	const char ev[] = "{\"event\":\"step_start\",\"slot\":3,\"step\":\"fiber-map\",\"index\":1,\"total\":3}\n";
	/* the publisher tries a new connection at most every 500 ms: events until then are dropped */
	unsigned long got = 0, refused, published = 0;
	for (int i = 0; i < 500 && got == 0; i++) { /* up to 5 s */
		lc_publish_line(p, ev, sizeof(ev) - 1);
		published++;
		for (int k = 0; k < 10 && got == 0; k++) {
			lc_live_counts(l, &got, &refused);
			if (!got)
				usleep(1000);
		}
	}
	cr_assert_eq(got, 1);
	cr_assert_eq(lc_publish_dropped(p), published, "every event before the connection was dropped, and counted");
	lc_live_slot s[2];
	char id[40];
	cr_assert_eq(lc_live_slots(l, s, 2, id), 1);
	cr_assert_str_eq(s[0].station, "st\"1", "the station is tagged and escaped by the publisher");
	cr_assert_eq(s[0].slot, 3);
	cr_assert_str_eq(s[0].step, "fiber-map");
	/* an event that is no object is never sent */
	lc_publish_line(p, "not json", 8);
	cr_assert_eq(lc_publish_dropped(p), published + 1);
	lc_live_shutdown(l);
	lc_live_free(l);
	cr_assert_neq(access(path, F_OK), 0, "the socket is removed when the server stops");
	lc_publish_close(p);
}

Test(serve_live, a_stale_socket_is_replaced_and_a_plain_file_kept)
{
	char path[512];
	snprintf(path, sizeof(path), "%s", scratch("stale"));
	/* a server that died leaves its socket file behind: bound, then closed without unlink */
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	cr_assert_lt(strlen(path), sizeof(a.sun_path));
	memcpy(a.sun_path, path, strlen(path) + 1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "%s", strerror(errno));
	close(fd);
	cr_assert_eq(access(path, F_OK), 0);
	lc_live *l = hub();
	lc_diag d;
	cr_assert_eq(lc_live_listen(l, path, &d), 0, "%s", d.text);
	lc_live_shutdown(l);
	lc_live_free(l);
	FILE *f = fopen(path, "w");
	fputs("not a socket", f);
	fclose(f);
	l = hub();
	cr_assert_eq(lc_live_listen(l, path, &d), LC_ERR_BUSY);
	cr_assert(strstr(d.text, "not a socket"), "%s", d.text);
	lc_live_free(l);
	cr_assert_eq(access(path, F_OK), 0, "the file is not removed");
	unlink(path);
}

Test(serve_live, a_server_that_never_reads_costs_the_run_only_dropped_events)
{
	char path[512];
	snprintf(path, sizeof(path), "%s", scratch("slow"));
	/* a server that accepts the run's connection and then never reads: its buffer fills */
	int lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	cr_assert_lt(strlen(path), sizeof(a.sun_path));
	memcpy(a.sun_path, path, strlen(path) + 1);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0, "%s", strerror(errno));
	cr_assert_eq(listen(lfd, 4), 0);
	lc_publisher *p;
	lc_diag d;
	cr_assert_eq(lc_publish_open(path, "st", &p, &d), 0, "%s", d.text);
	char ev[600];
	int n = snprintf(ev, sizeof(ev), "{\"event\":\"log\",\"slot\":1,\"message\":\"%0500d\"}", 7);
	const int sent = 5000;
	for (int i = 0; i < sent; i++) /* each call returns at once: a blocked send would hang the test here */
		lc_publish_line(p, ev, (size_t)n);
	unsigned long dropped = lc_publish_dropped(p);
	cr_assert_gt(dropped, 0, "the buffer never filled: the fault did not happen");
	cr_assert_lt(dropped, (unsigned long)sent, "nothing was delivered: the connection never worked");
	/* what was not dropped is there, whole, in order of sending */
	int c = accept(lfd, NULL, NULL);
	cr_assert_geq(c, 0);
	char buf[8192];
	unsigned long got = 0;
	ssize_t r;
	while ((r = recv(c, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		cr_assert_eq((size_t)r, strlen("{\"station\":\"st\",\"pid\":,") + (size_t)n - 1 +
					 (size_t)snprintf(NULL, 0, "%d", (int)getpid()));
		got++;
	}
	cr_assert_eq(got + dropped, (unsigned long)sent, "%lu delivered + %lu dropped", got, dropped);
	close(c);
	close(lfd);
	unlink(path);
	lc_publish_close(p);
}

Test(serve_live, a_server_that_accepts_nobody_costs_the_run_only_dropped_events)
{
	char path[512];
	snprintf(path, sizeof(path), "%s", scratch("full"));
	int lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	cr_assert_lt(strlen(path), sizeof(a.sun_path));
	memcpy(a.sun_path, path, strlen(path) + 1);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(lfd, 0), 0);
	/* its backlog is full of connections it never accepts */
	int waiting[4], n_wait = 0;
	for (; n_wait < 4; n_wait++) {
		waiting[n_wait] = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
		if (connect(waiting[n_wait], (struct sockaddr *)&a, sizeof(a)) < 0) {
			cr_assert_eq(errno, EAGAIN, "%s", strerror(errno));
			break;
		}
	}
	cr_assert_lt(n_wait, 4, "the backlog never filled");
	lc_publisher *p;
	lc_diag d;
	cr_assert_eq(lc_publish_open(path, "st", &p, &d), 0);
	for (int i = 0; i < 10; i++)
		lc_publish_line(p, "{\"event\":\"log\",\"slot\":1}", 25);
	cr_assert_eq(lc_publish_dropped(p), 10);
	lc_publish_close(p);
	for (int i = 0; i <= n_wait; i++)
		close(waiting[i]);
	close(lfd);
	unlink(path);
}
