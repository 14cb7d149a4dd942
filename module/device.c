// SPDX-License-Identifier: GPL-2.0-only
/*
 * device: /dev/lfce, its file operations and ioctl dispatch.
 *
 * This file is plumbing only: it copies arguments in and out through abi.c
 * and calls into the engine. It holds no game logic.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/lfce.h>

#include "abi.h"
#include "device.h"

static long ioctl_version(void __user *uarg)
{
	struct lfce_version arg;
	u32 usize;
	int ret;

	ret = lfce_abi_copy_in(&arg, sizeof(arg), LFCE_VERSION_SIZE_VER0,
			       uarg, &usize);
	if (ret)
		return ret;

	memset(&arg, 0, sizeof(arg));
	arg.abi_version = LFCE_ABI_VERSION;
	arg.features = __LFCE_FEATURE_ALL;
	return lfce_abi_copy_out(uarg, usize, &arg, sizeof(arg));
}

static long lfce_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (LFCE_ABI_CMD(cmd)) {
	case LFCE_ABI_CMD(LFCE_IOC_VERSION):
		return ioctl_version(uarg);
	}
	return -ENOTTY;
}

static const struct file_operations lfce_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lfce_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice lfce_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= LFCE_DEVICE_NAME,
	.fops	= &lfce_fops,
	/* Players are unprivileged: access control is per operation. */
	.mode	= 0666,
};

int lfce_device_init(void)
{
	return misc_register(&lfce_misc);
}

void lfce_device_uninit(void)
{
	misc_deregister(&lfce_misc);
}
