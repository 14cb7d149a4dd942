/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_INIT_H
#define _SHIM_LINUX_INIT_H

/* No init sections in userspace. */
#define __init
#define __exit
#define __initdata
#define __initconst
#define __exitdata

#endif /* _SHIM_LINUX_INIT_H */
