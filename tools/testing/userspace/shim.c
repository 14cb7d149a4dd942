// SPDX-License-Identifier: GPL-2.0-only
/*
 * The out-of-line half of the userspace shim: allocation accounting and
 * failure injection, warnings and printk, random bytes, and RCU's
 * registration, grace-period numbering and callbacks. The backend-specific
 * part of RCU is in rcu_backend.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <shim.h>

#include "rcu_backend.h"

long shim_nr_allocated;
int shim_fail_nth;
unsigned long shim_warnings;
bool shim_quiet;
unsigned long shim_tsan_fence;
__thread char shim_thread_tag;

/* Allocations */

/* Consume one step of shim_fail_nth; true if this allocation must fail. */
static bool should_fail(gfp_t gfp)
{
	int n = __atomic_load_n(&shim_fail_nth, __ATOMIC_RELAXED);

	if (gfp & __GFP_NOFAIL)
		return false;
	while (n > 0) {
		if (__atomic_compare_exchange_n(&shim_fail_nth, &n, n - 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return n == 1;
	}
	return false;
}

/* kmalloc's alignment for size: see <linux/slab.h>. */
static size_t kmalloc_align(size_t size)
{
	if (size >= PAGE_SIZE)
		return PAGE_SIZE;
	return max_t(size_t, roundup_pow_of_two(size), sizeof(void *) * 2);
}

void *shim_alloc(size_t size, size_t align, gfp_t gfp)
{
	void *p;

	if (should_fail(gfp))
		return NULL;
	if (!align)
		align = kmalloc_align(size);
	if (posix_memalign(&p, align, size))
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(p, 0, size);
	__atomic_add_fetch(&shim_nr_allocated, 1, __ATOMIC_RELAXED);
	return p;
}

void shim_free(const void *p)
{
	__atomic_sub_fetch(&shim_nr_allocated, 1, __ATOMIC_RELAXED);
	free((void *)p);
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

struct kmem_cache {
	const char *name;
	size_t size;
	size_t align;
	void (*ctor)(void *obj);
	long nr_objects;
};

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s) {
		BUG_ON(flags & SLAB_PANIC);
		return NULL;
	}
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max_t(unsigned int, align, SMP_CACHE_BYTES);
	s->name = name;
	s->size = size;
	s->align = max_t(size_t, roundup_pow_of_two(align ?: 1), sizeof(void *) * 2);
	s->ctor = ctor;
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	long n;

	if (!s)
		return;
	n = __atomic_load_n(&s->nr_objects, __ATOMIC_RELAXED);
	WARN(n, "kmem_cache %s destroyed with %ld objects in use\n", s->name, n);
	kfree(s);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	void *obj = shim_alloc(s->size, s->align, gfp);

	if (!obj)
		return NULL;
	if (s->ctor)
		s->ctor(obj);
	__atomic_add_fetch(&s->nr_objects, 1, __ATOMIC_RELAXED);
	return obj;
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	__atomic_sub_fetch(&s->nr_objects, 1, __ATOMIC_RELAXED);
	shim_free(obj);
}

/* Warnings and printk */

void shim_warn(bool *once, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&shim_warnings, 1, __ATOMIC_RELAXED);
	if (once && __atomic_exchange_n(once, true, __ATOMIC_RELAXED))
		return;
	if (READ_ONCE(shim_quiet))
		return;
	va_start(ap, fmt);
	fprintf(stderr, "WARNING: %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void shim_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, what);
	abort();
}

int shim_printk(const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (READ_ONCE(shim_quiet))
		return 0;
	/* Drop the log level: KERN_SOH and one character. */
	if (fmt[0] == KERN_SOH[0] && fmt[1])
		fmt += 2;
	va_start(ap, fmt);
	ret = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return ret;
}

/* Random bytes */

/*
 * Once seeded, get_random_bytes() draws from SplitMix64: each draw claims
 * the next counter value atomically, so any number of threads may draw, and
 * a single-threaded run is reproducible from its seed.
 */
static bool random_seeded;
static u64 random_state;

void shim_random_seed(unsigned long long seed)
{
	__atomic_store_n(&random_state, seed, __ATOMIC_RELAXED);
	__atomic_store_n(&random_seeded, true, __ATOMIC_RELAXED);
}

static u64 splitmix64_next(void)
{
	u64 z = __atomic_add_fetch(&random_state, 0x9e3779b97f4a7c15ULL,
				   __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	if (__atomic_load_n(&random_seeded, __ATOMIC_RELAXED)) {
		while (len) {
			u64 r = splitmix64_next();
			size_t n = min(len, sizeof(r));

			memcpy(p, &r, n);
			p += n;
			len -= n;
		}
		return;
	}
	while (len) {
		ssize_t n = getrandom(p, len, 0);

		BUG_ON(n < 0 && errno != EINTR);
		if (n > 0) {
			p += n;
			len -= n;
		}
	}
}

/* RCU: readers */

static __thread struct {
	int nesting;		/* rcu_read_lock() depth */
	bool registered;
} rcu_self;

void shim_rcu_register_thread(void)
{
	if (WARN_ON_ONCE(rcu_self.registered))
		return;
	rcu_backend_register();
	rcu_self.registered = true;
}

void shim_rcu_unregister_thread(void)
{
	if (WARN_ON_ONCE(!rcu_self.registered || rcu_self.nesting))
		return;
	rcu_backend_unregister();
	rcu_self.registered = false;
}

void rcu_read_lock(void)
{
	/* liburcu would silently not wait for an unregistered reader. */
	WARN_ON_ONCE(!rcu_self.registered);
	if (rcu_self.nesting++ == 0)
		rcu_backend_read_lock();
}

void rcu_read_unlock(void)
{
	if (WARN_ON_ONCE(rcu_self.nesting <= 0))
		return;
	if (--rcu_self.nesting == 0)
		rcu_backend_read_unlock();
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
	unsigned long seq;

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
	rcu_backend_synchronize();
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
