// SPDX-License-Identifier: GPL-2.0-only
/*
 * get_random_bytes(): from getrandom() by default, or, once a test has
 * called shim_random_seed() (<shim.h>), from a sequence that its seed
 * reproduces, so that a failing random run replays with -s.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <shim.h>

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
