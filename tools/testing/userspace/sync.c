// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storage that the header-only synchronization shims need, since a
 * header cannot define a variable that every object file shares:
 *  - shim_tsan_fence, the word that every fence of <asm/barrier.h> updates
 *    under TSan, which models atomics but not stand-alone fences;
 *  - shim_thread_tag, one per thread, whose address names a lock's owner
 *    in <linux/lockdep.h>, so that lockdep_assert_held() can check.
 */
#include <shim.h>

unsigned long shim_tsan_fence;
__thread char shim_thread_tag;
