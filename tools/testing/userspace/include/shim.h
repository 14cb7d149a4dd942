/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Controls and counters of the userspace shim, for tests: slab.c,
 * printk.c, random.c and rcu.c hold them.
 *
 *  - shim_nr_allocated counts live allocations made through the slab,
 *    vmalloc and kmem_cache shims; a clean run ends with it at zero.
 *  - shim_fail_nth > 0 makes the Nth allocation from now fail (and resets
 *    itself to zero when it does), to exercise -ENOMEM paths.
 *  - shim_warnings counts every WARN*() whose condition was true, including
 *    the silent repeats of WARN_ON_ONCE(); a clean run ends with it at zero.
 *  - shim_quiet drops printk and WARN output; the counters still count.
 *
 * Set the controls before starting threads, or with WRITE_ONCE().
 *
 * Every thread that enters an RCU read-side critical section must call
 * shim_rcu_register_thread() first and shim_rcu_unregister_thread() before
 * it exits, as liburcu requires; the other backend checks the same rule.
 * shim_rcu_exit() runs outstanding RCU callbacks and stops the grace-period
 * thread; call it at the end, when no other thread uses RCU.
 *
 * shim_rcu_set_gp_latency() makes every grace period that starts from now
 * last at least ns nanoseconds, as a kernel's does (milliseconds), and
 * returns the previous value; 0 (the default) adds no delay. More than
 * SHIM_RCU_GP_LATENCY_MAX_NS (60 s) warns and is capped. The environment
 * variable LFCE_SHIM_GP_NS sets it at start; a value that is not a number
 * of nanoseconds, or is over the cap, exits with status 2.
 *
 * shim_random_seed() makes get_random_*() a reproducible sequence.
 */
#ifndef _SHIM_H
#define _SHIM_H

#include <stdbool.h>

extern long shim_nr_allocated;
extern int shim_fail_nth;
extern unsigned long shim_warnings;
extern bool shim_quiet;

void shim_rcu_register_thread(void);
void shim_rcu_unregister_thread(void);
void shim_rcu_exit(void);
unsigned long long shim_rcu_set_gp_latency(unsigned long long ns);
#define SHIM_RCU_GP_LATENCY_MAX_NS	60000000000ULL

void shim_random_seed(unsigned long long seed);
/* The run's seed: kunit.c takes it from -s or the clock and prints it. */
unsigned long long shim_seed(void);

/* Internals used by the shim headers. */
extern unsigned long shim_tsan_fence;
extern __thread char shim_thread_tag;

#endif /* _SHIM_H */
