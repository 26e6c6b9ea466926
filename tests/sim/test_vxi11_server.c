/* The VXI-11 server and its portmapper, driven by a hand-written RPC client. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "sim/net/endpoint.h"
#include "sim/scpi/testinst.h"
#include "tests/sim/rpc_test_client.h"

static lc_sim_testinst *T;
static lc_sim_endpoint *EP; /* a second VXI-11 endpoint with a small maxRecvSize */
static int CORE, PMAP, CORE_SMALL;
static char buf[70000];

static void setup(void)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst_opts_init(&o);
	o.socket_port = -1;
	o.portmapper_port = 0;
	lc_diag d;
	cr_assert_eq(lc_sim_testinst_start(&o, &T, &d), 0, "%s", d.text);
	CORE = lc_sim_endpoint_port(lc_sim_testinst_vxi11(T));
	PMAP = lc_sim_endpoint_portmapper_port(lc_sim_testinst_vxi11(T));
	cr_assert_gt(PMAP, 0);
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.max_recv_size = 16;
	eo.portmapper_port = -1;
	cr_assert_eq(lc_sim_vxi11_start(lc_sim_testinst_engine(T), &eo, &EP, &d), 0, "%s", d.text);
	CORE_SMALL = lc_sim_endpoint_port(EP);
	cr_assert_eq(lc_sim_endpoint_portmapper_port(EP), -1);
}

static void teardown(void)
{
	lc_sim_endpoint_stop(EP);
	lc_sim_testinst_stop(T);
}

TestSuite(vxi11, .init = setup, .fini = teardown, .timeout = 60);

static int link_open(int port, uint32_t *lid)
{
	int fd = net_connect("127.0.0.1", port);
	cr_assert_geq(fd, 0);
	uint32_t max;
	cr_assert_eq(vxi_create_link(fd, "inst0", false, lid, &max), 0);
	return fd;
}

static const char *query(int fd, uint32_t lid, const char *cmd)
{
	uint32_t size, reason;
	size_t n;
	char m[256];
	snprintf(m, sizeof(m), "%s\n", cmd);
	cr_assert_eq(vxi_write(fd, lid, m, strlen(m), true, &size), 0);
	cr_assert_eq(size, strlen(m));
	cr_assert_eq(vxi_read(fd, lid, sizeof(buf) - 1, 1000, -1, buf, &n, &reason), 0);
	cr_assert_eq(reason, 4, "END");
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static uint32_t getport(int fd, bool tcp, uint32_t prog, uint32_t vers, uint32_t prot)
{
	static rpc_msg m;
	rpc_call(&m, tcp, 9, 100000, 2, 3);
	rpc_put(&m, prog);
	rpc_put(&m, vers);
	rpc_put(&m, prot);
	rpc_put(&m, 0);
	if (tcp) {
		cr_assert_eq(rpc_tcp(fd, &m), 0);
	} else {
		cr_assert_eq(send(fd, m.b, m.len, 0), (ssize_t)m.len);
		cr_assert(net_readable(fd, NET_WAIT_MS));
		ssize_t n = recv(fd, m.b, sizeof(m.b), 0);
		cr_assert_eq(n, 28);
		m.len = (size_t)n;
		m.off = 24;
	}
	return rpc_get(&m);
}

Test(vxi11, portmapper_tcp_and_udp)
{
	int fd = net_connect("127.0.0.1", PMAP);
	cr_assert_eq(getport(fd, true, 395183, 1, 6), (uint32_t)CORE);
	cr_assert_eq(getport(fd, true, 395183, 1, 17), 0, "no UDP core channel");
	cr_assert_eq(getport(fd, true, 100003, 3, 6), 0, "no NFS here");
	static rpc_msg m;
	rpc_call(&m, true, 10, 100000, 2, 0);
	cr_assert_eq(rpc_tcp(fd, &m), 0, "NULL");
	rpc_call(&m, true, 11, 100000, 2, 4);
	cr_assert_eq(rpc_tcp(fd, &m), 0, "DUMP");
	cr_assert_eq(rpc_get(&m), 1);
	cr_assert_eq(rpc_get(&m), 395183);
	cr_assert_eq(rpc_get(&m), 1);
	cr_assert_eq(rpc_get(&m), 6);
	cr_assert_eq(rpc_get(&m), (uint32_t)CORE);
	cr_assert_eq(rpc_get(&m), 0);
	/* rpcbind v3 GETADDR, as libtirpc asks first */
	rpc_call(&m, true, 12, 100000, 3, 3);
	rpc_put(&m, 395183);
	rpc_put(&m, 1);
	rpc_put_opaque(&m, "tcp", 3);
	rpc_put_opaque(&m, "", 0);
	rpc_put_opaque(&m, "", 0);
	cr_assert_eq(rpc_tcp(fd, &m), 0);
	uint32_t n = rpc_get(&m);
	char ua[64] = {0}, want[64];
	memcpy(ua, m.b + m.off, n);
	snprintf(want, sizeof(want), "127.0.0.1.%d.%d", CORE >> 8, CORE & 255);
	cr_assert_str_eq(ua, want);
	rpc_call(&m, true, 13, 100000, 5, 0);
	cr_assert_eq(rpc_tcp(fd, &m), 2, "PROG_MISMATCH");
	cr_assert_eq(rpc_get(&m), 2);
	cr_assert_eq(rpc_get(&m), 4);
	rpc_call(&m, true, 14, 123456, 1, 0);
	cr_assert_eq(rpc_tcp(fd, &m), 1, "PROG_UNAVAIL");
	rpc_call(&m, true, 15, 100000, 2, 77);
	cr_assert_eq(rpc_tcp(fd, &m), 3, "PROC_UNAVAIL");
	rpc_call(&m, true, 16, 100000, 2, 3); /* GETPORT without arguments */
	cr_assert_eq(rpc_tcp(fd, &m), 4, "GARBAGE_ARGS");
	rpc_call(&m, true, 17, 100000, 2, 0);
	m.b[4 + 8 + 3] = 3; /* RPC version 3 */
	cr_assert_eq(rpc_tcp(fd, &m), -2, "MSG_DENIED");
	close(fd);

	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)PMAP)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	cr_assert_eq(connect(u, (struct sockaddr *)&sa, sizeof(sa)), 0);
	send(u, "garbage", 7, 0); /* ignored */
	cr_assert_eq(getport(u, false, 395183, 1, 6), (uint32_t)CORE);
	close(u);
}

Test(vxi11, link_write_read)
{
	uint32_t lid;
	int fd = link_open(CORE, &lid);
	cr_assert_str_eq(query(fd, lid, "*IDN?"), LC_SIM_TESTINST_IDN);
	cr_assert_str_eq(query(fd, lid, "SOUR2:VAL -3.5;VAL?"), "-3.50000000E+00");
	/* a message in two device_writes: END only on the last */
	uint32_t size, reason;
	size_t n;
	cr_assert_eq(vxi_write(fd, lid, "*ID", 3, false, &size), 0);
	cr_assert_eq(vxi_write(fd, lid, "N?", 2, true, &size), 0);
	cr_assert_eq(vxi_read(fd, lid, 1000, 1000, -1, buf, &n, &reason), 0);
	cr_assert_str_eq(buf, LC_SIM_TESTINST_IDN "\n");
	cr_assert_eq(reason, 4);
	/* requestSize smaller than the reply: REQCNT, then the rest with END */
	vxi_write(fd, lid, "*IDN?\n", 6, true, &size);
	cr_assert_eq(vxi_read(fd, lid, 8, 1000, -1, buf, &n, &reason), 0);
	cr_assert_eq(n, 8);
	cr_assert_eq(reason, 1, "REQCNT");
	cr_assert_str_eq(buf, "LANECERT");
	cr_assert_eq(vxi_read(fd, lid, 1000, 1000, -1, buf, &n, &reason), 0);
	cr_assert_str_eq(buf, ",SIM-TEST,SN0001,1.0\n");
	cr_assert_eq(reason, 4);
	/* termChar: stop at ',' */
	vxi_write(fd, lid, "*IDN?\n", 6, true, &size);
	cr_assert_eq(vxi_read(fd, lid, 1000, 1000, ',', buf, &n, &reason), 0);
	cr_assert_str_eq(buf, "LANECERT,");
	cr_assert_eq(reason, 2, "CHR");
	vxi_generic(fd, 15, lid, NULL); /* device_clear drops the rest */
	cr_assert_eq(vxi_read(fd, lid, 1000, 10, -1, buf, &n, &reason), 15, "nothing left after device_clear");
	cr_assert_str_eq(query(fd, lid, "SYST:ERR?"), "-420,\"Query UNTERMINATED\"");
	cr_assert_eq(vxi_destroy_link(fd, lid), 0);
	cr_assert_eq(vxi_destroy_link(fd, lid), 4, "invalid link");
	cr_assert_eq(vxi_write(fd, lid, "*IDN?\n", 6, true, &size), 4);
	cr_assert_eq(vxi_read(fd, lid, 10, 10, -1, buf, &n, &reason), 4);
	close(fd);
}

Test(vxi11, binary_block_read_in_pieces)
{
	uint32_t lid, size, reason;
	size_t n;
	int fd = link_open(CORE, &lid);
	vxi_write(fd, lid, "TEST:BLOC? 50000\n", 17, true, &size);
	static char all[60000];
	size_t got = 0;
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(vxi_read(fd, lid, 4096, 1000, -1, buf, &n, &reason), 0);
		memcpy(all + got, buf, n);
		got += n;
		if (reason & 4)
			break;
		cr_assert_eq(reason, 1);
	}
	cr_assert_eq(got, 7 + 50000 + 1);
	cr_assert(memcmp(all, "#550000", 7) == 0);
	for (int i = 0; i < 50000; i++)
		cr_assert_eq((uint8_t)all[7 + i], (uint8_t)i);
	cr_assert_eq(all[got - 1], '\n');
	close(fd);
}

Test(vxi11, max_recv_size_is_enforced_and_chunks_join)
{
	uint32_t lid, max, size, reason;
	size_t n;
	int fd = net_connect("127.0.0.1", CORE_SMALL);
	cr_assert_eq(vxi_create_link(fd, "inst0", false, &lid, &max), 0);
	cr_assert_eq(max, 16);
	const char *m = "SOUR4:VAL 12.25;:SOUR4:VAL?\n";
	cr_assert_eq(vxi_write(fd, lid, m, strlen(m), true, &size), 5, "a chunk over maxRecvSize is a parameter error");
	for (size_t off = 0; off < strlen(m); off += 16) {
		size_t k = strlen(m) - off < 16 ? strlen(m) - off : 16;
		cr_assert_eq(vxi_write(fd, lid, m + off, k, off + k == strlen(m), &size), 0);
		cr_assert_eq(size, k);
	}
	cr_assert_eq(vxi_read(fd, lid, 100, 1000, -1, buf, &n, &reason), 0);
	cr_assert_str_eq(buf, "+1.22500000E+01\n");
	close(fd);
}

Test(vxi11, query_interrupted_and_readstb)
{
	uint32_t lid, size, reason, stb;
	size_t n;
	int fd = link_open(CORE, &lid);
	vxi_write(fd, lid, "*IDN?\n", 6, true, &size);
	cr_assert_eq(vxi_generic(fd, 13, lid, &stb), 0);
	cr_assert_eq(stb, 0x10, "MAV while the reply waits");
	vxi_write(fd, lid, "SOUR:VAL?\n", 10, true, &size);
	cr_assert_eq(vxi_read(fd, lid, 1000, 1000, -1, buf, &n, &reason), 0);
	cr_assert_str_eq(buf, "+0.00000000E+00\n", "the unread reply was discarded");
	cr_assert_eq(vxi_generic(fd, 13, lid, &stb), 0);
	cr_assert_eq(stb, 0x04, "EAV: -410 in the queue");
	cr_assert_str_eq(query(fd, lid, "SYST:ERR?"), "-410,\"Query INTERRUPTED\"");
	cr_assert_eq(vxi_generic(fd, 13, 999, &stb), 4);
	close(fd);
}

Test(vxi11, create_link_errors_and_unsupported)
{
	int fd = net_connect("127.0.0.1", CORE);
	uint32_t lid, max, e;
	cr_assert_eq(vxi_create_link(fd, "bogus", false, &lid, &max), 3, "device not accessible");
	cr_assert_eq(vxi_create_link(fd, "", false, &lid, &max), 3);
	cr_assert_eq(vxi_create_link(fd, "inst0", true, &lid, &max), 8, "locking is not simulated");
	cr_assert_eq(vxi_create_link(fd, "gpib0,5", false, &lid, &max), 0);
	cr_assert_eq(vxi_generic(fd, 18, lid, NULL), 8, "device_lock");
	cr_assert_eq(vxi_generic(fd, 14, lid, NULL), 8, "device_trigger");
	cr_assert_eq(vxi_generic(fd, 16, lid, NULL), 0, "device_remote");
	cr_assert_eq(vxi_generic(fd, 22, lid, &e), 8, "device_docmd");
	cr_assert_eq(vxi_generic(fd, 99, lid, NULL), 0x10000u + 3, "PROC_UNAVAIL");
	uint32_t ids[8];
	int ok = 1; /* gpib0,5 above */
	for (int i = 0; i < 8; i++)
		if (vxi_create_link(fd, "inst1", false, &ids[i], &max) == 0)
			ok++;
	cr_assert_eq(ok, 8, "8 links per connection, then out of resources");
	static rpc_msg m;
	rpc_call(&m, true, 1, VXI_CORE, 2, 10);
	cr_assert_eq(rpc_tcp(fd, &m), 2, "PROG_MISMATCH");
	rpc_call(&m, true, 1, VXI_CORE, 1, 11); /* device_write without arguments */
	cr_assert_eq(rpc_tcp(fd, &m), 4, "GARBAGE_ARGS");
	close(fd);
}

Test(vxi11, garbage_and_hostile_records)
{
	int fd = net_connect("127.0.0.1", CORE);
	net_send_str(fd, "*IDN?\n"); /* a raw-socket client on the VXI-11 port: hung up on */
	cr_assert(net_eof(fd));
	close(fd);
	fd = net_connect("127.0.0.1", CORE);
	uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff}; /* a 2 GB record announced */
	net_send(fd, huge, 4);
	cr_assert(net_eof(fd));
	close(fd);
	uint32_t lid;
	fd = link_open(CORE, &lid);
	cr_assert_str_eq(query(fd, lid, "*IDN?"), LC_SIM_TESTINST_IDN);
	close(fd);
}

Test(vxi11, faults_over_vxi11)
{
	uint32_t lid, size, reason;
	size_t n;
	lc_sim_faults f = {.truncate_block_at = 1, .truncate_block_keep = 10};
	lc_sim_scpi_set_faults(lc_sim_testinst_engine(T), &f);
	int fd = link_open(CORE, &lid);
	vxi_write(fd, lid, "TEST:BLOC? 100\n", 15, true, &size);
	cr_assert_eq(vxi_read(fd, lid, 1000, 1000, -1, buf, &n, &reason), 0);
	cr_assert_eq(n, 5 + 10);
	cr_assert_eq(reason, 0, "no END on a cut block");
	cr_assert(net_eof(fd), "then the connection drops");
	close(fd);
	lc_sim_faults h = {.stop_answering_after = 1};
	lc_sim_scpi_set_faults(lc_sim_testinst_engine(T), &h);
	fd = link_open(CORE, &lid);
	cr_assert_str_eq(query(fd, lid, "*IDN?"), LC_SIM_TESTINST_IDN);
	vxi_write(fd, lid, "*IDN?\n", 6, true, &size);
	cr_assert_eq(vxi_read(fd, lid, 1000, 20, -1, buf, &n, &reason), 15, "a hung instrument times out");
	lc_sim_scpi_set_faults(lc_sim_testinst_engine(T), NULL);
	cr_assert_eq(lc_sim_error_count(lc_sim_testinst_engine(T)), 0, "no -420 for a hung instrument");
	close(fd);
}
