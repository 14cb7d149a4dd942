/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_GFP_H
#define _SHIM_LINUX_GFP_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * Allocation flags. The shim acts on __GFP_ZERO and __GFP_NOFAIL (never
 * injected to fail); the others are accepted and ignored. The values are
 * the shim's own.
 */
#define __GFP_HIGH		0x001u
#define __GFP_IO		0x002u
#define __GFP_FS		0x004u
#define __GFP_ZERO		0x008u
#define __GFP_DIRECT_RECLAIM	0x010u
#define __GFP_KSWAPD_RECLAIM	0x020u
#define __GFP_NOWARN		0x040u
#define __GFP_NORETRY		0x080u
#define __GFP_RETRY_MAYFAIL	0x100u
#define __GFP_NOFAIL		0x200u
#define __GFP_ACCOUNT		0x400u

#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC		(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT		(__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO		(__GFP_RECLAIM)
#define GFP_NOFS		(__GFP_RECLAIM | __GFP_IO)
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_USER		GFP_KERNEL

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_DIRECT_RECLAIM;
}

#endif /* _SHIM_LINUX_GFP_H */
