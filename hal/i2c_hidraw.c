/*
 * The HID transfer of the USB I2C bridges through Linux hidraw: find /dev/hidrawN whose USB device has the
 * vendor, product (and serial) asked, by walking /sys/class/hidraw (uevent HID_ID and HID_UNIQ). Output
 * reports are write(2), input reports read(2) with poll() up to the deadline, feature reports the
 * HIDIOCSFEATURE/HIDIOCGFEATURE ioctls. No libusb: hidraw needs no detaching of the kernel's HID driver.
 */
#include "hal/i2c.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/hidraw.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/clock.h"

static int hr_write(void *ctx, const uint8_t *r, size_t len, int64_t dl, lc_diag *diag)
{
	(void)dl; /* hidraw writes go to the interrupt OUT endpoint and do not block for long */
	int fd = (int)(intptr_t)ctx;
	ssize_t n = write(fd, r, len);
	if (n < 0)
		return lc_diag_set(diag, LC_ERR_IO, "hidraw: write: %s", strerror(errno));
	if ((size_t)n != len)
		return lc_diag_set(diag, LC_ERR_IO, "hidraw: wrote %zd of %zu bytes", n, len);
	return 0;
}

static int hr_read(void *ctx, uint8_t *buf, size_t cap, int64_t dl, lc_diag *diag)
{
	int fd = (int)(intptr_t)ctx;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int rc = poll(&p, 1, lc_deadline_left_ms(dl));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return lc_diag_set(diag, LC_ERR_IO, "hidraw: poll: %s", strerror(errno));
		if (rc == 0)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "hidraw: no report before the deadline");
		ssize_t n = read(fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lc_diag_set(diag, LC_ERR_IO, "hidraw: read: %s", strerror(errno));
		return (int)n;
	}
}

static int hr_set_feature(void *ctx, const uint8_t *r, size_t len, lc_diag *diag)
{
	if (ioctl((int)(intptr_t)ctx, HIDIOCSFEATURE(len), r) < 0)
		return lc_diag_set(diag, LC_ERR_IO, "hidraw: set feature 0x%02X: %s", r[0], strerror(errno));
	return 0;
}

static int hr_get_feature(void *ctx, uint8_t *r, size_t len, lc_diag *diag)
{
	int n = ioctl((int)(intptr_t)ctx, HIDIOCGFEATURE(len), r);
	if (n < 0)
		return lc_diag_set(diag, LC_ERR_IO, "hidraw: get feature 0x%02X: %s", r[0], strerror(errno));
	return n;
}

static void hr_close(void *ctx) { close((int)(intptr_t)ctx); }

/* uevent of /sys/class/hidraw/X/device: HID_ID=0003:000010C4:0000EA90, HID_UNIQ=serial */
static bool matches(const char *name, uint16_t vid, uint16_t pid, const char *serial)
{
	char path[300], line[256];
	snprintf(path, sizeof(path), "/sys/class/hidraw/%s/device/uevent", name);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool id_ok = false, serial_ok = !serial || !serial[0];
	while (fgets(line, sizeof(line), f)) {
		unsigned bus, v, p;
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "HID_ID=%x:%x:%x", &bus, &v, &p) == 3 && v == vid && p == pid)
			id_ok = true;
		if (!strncmp(line, "HID_UNIQ=", 9) && serial && serial[0] && !strcmp(line + 9, serial))
			serial_ok = true;
	}
	fclose(f);
	return id_ok && serial_ok;
}

int lc_hidraw_open(uint16_t vid, uint16_t pid, const char *serial, lc_hid_io *out, lc_diag *diag)
{
	DIR *d = opendir("/sys/class/hidraw");
	if (!d)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "hidraw: no /sys/class/hidraw to find USB device %04X:%04X (kernel "
				   "without hidraw?)", vid, pid);
	struct dirent *e;
	char found[64] = "";
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(found))
			continue;
		if (matches(e->d_name, vid, pid, serial)) {
			memcpy(found, e->d_name, strlen(e->d_name) + 1); /* length checked above */
			break;
		}
	}
	closedir(d);
	if (!found[0])
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "hidraw: no USB device %04X:%04X%s%s", vid, pid,
				   serial && serial[0] ? " with serial " : "", serial && serial[0] ? serial : "");
	char dev[96];
	snprintf(dev, sizeof(dev), "/dev/%s", found);
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return lc_diag_set(diag, errno == EACCES ? LC_ERR_PERMISSION : LC_ERR_IO, "hidraw: %s: %s", dev,
				   strerror(errno));
	*out = (lc_hid_io){hr_write, hr_read, hr_set_feature, hr_get_feature, hr_close, (void *)(intptr_t)fd};
	return 0;
}
