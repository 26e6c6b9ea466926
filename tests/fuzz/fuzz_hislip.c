/* libFuzzer target: the HiSLIP client's message decoding (hal/transport_hislip.c, hal/hislip_msg.c). The
 * input is what a server sends: byte 0 chooses how much of the rest goes to the synchronous channel, the
 * rest goes to the asynchronous one; then the peer closes. The client sends a query and reads its reply to
 * the end, reads the status byte, waits for a service request and clears the device. Every call either
 * succeeds within its buffer or fails with a known LC_ERR_* and a detail; nothing hangs (the input is all
 * there, then EOF). The header codec must also round-trip every 16 bytes it accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "hal/hislip_msg.h"
#include "hal/transport_hislip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int e, const lc_diag *d)
{
	if (e >= 0)
		return;
	if (e < LC_ERR_MIN || d->text[0] == '\0')
		abort();
}

static void feed(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
	shutdown(fd, SHUT_WR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lc_hislip_header h;
	lc_diag d;
	if (size > 32768)
		return 0;
	if (lc_hislip_decode(data, size, &h, &d) == 0) {
		uint8_t back[LC_HISLIP_HEADER_SIZE];
		lc_hislip_encode(back, h.type, h.control, h.param, h.len);
		if (memcmp(back, data, LC_HISLIP_HEADER_SIZE) != 0)
			abort();
	}
	if (size < 1)
		return 0;
	size_t split = size > 1 ? (size_t)data[0] * (size - 1) / 255 : 0;
	int sp[2], ap[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, ap) != 0) {
		close(sp[0]);
		close(sp[1]);
		return 0;
	}
	int big = 1 << 20;
	setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(ap[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	feed(sp[1], data + 1, split);
	feed(ap[1], data + 1 + split, size - 1 - split);
	lc_transport *t = NULL;
	if (lc_hislip_attach(sp[0], ap[0], 4096, &t) != 0)
		abort();
	/* two status queries asked ahead (the SCPI session's refusal watch): the asynchronous traffic is then
	 * read as their answers first, by stb_answer or by the exchanges below */
	uint8_t stb;
	check(lc_transport_stb_ask(t, lc_deadline_in(1000), &d), &d);
	check(lc_transport_stb_ask(t, lc_deadline_in(1000), &d), &d);
	int e = lc_transport_write(t, (const uint8_t *)"*IDN?\n", 6, lc_deadline_in(1000), &d);
	check(e, &d);
	uint8_t buf[97];
	bool end = false;
	for (int i = 0; i < 10000 && e >= 0 && !end; i++) {
		e = lc_transport_read(t, buf, sizeof(buf), &end, lc_deadline_in(1000), &d);
		check(e, &d);
		if (e == 0 || e > (int)sizeof(buf))
			abort();
	}
	if (data[0] & 1)
		check(lc_transport_stb_answer(t, &stb, lc_deadline_in(1000), &d), &d);
	check(lc_transport_read_stb(t, &stb, lc_deadline_in(1000), &d), &d);
	check(lc_hislip_wait_srq(t, &stb, lc_deadline_in(1000), &d), &d);
	check(lc_transport_clear(t, lc_deadline_in(1000), &d), &d);
	lc_transport_close(t);
	close(sp[1]);
	close(ap[1]);
	return 0;
}
