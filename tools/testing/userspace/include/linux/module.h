/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include <linux/init.h>

/*
 * No module metadata in userspace. Each macro still expands to a
 * declaration, so the ';' that follows it at file scope stays valid C.
 */
#define __shim_module_info(x)		_Static_assert(1, x)
#define MODULE_LICENSE(x)		__shim_module_info(x)
#define MODULE_AUTHOR(x)		__shim_module_info(x)
#define MODULE_DESCRIPTION(x)		__shim_module_info(x)
#define MODULE_VERSION(x)		__shim_module_info(x)
#define MODULE_ALIAS(x)			__shim_module_info(x)
#define MODULE_PARM_DESC(name, x)	__shim_module_info(x)
#define module_param(name, type, perm)	extern typeof(name) name
#define EXPORT_SYMBOL(sym)		extern typeof(sym) sym
#define EXPORT_SYMBOL_GPL(sym)		extern typeof(sym) sym

/* Tests call a module's init and exit functions themselves. */
#define module_init(fn)			extern typeof(fn) fn
#define module_exit(fn)			extern typeof(fn) fn

#define THIS_MODULE			((struct module *)0)
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME			"lfce"
#endif

struct module;

#endif /* _SHIM_LINUX_MODULE_H */
