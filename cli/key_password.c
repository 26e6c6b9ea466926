#include "cli/key_password.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

static int prompt(int fd, const char *text, char *buf, size_t size)
{
	struct termios old, quiet;
	if (tcgetattr(fd, &old) < 0)
		return LC_EXIT_USAGE;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (write(fd, text, strlen(text)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) < 0)
		return LC_EXIT_USAGE;
	size_t n = 0;
	char c;
	ssize_t r;
	while ((r = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r')
		if (n + 1 < size)
			buf[n++] = c;
	buf[n] = 0;
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		return LC_EXIT_USAGE;
	return r < 0 ? -1 : 0;
}

int lc_cli_key_password(const char *cmd, const char *password_file, bool confirm, char *buf, size_t size)
{
	if (password_file) {
		FILE *f = fopen(password_file, "r");
		if (!f) {
			lc_cli_error(cmd, "cannot read password file %s", password_file);
			return LC_EXIT_NOINPUT;
		}
		/* The password is as secret as the key it opens: refused like a key readable by others. */
		struct stat st;
		if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
			fclose(f);
			lc_cli_error(cmd, "password file %s is accessible by group or others (mode %04o): chmod 600 it",
				     password_file, (unsigned)(st.st_mode & 07777));
			return LC_EXIT_NOPERM;
		}
		char *ok = fgets(buf, (int)size, f);
		fclose(f);
		if (!ok) {
			lc_cli_error(cmd, "password file %s is empty", password_file);
			return LC_EXIT_DATAERR;
		}
		buf[strcspn(buf, "\r\n")] = 0;
	} else if (getenv("LANECERT_KEY_PASSWORD")) {
		snprintf(buf, size, "%s", getenv("LANECERT_KEY_PASSWORD"));
	} else {
		int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			lc_cli_error(cmd, "no terminal to ask for the key password: use --password-file FILE, "
					  "LANECERT_KEY_PASSWORD, or an unencrypted key");
			return LC_EXIT_USAGE;
		}
		char again[1024];
		int rc = prompt(fd, "Key password: ", buf, size);
		if (rc == 0 && confirm) {
			rc = prompt(fd, "Key password (again): ", again, sizeof(again));
			if (rc == 0 && strcmp(buf, again) != 0) {
				close(fd);
				lc_cli_error(cmd, "the passwords do not match");
				return LC_EXIT_USAGE;
			}
		}
		close(fd);
		if (rc < 0) {
			lc_cli_error(cmd, "cannot read the password from the terminal");
			return LC_EXIT_USAGE;
		}
	}
	if (!buf[0]) {
		lc_cli_error(cmd, "empty password: choose one, or --unencrypted for an unattended station");
		return LC_EXIT_USAGE;
	}
	return 0;
}
