/* lanecert version: our version and the versions of the libraries we were built and run with. */
#include <jansson.h>
#include <libusb.h>
#include <lua.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>

#include "cli/cli.h"
#include <lanecert/base.h>

int lc_cmd_version(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("version", argc, argv, "h", opts)) != -1) {
		if (c != 'h')
			return LC_EXIT_USAGE;
		printf("usage: lanecert version\n\nPrints the version of lanecert and of the libraries it uses.\n");
		return LC_EXIT_OK;
	}
	if (optind < argc)
		return lc_cli_unexpected("version", argv[optind]);
	const struct libusb_version *usb = libusb_get_version();
	printf("lanecert %s\n", LC_VERSION_STRING);
	printf("libusb %u.%u.%u\n", usb->major, usb->minor, usb->micro);
	printf("%s\n", LUA_RELEASE);
	printf("libsodium %s\n", sodium_version_string());
	printf("jansson %s\n", JANSSON_VERSION);
	printf("sqlite %s\n", sqlite3_libversion());
	return LC_EXIT_OK;
}
