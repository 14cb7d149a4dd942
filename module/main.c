// SPDX-License-Identifier: GPL-2.0-only
/*
 * main: module init and exit. Each concept has an _init and an _uninit;
 * init calls them in order and unwinds in reverse, exit mirrors init.
 */
#include <linux/module.h>
#include <linux/lfce.h>

#include "device.h"

static int __init lfce_mod_init(void)
{
	int ret;

	ret = lfce_device_init();
	if (ret)
		return ret;

	pr_info("loaded, ABI version %d\n", LFCE_ABI_VERSION);
	return 0;
}

static void __exit lfce_mod_exit(void)
{
	lfce_device_uninit();
	pr_info("unloaded\n");
}

module_init(lfce_mod_init);
module_exit(lfce_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lfce: lock-free consensus engine for multiplayer craps");
MODULE_AUTHOR("The lfce developers");
MODULE_VERSION("0.1");
