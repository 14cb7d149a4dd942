// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: LFCE_IOC_VERSION reports the ABI version and follows the
 * argument-struct rules of uapi/linux/lfce.h: every size boundary, a
 * non-zero tail, bad pointers, size bits in the command, unknown commands.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/lfce.h>

#include "helpers.h"

#define PAGE 4096

static unsigned char *buf;	/* two pages; the second is unmapped */

static int version_at(int fd, unsigned long cmd, unsigned char *p, uint32_t size)
{
	memcpy(p, &size, sizeof(size));
	return ioctl(fd, cmd, p);
}

static void happy_path(int fd)
{
	struct lfce_version v;

	memset(&v, 0xa5, sizeof(v));
	v.size = sizeof(v);
	/* Output fields are zero on input, as in every ioctl. */
	t_errno(ioctl(fd, LFCE_IOC_VERSION, &v), EINVAL, "output fields set on input");
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	t_ok(ioctl(fd, LFCE_IOC_VERSION, &v) == 0, "version on an O_RDONLY fd");
	t_ok(v.abi_version == LFCE_ABI_VERSION, "abi_version %u == %u",
	     v.abi_version, LFCE_ABI_VERSION);
	t_ok(v.features == 0, "no features defined yet");
	t_ok(v.size == LFCE_VERSION_SIZE_VER0, "size written back");
}

static void bad_sizes(int fd)
{
	memset(buf, 0, PAGE);
	t_errno(version_at(fd, LFCE_IOC_VERSION, buf, 0), EINVAL, "size 0");
	t_errno(version_at(fd, LFCE_IOC_VERSION, buf, 4), EINVAL, "size 4");
	t_errno(version_at(fd, LFCE_IOC_VERSION, buf, LFCE_VERSION_SIZE_VER0 - 1),
		EINVAL, "size VER0 - 1");
	t_errno(version_at(fd, LFCE_IOC_VERSION, buf, PAGE + 1), E2BIG, "size PAGE_SIZE + 1");
	t_errno(version_at(fd, LFCE_IOC_VERSION, buf, UINT32_MAX), E2BIG, "size UINT32_MAX");

	memset(buf, 0, PAGE);
	buf[LFCE_VERSION_SIZE_VER0 + 3] = 1;
	t_errno(version_at(fd, LFCE_IOC_VERSION, buf, LFCE_VERSION_SIZE_VER0 + 8),
		E2BIG, "larger struct with a non-zero tail");
	memset(buf, 0, PAGE);
	buf[PAGE - 1] = 1;
	t_errno(version_at(fd, LFCE_IOC_VERSION, buf, PAGE), E2BIG,
		"size PAGE_SIZE, last byte non-zero");
}

/* A newer caller: accepted, and the kernel writes only what it knows. */
static void larger_zero_tail(int fd)
{
	size_t i, big = LFCE_VERSION_SIZE_VER0 + 8;
	int untouched = 1;

	memset(buf, 0, PAGE);
	memset(buf + big, 0x5a, 64);
	t_ok(version_at(fd, LFCE_IOC_VERSION, buf, big) == 0,
	     "larger struct with a zero tail is accepted");
	t_ok(((struct lfce_version *)buf)->size == LFCE_VERSION_SIZE_VER0,
	     "size written back is the kernel's");
	for (i = LFCE_VERSION_SIZE_VER0; i < big; i++)
		untouched &= buf[i] == 0;
	for (i = big; i < big + 64; i++)
		untouched &= buf[i] == 0x5a;
	t_ok(untouched, "no byte past the kernel's struct written");
	memset(buf, 0, PAGE);
	t_ok(version_at(fd, LFCE_IOC_VERSION, buf, PAGE) == 0, "size PAGE_SIZE, zero tail");
}

static void bad_pointers(int fd)
{
	unsigned char *edge = buf + PAGE - LFCE_VERSION_SIZE_VER0;

	t_errno(ioctl(fd, LFCE_IOC_VERSION, NULL), EFAULT, "NULL argument");
	t_errno(ioctl(fd, LFCE_IOC_VERSION, buf + PAGE), EFAULT, "unmapped argument");
	memset(buf, 0, PAGE);
	t_ok(version_at(fd, LFCE_IOC_VERSION, edge, LFCE_VERSION_SIZE_VER0) == 0,
	     "struct ending at the last mapped byte");
	t_errno(version_at(fd, LFCE_IOC_VERSION, edge, LFCE_VERSION_SIZE_VER0 + 8),
		EFAULT, "tail running into an unmapped page");
}

static void commands(int fd)
{
	struct lfce_version v = { .size = sizeof(v) };

	t_ok(ioctl(fd, _IOWR(LFCE_IOC_MAGIC, 0x00, char[64]), &v) == 0 &&
	     v.abi_version == LFCE_ABI_VERSION,
	     "size bits in the command are ignored");
	t_errno(ioctl(fd, _IOWR(LFCE_IOC_MAGIC, 0x7f, struct lfce_version), &v),
		ENOTTY, "unknown command number");
	t_errno(ioctl(fd, _IOWR(LFCE_IOC_MAGIC + 1, 0x00, struct lfce_version), &v),
		ENOTTY, "wrong magic");
	t_errno(ioctl(fd, _IOR(LFCE_IOC_MAGIC, 0x00, struct lfce_version), &v),
		ENOTTY, "wrong direction");
}

int main(void)
{
	int fd = open(LFCE_DEVICE_PATH, O_RDONLY);

	if (!t_ok(fd >= 0, "open %s O_RDONLY", LFCE_DEVICE_PATH))
		return t_done();
	buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!t_ok(buf != MAP_FAILED && !munmap(buf + PAGE, PAGE), "map one page, unmap the next"))
		return t_done();

	happy_path(fd);
	bad_sizes(fd);
	larger_zero_tail(fd);
	bad_pointers(fd);
	commands(fd);
	close(fd);
	return t_done();
}
