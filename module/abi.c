// SPDX-License-Identifier: GPL-2.0-only
/*
 * abi: the size rules for ioctl argument structs (uapi/linux/lfce.h,
 * "Argument structs").
 *
 * Every argument struct begins with a __u32 size chosen by the caller.
 * Structs only grow by appending, so a smaller struct is an older caller
 * (zero-extend it) and a larger one is a newer caller (accept it only if we
 * would ignore nothing, i.e. its tail is zero).
 */
#include <linux/bug.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/lfce.h>

#include "abi.h"

/* The checks on size that come before touching the rest of the struct. */
int lfce_abi_check_size(u32 usize, size_t ver0)
{
	if (usize > LFCE_ARG_SIZE_MAX)
		return -E2BIG;
	if (usize < ver0)
		return -EINVAL;
	return 0;
}

/*
 * Copy an argument struct in. On success @karg holds the caller's struct,
 * zero-extended to @ksize, and *@usize the caller's size.
 */
int lfce_abi_copy_in(void *karg, size_t ksize, size_t ver0,
		     const void __user *uarg, u32 *usize)
{
	int ret;

	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	ret = lfce_abi_check_size(*usize, ver0);
	if (ret)
		return ret;
	/* -E2BIG for a non-zero tail beyond ksize, -EFAULT for a bad pointer. */
	return copy_struct_from_user(karg, ksize, uarg, *usize);
}

/*
 * Copy an argument struct out: min(usize, ksize) bytes, with size set to
 * that count so the caller knows which fields the kernel filled in. @karg
 * must have been fully initialised (zeroed first) by the caller, so no
 * kernel stack bytes leak through padding.
 */
int lfce_abi_copy_out(void __user *uarg, u32 usize, void *karg, size_t ksize)
{
	u32 n = min_t(size_t, usize, ksize);

	memcpy(karg, &n, sizeof(n));
	if (copy_to_user(uarg, karg, n))
		return -EFAULT;
	return 0;
}

/*
 * Before a call commits anything: can the struct that lfce_abi_copy_out()
 * will fill be written? It writes the caller's own bytes back unchanged
 * (@karg as lfce_abi_copy_in() left it), so a struct in read-only memory
 * fails with -EFAULT before anything changed rather than after.
 */
int lfce_abi_probe_out(void __user *uarg, u32 usize, const void *karg, size_t ksize)
{
	if (copy_to_user(uarg, karg, min_t(size_t, usize, ksize)))
		return -EFAULT;
	return 0;
}
