/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * lfce: lock-free consensus engine for multiplayer craps games.
 *
 * This header is the whole contract between the lfce kernel module and
 * userspace. Everything that crosses the boundary is described here.
 *
 * The device
 * ----------
 * The module registers the misc device /dev/lfce (mode 0666). Each open file
 * description is a handle. Writes are ioctls; an fd opened O_RDONLY may use
 * every ioctl that does not change state.
 *
 * Argument structs
 * ----------------
 * Every ioctl takes a pointer to a struct that begins with "__u32 size", set
 * by the caller to the size of the struct as it knows it. Structs only grow,
 * by appending fields; the LFCE_*_SIZE_VER* constants give each published
 * size. The kernel:
 *
 *   - refuses size > 4096 (the page size on every supported architecture)
 *     with E2BIG, and size below the first published size with EINVAL;
 *   - accepts a smaller (older) struct and treats the missing tail as zero;
 *   - accepts a larger (newer) struct whose unknown tail is all zero, and
 *     refuses one with a non-zero byte in the tail with E2BIG;
 *   - on return, writes back min(size, kernel size) bytes and stores that
 *     number in size, so the caller knows which fields were filled in.
 *
 * ioctl numbers use the magic LFCE_IOC_MAGIC. The kernel dispatches on type,
 * direction and number only: the size bits are ignored, so a newer userspace
 * whose structs have grown is not refused with ENOTTY. The size field is what
 * counts.
 *
 * All structs use fixed-width types, carry explicit padding, and pass
 * pointers as __u64. Reserved and padding fields must be zero (EINVAL).
 *
 * Errors common to every ioctl:
 *   ENOTTY  unknown ioctl
 *   EFAULT  the argument pointer is not readable or writable
 *   E2BIG   size too large, or larger than the kernel's with a non-zero tail
 *   EINVAL  size below the first published size, or a malformed field
 *
 * LFCE_IOC_VERSION
 * ----------------
 * Reports the ABI version implemented by the module. Valid on any fd,
 * including O_RDONLY ones. Input: size. Output: abi_version (the value of
 * LFCE_ABI_VERSION the module was built with) and features (a mask of
 * LFCE_FEATURE_* bits; none are defined yet, so it is zero). A userspace
 * built against a different LFCE_ABI_VERSION must not assume any other
 * ioctl or layout.
 */
#ifndef _UAPI_LINUX_LFCE_H
#define _UAPI_LINUX_LFCE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define LFCE_DEVICE_NAME	"lfce"
#define LFCE_DEVICE_PATH	"/dev/lfce"

/* Bumped on any incompatible change; compatible growth uses struct sizes. */
#define LFCE_ABI_VERSION	1

#define LFCE_IOC_MAGIC		0xBD

/* Largest argument struct size the kernel will look at. */
#define LFCE_ARG_SIZE_MAX	4096

struct lfce_version {
	__u32 size;		/* in: sizeof(struct lfce_version) */
	__u32 abi_version;	/* out: LFCE_ABI_VERSION */
	__u64 features;		/* out: LFCE_FEATURE_* mask */
};
#define LFCE_VERSION_SIZE_VER0	16

#define __LFCE_FEATURE_ALL	0ULL

#define LFCE_IOC_VERSION	_IOWR(LFCE_IOC_MAGIC, 0x00, struct lfce_version)

#endif /* _UAPI_LINUX_LFCE_H */
