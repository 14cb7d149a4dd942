// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: checks the userspace shim itself, in whichever flavour it is
 * built: allocation counting and failure injection, the libraries behind
 * xxh64() and sha256(), atomics, WARN counting, lock ownership,
 * and RCU: the polled grace-period API against a reader that holds
 * rcu_read_lock(), call_rcu() and rcu_barrier(), the grace-period latency
 * knob, and a short stress of cmpxchg() commits with both kinds of
 * reclamation. Runs in about a second
 * (ten under TSan). Output is TAP; exit 0 if every test passed, else 1.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <asm/processor.h>
#include <crypto/sha2.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/vmalloc.h>
#include <linux/xxhash.h>
#include <shim.h>

static int t_count;
static int t_failed;

static void __printf(2, 3) t_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	t_count++;
	if (!ok)
		t_failed++;
	printf("%sok %d - ", ok ? "" : "not ", t_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * NSEC_PER_MSEC };

	nanosleep(&ts, NULL);
}

static void test_alloc_counting(void)
{
	long base = READ_ONCE(shim_nr_allocated);
	u8 *a = kmalloc(100, GFP_KERNEL);
	u8 *b = kzalloc(100, GFP_KERNEL_ACCOUNT);
	u64 *c = kcalloc(10, sizeof(*c), GFP_KERNEL);
	void *d = kvmalloc(8192, GFP_KERNEL);
	u8 *e = vmalloc_user(3 * PAGE_SIZE);
	void *f = kmemdup("abc", 4, GFP_NOWAIT);
	void *z = kmalloc(0, GFP_KERNEL);
	bool zeroed = true;
	size_t i;

	for (i = 0; i < 100; i++)
		zeroed &= b[i] == 0;
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		zeroed &= e[i] == 0;
	t_ok(a && b && c && d && e && f, "kmalloc family allocates");
	t_ok(READ_ONCE(shim_nr_allocated) - base == 6,
	     "6 allocations counted (kmalloc(0) is not one)");
	t_ok(zeroed && c[9] == 0, "kzalloc, kcalloc and vmalloc_user zero");
	t_ok(PAGE_ALIGNED(e) && IS_ALIGNED((unsigned long)a, 128),
	     "vmalloc_user is page-aligned, kmalloc(100) 128-aligned");
	t_ok(z == ZERO_SIZE_PTR, "kmalloc(0) returns ZERO_SIZE_PTR");
	t_ok(!kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL), "kmalloc_array overflow fails");
	kfree(a);
	kfree(b);
	kfree(c);
	kvfree(d);
	vfree(e);
	kfree(f);
	kfree(z);
	kfree(NULL);
	t_ok(READ_ONCE(shim_nr_allocated) == base, "count returns to %ld after frees", base);
}

static void test_fail_nth(void)
{
	long base = READ_ONCE(shim_nr_allocated);
	void *p[5];
	bool pattern = true;
	int i;

	WRITE_ONCE(shim_fail_nth, 3);
	for (i = 0; i < 5; i++)
		p[i] = kmalloc(32, GFP_KERNEL);
	for (i = 0; i < 5; i++)
		pattern &= (p[i] == NULL) == (i == 2);
	t_ok(pattern, "shim_fail_nth = 3 fails exactly the third allocation");
	t_ok(READ_ONCE(shim_fail_nth) == 0, "shim_fail_nth is spent");
	t_ok(READ_ONCE(shim_nr_allocated) - base == 4, "the failed allocation is not counted");
	for (i = 0; i < 5; i++)
		kfree(p[i]);

	WRITE_ONCE(shim_fail_nth, 1);
	p[0] = kmalloc(32, GFP_KERNEL | __GFP_NOFAIL);
	p[1] = vmalloc(PAGE_SIZE);
	t_ok(p[0] && !p[1], "__GFP_NOFAIL is never failed; vmalloc can be");
	kfree(p[0]);
}

struct cached {
	u64 word;
	int ctor_ran;
} ____cacheline_aligned;

static void cached_ctor(void *obj)
{
	((struct cached *)obj)->ctor_ran = 1;
}

static void test_kmem_cache(void)
{
	long base = READ_ONCE(shim_nr_allocated);
	struct kmem_cache *s = kmem_cache_create("cached", sizeof(struct cached),
						 0, SLAB_HWCACHE_ALIGN, cached_ctor);
	struct cached *o = s ? kmem_cache_alloc(s, GFP_KERNEL) : NULL;

	t_ok(o && o->ctor_ran && IS_ALIGNED((unsigned long)o, SMP_CACHE_BYTES),
	     "kmem_cache_alloc runs the ctor and aligns to a cache line");
	kmem_cache_free(s, o);
	kmem_cache_destroy(s);
	t_ok(READ_ONCE(shim_nr_allocated) == base, "kmem_cache objects are counted");
}

static void test_hashes(void)
{
	static const u8 abc_sha256[SHA256_DIGEST_SIZE] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	struct sha256_state st;
	u8 out[SHA256_DIGEST_SIZE];
	u8 out2[SHA256_DIGEST_SIZE];

	t_ok(xxh64("", 0, 0) == 0xEF46DB3751D8E999ULL, "xxh64(\"\", 0) = 0xef46db3751d8e999");
	t_ok(xxh64("abc", 3, 1) != xxh64("abc", 3, 0), "xxh64 depends on the seed");

	sha256((const u8 *)"abc", 3, out);
	sha256_init(&st);
	sha256_update(&st, (const u8 *)"a", 1);
	sha256_update(&st, (const u8 *)"bc", 2);
	sha256_final(&st, out2);
	t_ok(!memcmp(out, abc_sha256, sizeof(out)), "sha256(\"abc\") = ba7816bf...");
	t_ok(!memcmp(out2, abc_sha256, sizeof(out2)), "streaming sha256 agrees");
}

static void test_cmpxchg(void)
{
	int i = 5;
	u64 u = U64_MAX - 1;
	int a, b;
	struct cached x, y, *p = &x, *q = &x;
	atomic_t at = ATOMIC_INIT(1);
	atomic64_t a64 = ATOMIC64_INIT(S64_MAX - 1);
	atomic_long_t al = ATOMIC_LONG_INIT(0);
	int old;

	a = cmpxchg(&i, 5, 6);
	b = cmpxchg(&i, 5, 7);
	t_ok(a == 5 && b == 6 && i == 6, "cmpxchg(int) returns the old value on success and failure");
	t_ok(cmpxchg(&u, U64_MAX - 1, U64_MAX) == U64_MAX - 1 && u == U64_MAX,
	     "cmpxchg(u64) succeeds at full width");
	t_ok(cmpxchg(&p, &y, NULL) == &x && p == &x, "cmpxchg(pointer) fails and returns the current pointer");
	t_ok(cmpxchg(&p, q, &y) == &x && p == &y, "cmpxchg(pointer) succeeds");
	t_ok(!try_cmpxchg(&p, &q, &x) && q == &y && try_cmpxchg(&p, &q, &x) && p == &x,
	     "try_cmpxchg updates the expected value on failure, then succeeds");
	t_ok(xchg(&i, 9) == 6 && i == 9, "xchg returns the previous value");

	atomic_inc(&at);
	old = 2;
	t_ok(atomic_read(&at) == 2 && atomic_inc_return(&at) == 3 &&
	     atomic_fetch_add(2, &at) == 3 && atomic_cmpxchg(&at, 5, 1) == 5 &&
	     !atomic_try_cmpxchg(&at, &old, 0) && old == 1 && atomic_dec_and_test(&at),
	     "atomic_t operations");
	t_ok(atomic64_inc_return(&a64) == S64_MAX && atomic64_xchg(&a64, 0) == S64_MAX &&
	     !atomic64_inc_not_zero(&a64) && atomic64_add_return(3, &a64) == 3,
	     "atomic64_t operations");
	atomic_long_add(-5, &al);
	t_ok(atomic_long_read(&al) == -5 && atomic_long_add_unless(&al, 1, -5) == false,
	     "atomic_long_t operations");
	/* One thread, so no partners: these need only compile, store and load. */
	smp_store_release(&i, 10);
	/* No partner, as above. */
	smp_mb();
	/* No partner, as above. */
	a = smp_load_acquire(&i);
	t_ok(a == 10, "smp_store_release, smp_mb, smp_load_acquire");
}

struct flex {
	u32 n;
	u64 items[];
};

static void test_helpers(void)
{
	static const char digits[10] = "012345678";
	struct flex *f = NULL;
	u64 r64;
	u32 r32;
	u64 big = 1ULL << 40;

	BUILD_BUG_ON(!is_power_of_2(SMP_CACHE_BYTES));
	BUILD_BUG_ON(ilog2(4096) != 12);
	BUILD_BUG_ON(roundup_pow_of_two(65) != 128);
	static_assert(sizeof(struct cached) == SMP_CACHE_BYTES);
	static_assert(ARRAY_SIZE(digits) == 10, "with a message");

	t_ok(ilog2(big) == 40 && ilog2((u32)1000) == 9 && is_power_of_2(big) &&
	     !is_power_of_2(big + 1) && roundup_pow_of_two(big + 1) == big * 2,
	     "ilog2, is_power_of_2, roundup_pow_of_two at run time");
	t_ok(hweight32(0xf0f0) == 8 && hweight64(~0ULL) == 64 && __ffs(0x50UL) == 4 &&
	     fls(0) == 0 && fls(0x50) == 7 && fls64(big) == 41,
	     "hweight, __ffs, fls");
	t_ok(check_add_overflow(U64_MAX, (u64)1, &r64) && !check_add_overflow((u64)1, (u64)2, &r64) &&
	     r64 == 3 && check_sub_overflow(0U, 1U, &r32) && check_mul_overflow(big, big, &r64),
	     "check_{add,sub,mul}_overflow");
	t_ok(mul_u64_u64_div_u64(U64_MAX, 3, 6) == U64_MAX / 2 &&
	     div_u64(10, 3) == 3 && mul_u64_u64_div_u64(big, big, big) == big,
	     "mul_u64_u64_div_u64 keeps 128 bits");
	t_ok(min(3, 4) == 3 && max_t(u64, -1, 2) == U64_MAX && clamp(15, 0, 10) == 10 &&
	     min3(5, 2, 9) == 2 && DIV_ROUND_UP(7, 2) == 4 && round_up(9, 8) == 16 &&
	     GENMASK(7, 4) == 0xf0 && BIT(3) == 8,
	     "min, max_t, clamp, DIV_ROUND_UP, round_up, GENMASK");
	t_ok(struct_size(f, items, 3) == sizeof(*f) + 3 * sizeof(u64) &&
	     struct_size(f, items, SIZE_MAX / 4) == SIZE_MAX,
	     "struct_size, saturating on overflow");
}

static void test_random(void)
{
	u64 a[4], b[4];
	int i;

	shim_random_seed(42);
	for (i = 0; i < 4; i++)
		a[i] = get_random_u64();
	shim_random_seed(42);
	get_random_bytes(b, sizeof(b));
	t_ok(!memcmp(a, b, sizeof(a)) && a[0] != a[1], "a seeded sequence replays");
	t_ok(get_random_u32_below(7) < 7, "get_random_u32_below");
}

static void test_warn(void)
{
	unsigned long base = READ_ONCE(shim_warnings);
	int ret, i;

	WRITE_ONCE(shim_quiet, true);
	ret = WARN_ON(0);
	t_ok(ret == 0 && READ_ONCE(shim_warnings) == base, "WARN_ON(false) is silent");
	ret = WARN_ON(2 > 1);
	t_ok(ret == 1 && READ_ONCE(shim_warnings) == base + 1, "WARN_ON(true) returns true, counts");
	for (i = 0; i < 2; i++)
		WARN_ON_ONCE(i >= 0);
	t_ok(READ_ONCE(shim_warnings) == base + 3, "WARN_ON_ONCE counts every hit");
	ret = WARN(1, "value %d\n", 7);
	t_ok(ret == 1 && READ_ONCE(shim_warnings) == base + 4, "WARN with a format");
	WRITE_ONCE(shim_quiet, false);
	WRITE_ONCE(shim_warnings, base);
}

static DEFINE_SPINLOCK(test_lock);

static void test_locks(void)
{
	unsigned long base = READ_ONCE(shim_warnings);
	unsigned long flags;

	spin_lock_irqsave(&test_lock, flags);
	lockdep_assert_held(&test_lock);
	spin_unlock_irqrestore(&test_lock, flags);
	t_ok(READ_ONCE(shim_warnings) == base, "lockdep_assert_held passes when held");

	WRITE_ONCE(shim_quiet, true);
	lockdep_assert_held(&test_lock);
	t_ok(READ_ONCE(shim_warnings) == base + 1, "lockdep_assert_held warns when not held");
	WRITE_ONCE(shim_quiet, false);
	WRITE_ONCE(shim_warnings, base);
}

/*
 * A reader that enters rcu_read_lock(), reports HOLDING, and leaves when
 * told RELEASE.
 */
enum { IDLE, HOLDING, RELEASE, DONE };
static int holder_state;

static void *holder(void *arg)
{
	shim_rcu_register_thread();
	rcu_read_lock();
	/* Pairs with the acquire in holder_start(): we hold the lock. */
	smp_store_release(&holder_state, HOLDING);
	/* Pairs with the release in holder_stop(). */
	while (smp_load_acquire(&holder_state) != RELEASE)
		sleep_ms(1);
	rcu_read_unlock();
	shim_rcu_unregister_thread();
	return NULL;
}

static void holder_start(pthread_t *th)
{
	WRITE_ONCE(holder_state, IDLE);
	pthread_create(th, NULL, holder, NULL);
	/* Pairs with the release in holder(). */
	while (smp_load_acquire(&holder_state) != HOLDING)
		sleep_ms(1);
}

static void holder_stop(pthread_t th)
{
	/* Pairs with the acquire in holder(). */
	smp_store_release(&holder_state, RELEASE);
	pthread_join(th, NULL);
}

/* Whether poll_state_synchronize_rcu(cookie) becomes true within ms. */
static bool completes_within(unsigned long cookie, long ms)
{
	for (; ms > 0; ms--) {
		if (poll_state_synchronize_rcu(cookie))
			return true;
		sleep_ms(1);
	}
	return poll_state_synchronize_rcu(cookie);
}

static int cond_sync_returned;

static void *cond_syncer(void *arg)
{
	cond_synchronize_rcu((unsigned long)arg);
	/* Pairs with the acquire in test_polled_gp(). */
	smp_store_release(&cond_sync_returned, 1);
	return NULL;
}

static void test_polled_gp(void)
{
	unsigned long before, cookie, later;
	pthread_t th, waiter;

	t_ok(poll_state_synchronize_rcu(get_completed_synchronize_rcu()),
	     "get_completed_synchronize_rcu() is completed");

	before = get_state_synchronize_rcu();
	holder_start(&th);
	cookie = start_poll_synchronize_rcu();
	WRITE_ONCE(cond_sync_returned, 0);
	pthread_create(&waiter, NULL, cond_syncer, (void *)cookie);
	t_ok(!completes_within(cookie, 100), "a cookie taken under a reader stays pending while it reads");
	/* Pairs with the release in cond_syncer(). */
	t_ok(!smp_load_acquire(&cond_sync_returned), "cond_synchronize_rcu waits for that reader");
	holder_stop(th);
	pthread_join(waiter, NULL);
	t_ok(poll_state_synchronize_rcu(cookie), "cond_synchronize_rcu returns with the cookie completed");
	t_ok(poll_state_synchronize_rcu(before), "an older cookie is completed too");

	later = start_poll_synchronize_rcu();
	t_ok(completes_within(later, 10000), "the grace-period thread completes a started cookie");

	later = get_state_synchronize_rcu();
	t_ok(!poll_state_synchronize_rcu(later), "a fresh cookie is pending");
	cond_synchronize_rcu(later);
	t_ok(poll_state_synchronize_rcu(later), "cond_synchronize_rcu completes it");
	later = get_state_synchronize_rcu();
	synchronize_rcu();
	t_ok(poll_state_synchronize_rcu(later), "synchronize_rcu completes cookies taken before it");
}

struct obj {
	struct rcu_head rcu;
	int *flag;
};

static void obj_free_cb(struct rcu_head *head)
{
	struct obj *o = container_of(head, struct obj, rcu);

	__atomic_store_n(o->flag, 1, __ATOMIC_RELAXED);
	kfree(o);
}

static void test_call_rcu(void)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	int freed = 0;
	pthread_t th;

	o->flag = &freed;
	holder_start(&th);
	call_rcu(&o->rcu, obj_free_cb);
	sleep_ms(100);
	t_ok(!__atomic_load_n(&freed, __ATOMIC_RELAXED), "a call_rcu callback waits for a pre-existing reader");
	holder_stop(th);
	rcu_barrier();
	t_ok(__atomic_load_n(&freed, __ATOMIC_RELAXED), "rcu_barrier waits for the callback");
}

/*
 * The grace-period latency knob. Only order is asserted, never that
 * something happens within a time: every grace period that completes what
 * a test asks for starts after the test's first clock reading, and lasts
 * at least GP_LATENCY_NS, so the clock read after it completed is at least
 * that much later, however loaded the machine. (Without the knob, these
 * grace periods take microseconds.)
 */
#define GP_LATENCY_NS		(50 * NSEC_PER_MSEC)

static u64 gp_cb_ns;

static void gp_latency_cb(struct rcu_head *head)
{
	__atomic_store_n(&gp_cb_ns, ktime_get_ns(), __ATOMIC_RELAXED);
}

static void test_gp_latency(void)
{
	unsigned long long old = shim_rcu_set_gp_latency(GP_LATENCY_NS);
	unsigned long base = READ_ONCE(shim_warnings);
	struct rcu_head head;
	unsigned long cookie;
	u64 start;

	start = ktime_get_ns();
	synchronize_rcu();
	t_ok(ktime_get_ns() - start >= GP_LATENCY_NS, "synchronize_rcu lasts at least the latency set");

	start = ktime_get_ns();
	cookie = start_poll_synchronize_rcu();
	/* No bound on the wait: the runner's timeout is the only clock here. */
	while (!poll_state_synchronize_rcu(cookie))
		sleep_ms(1);
	t_ok(ktime_get_ns() - start >= GP_LATENCY_NS,
	     "a polled cookie completes only once the latency has passed");

	start = ktime_get_ns();
	call_rcu(&head, gp_latency_cb);
	rcu_barrier();
	t_ok(__atomic_load_n(&gp_cb_ns, __ATOMIC_RELAXED) - start >= GP_LATENCY_NS,
	     "a call_rcu callback runs only once the latency has passed");

	WRITE_ONCE(shim_quiet, true);
	shim_rcu_set_gp_latency(ULLONG_MAX);
	t_ok(shim_rcu_set_gp_latency(old) == SHIM_RCU_GP_LATENCY_MAX_NS &&
	     READ_ONCE(shim_warnings) == base + 1, "an absurd latency warns and is capped");
	WRITE_ONCE(shim_quiet, false);
	WRITE_ONCE(shim_warnings, base);
}

/*
 * LFCE_SHIM_GP_NS, read at start: run this program again with the variable
 * set to value (or unset if NULL), as "gp-env <expected>", where it checks
 * that the knob reads expected. Its stderr, where rejected values are
 * reported, goes to /dev/null. Returns the exit status, or -1.
 */
static char **environ_at_start;	/* main()'s envp */

static int run_gp_env(const char *value, const char *expected)
{
	char **env = environ_at_start;
	char *argv[] = { "shim_selftest", "gp-env", (char *)expected, NULL };
	posix_spawn_file_actions_t fa;
	char **envp, var[64];
	int n = 0, i, status = -1;
	pid_t pid;

	for (i = 0; env[i]; i++)
		;
	envp = calloc(i + 2, sizeof(*envp));
	if (!envp)
		return -1;
	for (i = 0; env[i]; i++)
		if (strncmp(env[i], "LFCE_SHIM_GP_NS=", 16))
			envp[n++] = env[i];
	if (value) {
		snprintf(var, sizeof(var), "LFCE_SHIM_GP_NS=%s", value);
		envp[n++] = var;
	}
	if (posix_spawn_file_actions_init(&fa))
		goto out;
	if (!posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) &&
	    !posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, envp) &&
	    waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	posix_spawn_file_actions_destroy(&fa);
out:
	free(envp);
	return status;
}

/* The other half of run_gp_env(): 0 if the knob reads expected, else 1. */
static int gp_env_child(const char *expected)
{
	return shim_rcu_set_gp_latency(0) == strtoull(expected, NULL, 10) ? 0 : 1;
}

static void test_gp_latency_env(void)
{
	t_ok(run_gp_env(NULL, "0") == 0, "without LFCE_SHIM_GP_NS the latency is 0");
	t_ok(run_gp_env("50000000", "50000000") == 0, "LFCE_SHIM_GP_NS sets the latency");
	t_ok(run_gp_env("5ms", "0") == 2 && run_gp_env("-1", "0") == 2 &&
	     run_gp_env(" 5", "0") == 2 && run_gp_env("60000000001", "0") == 2,
	     "LFCE_SHIM_GP_NS that is not nanoseconds (or over 60 s) exits 2");
}

/*
 * Stress: writers commit new snapshots by cmpxchg() inside an RCU read-side
 * critical section (as lfce's commit does) and retire the old one either by
 * call_rcu() or with a polled cookie; readers check every snapshot they see.
 * Under ASan a premature free is a use-after-free; under TSan it is a race.
 */
#define WRITERS		2
#define READERS		2
#define COMMITS		20000

struct snap {
	struct rcu_head rcu;
	u64 version;
	u64 check;		/* ~version */
	unsigned long cookie;
	struct snap *next;	/* in a writer's retired FIFO */
};

/* A writer's retired snapshots, oldest (smallest cookie) first. */
struct retired {
	struct snap *head;
	struct snap **tail;
};

static struct snap __rcu *cur;
static int stress_stop;
static int reader_errors;

static void snap_free_cb(struct rcu_head *head)
{
	kfree(container_of(head, struct snap, rcu));
}

static void reclaim(struct retired *r, bool wait)
{
	struct snap *s;

	while ((s = r->head)) {
		if (wait)
			cond_synchronize_rcu(s->cookie);
		else if (!poll_state_synchronize_rcu(s->cookie))
			break;
		r->head = s->next;
		kfree(s);
	}
	if (!r->head)
		r->tail = &r->head;
}

static struct snap *commit_one(struct snap *new)
{
	struct snap *old;

	for (;;) {
		rcu_read_lock();
		old = rcu_dereference(cur);
		new->version = old->version + 1;
		new->check = ~new->version;
		if (cmpxchg(&cur, old, new) == old)
			break;
		rcu_read_unlock();
		cpu_relax();
	}
	rcu_read_unlock();
	return old;
}

static void *writer(void *arg)
{
	struct retired retired = { .tail = &retired.head };
	int i;

	shim_rcu_register_thread();
	for (i = 0; i < COMMITS; i++) {
		struct snap *old = commit_one(kmalloc(sizeof(*old), GFP_KERNEL));

		if (i & 1) {
			call_rcu(&old->rcu, snap_free_cb);
		} else {
			old->cookie = start_poll_synchronize_rcu();
			old->next = NULL;
			*retired.tail = old;
			retired.tail = &old->next;
		}
		reclaim(&retired, false);
	}
	reclaim(&retired, true);
	shim_rcu_unregister_thread();
	return NULL;
}

static void *reader(void *arg)
{
	u64 last = 0;

	shim_rcu_register_thread();
	/* Pairs with the release in test_rcu_stress(). */
	while (!smp_load_acquire(&stress_stop)) {
		struct snap *s;

		rcu_read_lock();
		s = rcu_dereference(cur);
		if (s->check != ~s->version || s->version < last)
			__atomic_fetch_add(&reader_errors, 1, __ATOMIC_RELAXED);
		last = s->version;
		rcu_read_unlock();
		/* Give grace periods a gap: the rwlock backend prefers readers. */
		sched_yield();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void test_rcu_stress(void)
{
	pthread_t w[WRITERS], r[READERS];
	struct snap *first = kzalloc(sizeof(*first), GFP_KERNEL);
	u64 start_ns = ktime_get_ns();
	int i;

	first->check = ~0ULL;
	RCU_INIT_POINTER(cur, first);
	for (i = 0; i < READERS; i++)
		pthread_create(&r[i], NULL, reader, NULL);
	for (i = 0; i < WRITERS; i++)
		pthread_create(&w[i], NULL, writer, NULL);
	for (i = 0; i < WRITERS; i++)
		pthread_join(w[i], NULL);
	/* Pairs with the acquire in reader(). */
	smp_store_release(&stress_stop, 1);
	for (i = 0; i < READERS; i++)
		pthread_join(r[i], NULL);

	t_ok(rcu_access_pointer(cur)->version == WRITERS * COMMITS,
	     "%d cmpxchg commits, none lost", WRITERS * COMMITS);
	t_ok(__atomic_load_n(&reader_errors, __ATOMIC_RELAXED) == 0,
	     "readers saw only whole snapshots, in version order");
	rcu_barrier();
	kfree(rcu_dereference_protected(cur, true));
	t_ok(READ_ONCE(shim_nr_allocated) == 0, "every retired snapshot was freed (%llu ms)",
	     (ktime_get_ns() - start_ns) / NSEC_PER_MSEC);
}

int main(int argc, char **argv, char **envp)
{
	if (argc == 3 && !strcmp(argv[1], "gp-env"))
		return gp_env_child(argv[2]);
	environ_at_start = envp;
	test_gp_latency_env();
	shim_rcu_register_thread();
	test_alloc_counting();
	test_fail_nth();
	test_kmem_cache();
	test_hashes();
	test_cmpxchg();
	test_helpers();
	test_random();
	test_warn();
	test_locks();
	test_polled_gp();
	test_call_rcu();
	test_gp_latency();
	test_rcu_stress();
	shim_rcu_unregister_thread();
	shim_rcu_exit();

	t_ok(READ_ONCE(shim_nr_allocated) == 0, "no allocation outlives the tests");
	t_ok(READ_ONCE(shim_warnings) == 0, "no unexpected warnings");
	printf("1..%d\n", t_count);
	return t_failed ? 1 : 0;
}
