/* Resource strings: every form with its defaults and canonical form, and every malformed case with the part
 * the error names. */
#include <criterion/criterion.h>
#include <string.h>

#include "hal/resource.h"

struct good {
	const char *in;
	enum lc_resource_kind kind;
	const char *canonical;
};

static const struct good goods[] = {
	{"TCPIP::10.0.0.5::5025::SOCKET", LC_RES_TCPIP_SOCKET, "TCPIP0::10.0.0.5::5025::SOCKET"},
	{"tcpip1::opm.lab::5025::socket", LC_RES_TCPIP_SOCKET, "TCPIP1::opm.lab::5025::SOCKET"},
	{"TCPIP::[::1]::5025::SOCKET", LC_RES_TCPIP_SOCKET, "TCPIP0::[::1]::5025::SOCKET"},
	{"TCPIP::10.0.0.5::INSTR", LC_RES_TCPIP_VXI11, "TCPIP0::10.0.0.5::inst0::INSTR"},
	{"TCPIP::10.0.0.5", LC_RES_TCPIP_VXI11, "TCPIP0::10.0.0.5::inst0::INSTR"},
	{"TCPIP0::10.0.0.5::inst0::INSTR", LC_RES_TCPIP_VXI11, "TCPIP0::10.0.0.5::inst0::INSTR"},
	{"TCPIP::10.0.0.5::gpib0,5::INSTR", LC_RES_TCPIP_VXI11, "TCPIP0::10.0.0.5::gpib0,5::INSTR"},
	{"TCPIP::Host-A::inst1", LC_RES_TCPIP_VXI11, "TCPIP0::Host-A::inst1::INSTR"},
	{"TCPIP::10.0.0.5::hislip0::INSTR", LC_RES_TCPIP_HISLIP, "TCPIP0::10.0.0.5::hislip0,4880::INSTR"},
	{"TCPIP::10.0.0.5::HiSLIP1,4881", LC_RES_TCPIP_HISLIP, "TCPIP0::10.0.0.5::hislip1,4881::INSTR"},
	{"TCPIP::[fe80::1%eth0]::hislip0", LC_RES_TCPIP_HISLIP, "TCPIP0::[fe80::1%eth0]::hislip0,4880::INSTR"},
	{"USB0::0x1313::0x8078::P0012345::INSTR", LC_RES_USBTMC, "USB0::0x1313::0x8078::P0012345::0::INSTR"},
	{"usb::4883::32888::abc::2::instr", LC_RES_USBTMC, "USB0::0x1313::0x8078::abc::2::INSTR"},
	{"USB1::0x0957::0x1745::MY123", LC_RES_USBTMC, "USB1::0x0957::0x1745::MY123::0::INSTR"},
	{"ASRL/dev/ttyUSB0::INSTR", LC_RES_ASRL, "ASRL/dev/ttyUSB0::INSTR"},
	{"asrl3::instr", LC_RES_ASRL, "ASRL3::INSTR"},
	{"ASRL3", LC_RES_ASRL, "ASRL3::INSTR"},
	{"ASRL/dev/ttyS2", LC_RES_ASRL, "ASRL/dev/ttyS2::INSTR"},
	{"I2C::linux::/dev/i2c-3", LC_RES_I2C, "I2C::linux::/dev/i2c-3"},
	{"i2c::CP2112::0001A2", LC_RES_I2C, "I2C::cp2112::0001A2"},
	{"I2C::cp2112", LC_RES_I2C, "I2C::cp2112"},
	{"I2C::mcp2221::XYZ", LC_RES_I2C, "I2C::mcp2221::XYZ"},
	{"I2C::sim::127.0.0.1:7000", LC_RES_I2C, "I2C::sim::127.0.0.1:7000"},
	{"I2C::sim::[::1]:7000", LC_RES_I2C, "I2C::sim::[::1]:7000"},
	{"  TCPIP::h::1::SOCKET \n", LC_RES_TCPIP_SOCKET, "TCPIP0::h::1::SOCKET"},
};

Test(resource, every_form_and_its_canonical_string)
{
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		lc_resource r, r2;
		lc_diag d;
		char buf[LC_RESOURCE_MAX], buf2[LC_RESOURCE_MAX];
		int e = lc_resource_parse(goods[i].in, &r, &d);
		cr_assert_eq(e, 0, "%s: %s", goods[i].in, d.text);
		cr_expect_eq(r.kind, goods[i].kind, "%s", goods[i].in);
		cr_assert_gt(lc_resource_format(&r, buf, sizeof(buf)), 0);
		cr_expect_str_eq(buf, goods[i].canonical, "%s", goods[i].in);
		/* the canonical form parses back to the same thing */
		cr_assert_eq(lc_resource_parse(buf, &r2, &d), 0, "%s: %s", buf, d.text);
		cr_assert_gt(lc_resource_format(&r2, buf2, sizeof(buf2)), 0);
		cr_expect_str_eq(buf, buf2);
	}
}

Test(resource, fields_and_defaults)
{
	lc_resource r;
	cr_assert_eq(lc_resource_parse("TCPIP::10.0.0.5::hislip2", &r, NULL), 0);
	cr_expect_eq(r.port, 4880);
	cr_expect_str_eq(r.lan_name, "hislip2");
	cr_expect_eq(r.board, 0);
	cr_assert_eq(lc_resource_parse("TCPIP::10.0.0.5", &r, NULL), 0);
	cr_expect_str_eq(r.lan_name, "inst0");
	cr_expect_str_eq(r.host, "10.0.0.5");
	cr_assert_eq(lc_resource_parse("USB::0x1313::0x8078::P1::INSTR", &r, NULL), 0);
	cr_expect_eq(r.vid, 0x1313);
	cr_expect_eq(r.pid, 0x8078);
	cr_expect_eq(r.usb_interface, 0);
	cr_expect_str_eq(r.serial, "P1");
	cr_assert_eq(lc_resource_parse("ASRL4::INSTR", &r, NULL), 0);
	cr_expect_str_eq(r.path, "/dev/ttyS4");
	cr_assert_eq(lc_resource_parse("TCPIP::[::1]::5025::SOCKET", &r, NULL), 0);
	cr_expect_str_eq(r.host, "::1");
	cr_expect_eq(r.port, 5025);
	cr_assert_eq(lc_resource_parse("I2C::sim::localhost:9", &r, NULL), 0);
	cr_expect_eq(r.i2c_adapter, LC_I2C_SIM);
	cr_expect_str_eq(r.host, "localhost");
	cr_expect_eq(r.port, 9);
	/* host case is kept */
	cr_assert_eq(lc_resource_parse("tcpip::MyHost::inst0::instr", &r, NULL), 0);
	cr_expect_str_eq(r.host, "MyHost");
}

struct bad {
	const char *in;
	const char *mentions; /* the detail must contain this */
};

static const struct bad bads[] = {
	{"", "empty"},
	{"   ", "empty"},
	{"FOO::bar", "unknown interface type 'FOO'"},
	{"GPIB::5::INSTR", "GPIB"},
	{"TCPIP", "host missing"},
	{"TCPIPx::h::INSTR", "board number 'x'"},
	{"TCPIP::::INSTR", "empty"},
	{"TCPIP::h::5025", "looks like a port"},
	{"TCPIP::h::SOCKET", "expected TCPIP::host::port::SOCKET"},
	{"TCPIP::h::0::SOCKET", "port '0'"},
	{"TCPIP::h::65536::SOCKET", "port '65536'"},
	{"TCPIP::h::50x::SOCKET", "port '50x'"},
	{"TCPIP::h::1::2::SOCKET", "expected TCPIP::host::port::SOCKET"},
	{"TCPIP::h::inst0::INSTR::x", "unexpected field"},
	{"TCPIP::h::hislip", "needs a number"},
	{"TCPIP::h::hislipX", "'X'"},
	{"TCPIP::h::hislip0,abc", "port 'abc'"},
	{"TCPIP::h::hislip0,0", "port '0'"},
	{"TCPIP::fe80::1::INSTR", "looks like a port"},
	{"TCPIP::[fe80::1::INSTR", "no closing ']'"},
	{"TCPIP::[zz]::INSTR", "not an IPv6 address"},
	{"TCPIP::h x::INSTR", "space"},
	{"TCPIP::h::RAW", "RAW"},
	{"TCPIP::h::1inst::INSTR", "must start with a letter"},
	{"USB::0x1313::0x8078::INSTR", "expected USB::vendor"},
	{"USB::0xZZ::0x8078::S::INSTR", "vendor id '0xZZ'"},
	{"USB::0x1313::pid::S::INSTR", "product id 'pid'"},
	{"USB::0x12345::0x8078::S::INSTR", "vendor id '0x12345'"},
	{"USB::70000::0x8078::S::INSTR", "vendor id '70000'"},
	{"USB::0x1313::0x8078::S::x::INSTR", "interface number 'x'"},
	{"USB::0x1313::0x8078::S::0::INSTR::more", "unexpected field"},
	{"USB::0x1313::0x8078::S::RAW", "RAW"},
	{"ASRL", "missing"},
	{"ASRLCOM3::INSTR", "'COM3'"},
	{"ASRL3::SOCKET", "unexpected field 'SOCKET'"},
	{"ASRL/dev/ttyS0::INSTR::x", "unexpected field"},
	{"I2C", "adapter missing"},
	{"I2C::ftdi::x", "unknown adapter 'ftdi'"},
	{"I2C::linux", "expected I2C::linux"},
	{"I2C::linux::i2c-3", "absolute device path"},
	{"I2C::sim::localhost", "not HOST:PORT"},
	{"I2C::sim::localhost:0", "port '0'"},
	{"I2C::sim:::7000", "begins or ends with ':'"},
	{"I2C::cp2112::a::b", "unexpected field"},
	{"A::B::C::D::E::F::G::H::I", "too many"},
	{"ASRL/dev/tty:::INSTR", "ends with ':'"},
	{"USB::0x1::0x2::ser:::INSTR", "ends with ':'"},
	/* found by fuzz_resource: a serial that would not read back from its canonical form */
	{"USB::4883::32888::[::1]:", "contains '::' or a bracket"},
	{"USB::0x1::0x2::[a]::INSTR", "contains '::' or a bracket"},
};

Test(resource, every_malformed_string_is_arg_with_a_detail)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		lc_resource r;
		lc_diag d;
		lc_diag_clear(&d);
		int e = lc_resource_parse(bads[i].in, &r, &d);
		cr_expect_eq(e, LC_ERR_ARG, "'%s' gave %d", bads[i].in, e);
		cr_expect_eq(d.code, LC_ERR_ARG, "'%s'", bads[i].in);
		cr_expect(strstr(d.text, bads[i].mentions) != NULL, "'%s': detail '%s' lacks '%s'", bads[i].in, d.text,
			  bads[i].mentions);
	}
}

Test(resource, too_long_and_null)
{
	char big[LC_RESOURCE_MAX + 10];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "TCPIP::", 7);
	lc_resource r;
	lc_diag d;
	cr_expect_eq(lc_resource_parse(big, &r, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "longer than") != NULL, "%s", d.text);
	cr_expect_eq(lc_resource_parse(NULL, &r, &d), LC_ERR_ARG);
	char host[300];
	memset(host, 'h', sizeof(host));
	memcpy(host, "TCPIP::", 7);
	host[299] = '\0';
	cr_expect_eq(lc_resource_parse(host, &r, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "longer than") != NULL, "%s", d.text);
}

Test(resource, format_overflow_and_kind_names)
{
	lc_resource r;
	char small[8];
	cr_assert_eq(lc_resource_parse("TCPIP::10.0.0.5::5025::SOCKET", &r, NULL), 0);
	cr_expect_eq(lc_resource_format(&r, small, sizeof(small)), LC_ERR_OVERFLOW);
	cr_expect_str_eq(lc_resource_kind_name(LC_RES_TCPIP_VXI11), "VXI-11");
	cr_expect_str_eq(lc_resource_kind_name(LC_RES_I2C), "I2C");
}
