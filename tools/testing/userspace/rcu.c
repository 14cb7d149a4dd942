// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RCU shim, all of it: the kernel's RCU API (<linux/rcupdate.h>) and the
 * shim's own controls (<shim.h>). From the bottom up:
 *
 *  - a backend, chosen at build time, that provides read-side critical
 *    sections and a wait for the ones under way: liburcu, or with
 *    -DSHIM_RCU_RWLOCK a rwlock that ThreadSanitizer understands;
 *  - readers: nesting, and the check that each reader thread registered;
 *  - grace periods, numbered in gp_seq, and the polled API on top of them;
 *  - the latency knob: an optional minimum duration of a grace period;
 *  - the grace-period thread, which runs the grace periods that
 *    start_poll_synchronize_rcu() asks for and the call_rcu() callbacks.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <asm/barrier.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <shim.h>

/*
 * RCU: the backend. Each one provides the outermost read lock and unlock of
 * the calling thread, a wait until every read-side critical section that
 * started before ends, and registration of reader threads.
 */

#ifdef SHIM_RCU_RWLOCK

/*
 * A TSan-visible RCU. Readers hold rcu_rwlock shared and a grace period
 * takes it exclusive once, so ThreadSanitizer sees an edge from the end of
 * each earlier read-side critical section to the end of the grace period.
 *
 * glibc's default rwlock prefers readers, so a waiting grace period never
 * holds back a new reader: readers never wait for each other, as with real
 * RCU. (A grace period may wait while readers keep overlapping.)
 *
 * Readers take the lock with trylock. TSan's deadlock detector records no
 * lock-order edge into a lock taken by trylock, so rcu_read_lock() inside
 * a spinlock in one place and the reverse order elsewhere, which is legal,
 * is not reported as a lock-order inversion. synchronize_rcu() inside a read
 * section, a real deadlock, still is.
 */
static pthread_rwlock_t rcu_rwlock = PTHREAD_RWLOCK_INITIALIZER;

static void backend_read_lock(void)
{
	/* Fails only while a grace period holds the lock, which is brief. */
	while (pthread_rwlock_tryrdlock(&rcu_rwlock))
		sched_yield();
}

static void backend_read_unlock(void)
{
	pthread_rwlock_unlock(&rcu_rwlock);
}

static void backend_synchronize(void)
{
	pthread_rwlock_wrlock(&rcu_rwlock);
	pthread_rwlock_unlock(&rcu_rwlock);
}

static void backend_register(void)
{
}

static void backend_unregister(void)
{
}

#else /* liburcu */

/*
 * The flavour: urcu-memb by default (read side without fences; grace
 * periods use membarrier(), which IPIs every CPU running the process), or
 * urcu-mb with -DSHIM_URCU_MB (a fence on each read-side lock and unlock;
 * grace periods only poll). In a VM, IPIs are expensive: bench reports
 * both.
 */
/*
 * <urcu/urcu-memb.h> cannot be included here: it defines struct rcu_head,
 * rcu_dereference() and more under the kernel's names, as the shim headers
 * do. So this file takes the inline read side from the flavour's static
 * header (what that header includes under _LGPL_SOURCE) and declares the
 * library's out-of-line functions itself.
 */
#ifdef SHIM_URCU_MB
#include <urcu/static/urcu-mb.h>
#define URCU(fn)	urcu_mb_##fn
#define _URCU(fn)	_urcu_mb_##fn
void urcu_mb_synchronize_rcu(void);
void urcu_mb_register_thread(void);
void urcu_mb_unregister_thread(void);
#else
#include <urcu/static/urcu-memb.h>
#define URCU(fn)	urcu_memb_##fn
#define _URCU(fn)	_urcu_memb_##fn
void urcu_memb_synchronize_rcu(void);
void urcu_memb_register_thread(void);
void urcu_memb_unregister_thread(void);
#endif

static void backend_read_lock(void)
{
	_URCU(read_lock)();
}

static void backend_read_unlock(void)
{
	_URCU(read_unlock)();
}

static void backend_synchronize(void)
{
	URCU(synchronize_rcu)();
}

static void backend_register(void)
{
	URCU(register_thread)();
}

static void backend_unregister(void)
{
	URCU(unregister_thread)();
}

#endif /* liburcu */

/* RCU: readers */

static __thread struct {
	int nesting;		/* rcu_read_lock() depth */
	bool registered;
} rcu_self;

void shim_rcu_register_thread(void)
{
	if (WARN_ON_ONCE(rcu_self.registered))
		return;
	backend_register();
	rcu_self.registered = true;
}

void shim_rcu_unregister_thread(void)
{
	if (WARN_ON_ONCE(!rcu_self.registered || rcu_self.nesting))
		return;
	backend_unregister();
	rcu_self.registered = false;
}

void rcu_read_lock(void)
{
	/* liburcu would silently not wait for an unregistered reader. */
	WARN_ON_ONCE(!rcu_self.registered);
	if (rcu_self.nesting++ == 0)
		backend_read_lock();
}

void rcu_read_unlock(void)
{
	if (WARN_ON_ONCE(rcu_self.nesting <= 0))
		return;
	if (--rcu_self.nesting == 0)
		backend_read_unlock();
}

/*
 * RCU: the grace-period latency knob. A kernel grace period lasts
 * milliseconds (a median of 8 ms measured at HZ=250), a userspace one a
 * few microseconds, so a benchmark of reuse-after-grace-period schemes
 * here would flatter them. With the knob at N ns, every grace period
 * (synchronize_rcu() and the ones the grace-period thread runs for the
 * polled API and call_rcu()) lasts at least N ns from its start. 0, the
 * default, adds nothing. Set by LFCE_SHIM_GP_NS, read once at start, and
 * by shim_rcu_set_gp_latency(); a grace period uses the value it started
 * with.
 */
static unsigned long long gp_latency_ns;

/* SHIM_RCU_GP_LATENCY_MAX_NS: longer than any grace period, so a typo. */
#define GP_LATENCY_MAX_NS	SHIM_RCU_GP_LATENCY_MAX_NS

unsigned long long shim_rcu_set_gp_latency(unsigned long long ns)
{
	if (WARN_ONCE(ns > GP_LATENCY_MAX_NS, "grace-period latency %llu ns\n", ns))
		ns = GP_LATENCY_MAX_NS;
	return __atomic_exchange_n(&gp_latency_ns, ns, __ATOMIC_RELAXED);
}

/* Before main(), so before any grace period: no thread can race with it. */
static void __attribute__((constructor)) gp_latency_from_env(void)
{
	const char *s = getenv("LFCE_SHIM_GP_NS");
	unsigned long long ns;
	char *end;

	if (!s)
		return;
	errno = 0;
	ns = strtoull(s, &end, 10);
	/* strtoull() would take leading blanks and a sign: digits only. */
	if (!isdigit((unsigned char)*s) || *end || errno || ns > GP_LATENCY_MAX_NS) {
		fprintf(stderr, "LFCE_SHIM_GP_NS=%s: want nanoseconds, at most %llu\n",
			s, GP_LATENCY_MAX_NS);
		exit(2);
	}
	gp_latency_ns = ns;
}

/* Sleep until CLOCK_MONOTONIC reads at least start_ns + min_ns. */
static void gp_stretch(u64 start_ns, unsigned long long min_ns)
{
	u64 end_ns = start_ns + min_ns;
	struct timespec end = {
		.tv_sec = end_ns / NSEC_PER_SEC,
		.tv_nsec = end_ns % NSEC_PER_SEC,
	};
	int ret;

	/* An absolute deadline: a signal cannot make the sleep shorter. */
	do
		ret = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL);
	while (ret == EINTR);
	BUG_ON(ret);
}

/* RCU: grace periods and the polled API */

/*
 * gp_seq numbers grace-period boundaries: it is odd while a grace period is
 * in progress and even otherwise. Only synchronize_rcu() writes it, under
 * gp_mutex, which also makes grace periods one at a time.
 *
 * A cookie is the value gp_seq must reach: the end of the next grace period
 * to start, (seq + 3) & ~1. When seq is even that is seq + 2; when a grace
 * period is under way it is the end of the one after, since the current one
 * may have started before the cookie was taken.
 */
static unsigned long gp_seq;
static pthread_mutex_t gp_mutex = PTHREAD_MUTEX_INITIALIZER;

void synchronize_rcu(void)
{
	unsigned long long min_ns;
	unsigned long seq;
	u64 start_ns = 0;

	/* This would wait for ourselves: a deadlock. */
	WARN_ON_ONCE(rcu_self.nesting);
	pthread_mutex_lock(&gp_mutex);
	seq = __atomic_load_n(&gp_seq, __ATOMIC_RELAXED);
	__atomic_store_n(&gp_seq, seq + 1, __ATOMIC_RELAXED);
	/*
	 * Pairs with the smp_mb() in get_state_synchronize_rcu(): whoever
	 * sampled the even value had unpublished first, so the wait below
	 * covers every reader that could still see what it unpublished.
	 */
	smp_mb();
	/*
	 * The grace period starts here, after gp_seq went odd: any cookie it
	 * completes was taken before this clock reading.
	 */
	min_ns = __atomic_load_n(&gp_latency_ns, __ATOMIC_RELAXED);
	if (min_ns)
		start_ns = ktime_get_ns();
	backend_synchronize();
	if (min_ns)
		gp_stretch(start_ns, min_ns);
	/* Pairs with the acquire in poll_state_synchronize_rcu(). */
	__atomic_store_n(&gp_seq, seq + 2, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&gp_mutex);
}

unsigned long get_state_synchronize_rcu(void)
{
	/*
	 * Order the caller's unpublishing before the sample. Pairs with the
	 * smp_mb() in synchronize_rcu().
	 */
	smp_mb();
	return (__atomic_load_n(&gp_seq, __ATOMIC_ACQUIRE) + 3) & ~1UL;
}

bool poll_state_synchronize_rcu(unsigned long cookie)
{
	/* Pairs with the release in synchronize_rcu(). */
	unsigned long seq = __atomic_load_n(&gp_seq, __ATOMIC_ACQUIRE);

	if (cookie != RCU_GET_STATE_COMPLETED && (long)(seq - cookie) < 0)
		return false;
	/* Order the wait before the caller's reuse of the memory. */
	smp_mb();
	return true;
}

void cond_synchronize_rcu(unsigned long cookie)
{
	/* A grace period that starts now completes the cookie. */
	if (!poll_state_synchronize_rcu(cookie))
		synchronize_rcu();
}

/* RCU: the grace-period thread */

/*
 * A thread, started on first need, that runs grace periods while a cookie
 * beyond gp_seq has been requested or callbacks are queued, and runs the
 * callbacks queued before each grace period once it ends. All fields are
 * under gpt.lock.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* work queued, or stop requested */
	pthread_cond_t progress;	/* cbs_done advanced */
	pthread_t thread;
	bool running;
	bool stop;
	unsigned long want;		/* the largest cookie requested */
	struct rcu_head *cbs;		/* queued callbacks, oldest first */
	struct rcu_head **cbs_tail;
	unsigned long cbs_queued;	/* callbacks ever queued */
	unsigned long cbs_done;		/* callbacks ever invoked */
} gpt = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.progress = PTHREAD_COND_INITIALIZER,
	.cbs_tail = &gpt.cbs,
};

static bool gp_work_pending(void)
{
	unsigned long seq = __atomic_load_n(&gp_seq, __ATOMIC_ACQUIRE);

	return gpt.cbs || (long)(seq - gpt.want) < 0;
}

static void invoke_callbacks(struct rcu_head *head)
{
	while (head) {
		struct rcu_head *next = head->next;

		head->func(head);
		head = next;
	}
}

/* One grace period, then the callbacks queued before it. Drops gpt.lock. */
static void gp_run_one(void)
{
	struct rcu_head *cbs = gpt.cbs;
	unsigned long n = gpt.cbs_queued - gpt.cbs_done;

	gpt.cbs = NULL;
	gpt.cbs_tail = &gpt.cbs;
	pthread_mutex_unlock(&gpt.lock);

	synchronize_rcu();
	invoke_callbacks(cbs);

	pthread_mutex_lock(&gpt.lock);
	gpt.cbs_done += n;
	pthread_cond_broadcast(&gpt.progress);
}

static void *gp_thread(void *unused)
{
	/* Callbacks may use RCU themselves. */
	shim_rcu_register_thread();
	pthread_mutex_lock(&gpt.lock);
	for (;;) {
		if (gp_work_pending()) {
			gp_run_one();
			continue;
		}
		if (gpt.stop)
			break;
		pthread_cond_wait(&gpt.wake, &gpt.lock);
	}
	pthread_mutex_unlock(&gpt.lock);
	shim_rcu_unregister_thread();
	return NULL;
}

/* Make sure the thread will look for work. Called under gpt.lock. */
static void gp_kick(void)
{
	if (gpt.running) {
		pthread_cond_signal(&gpt.wake);
		return;
	}
	BUG_ON(pthread_create(&gpt.thread, NULL, gp_thread, NULL));
	gpt.running = true;
}

unsigned long start_poll_synchronize_rcu(void)
{
	unsigned long cookie = get_state_synchronize_rcu();

	pthread_mutex_lock(&gpt.lock);
	if ((long)(gpt.want - cookie) < 0)
		gpt.want = cookie;
	gp_kick();
	pthread_mutex_unlock(&gpt.lock);
	return cookie;
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	pthread_mutex_lock(&gpt.lock);
	*gpt.cbs_tail = head;
	gpt.cbs_tail = &head->next;
	gpt.cbs_queued++;
	gp_kick();
	pthread_mutex_unlock(&gpt.lock);
}

void rcu_barrier(void)
{
	unsigned long target;

	WARN_ON_ONCE(rcu_self.nesting);
	pthread_mutex_lock(&gpt.lock);
	/* Batches complete in order, so cbs_done passes target exactly once. */
	target = gpt.cbs_queued;
	while ((long)(gpt.cbs_done - target) < 0)
		pthread_cond_wait(&gpt.progress, &gpt.lock);
	pthread_mutex_unlock(&gpt.lock);
}

void shim_rcu_exit(void)
{
	pthread_t thread;

	pthread_mutex_lock(&gpt.lock);
	if (!gpt.running) {
		pthread_mutex_unlock(&gpt.lock);
		return;
	}
	/* The thread finishes the queued work before it sees stop. */
	gpt.stop = true;
	pthread_cond_signal(&gpt.wake);
	thread = gpt.thread;
	pthread_mutex_unlock(&gpt.lock);

	pthread_join(thread, NULL);

	pthread_mutex_lock(&gpt.lock);
	gpt.running = false;
	gpt.stop = false;
	pthread_mutex_unlock(&gpt.lock);
}
