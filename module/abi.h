/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Argument handling shared by every ioctl: the size rules of the uapi
 * header ("Argument structs") live here and nowhere else.
 */
#ifndef _LFCE_ABI_H
#define _LFCE_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * An ioctl command with its size bits cleared. Dispatch compares this against
 * the same transform of each LFCE_IOC_*, so the struct size a caller was
 * compiled with never turns a known command into ENOTTY. A macro, so that it
 * can label switch cases.
 */
#define LFCE_ABI_CMD(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

int lfce_abi_check_size(u32 usize, size_t ver0);
int lfce_abi_copy_in(void *karg, size_t ksize, size_t ver0,
		     const void __user *uarg, u32 *usize);
int lfce_abi_copy_out(void __user *uarg, u32 usize, void *karg, size_t ksize);
int lfce_abi_probe_out(void __user *uarg, u32 usize, const void *karg, size_t ksize);

#endif /* _LFCE_ABI_H */
