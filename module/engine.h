/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * engine: one game's engine. Writers commit operations with a CAS on the
 * RCU-protected current snapshot; readers copy it wait-free.
 */
#ifndef _LFCE_ENGINE_H
#define _LFCE_ENGINE_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/lfce.h>

#include "pool.h"
#include "publish.h"
#include "snapshot.h"

#define LFCE_RETRY_BUCKETS	8	/* 0, 1, 2-3, 4-7, ... 64+ retries */
#define LFCE_LATENCY_BUCKETS	32	/* log2 of nanoseconds */

/*
 * Per-game counters, each a relaxed atomic. They live in the mapped header
 * (struct lfce_counters, the same layout), so monitors read them with no
 * system call.
 */
struct lfce_metrics {
	atomic64_t retries[LFCE_RETRY_BUCKETS];	/* commits by retries needed */
	atomic64_t cas_failure;
	atomic64_t refused;			/* rules said no */
	atomic64_t exhausted;			/* retry budget ran out */
	atomic64_t backpressure;		/* waits or EAGAIN at the cap */
	atomic64_t latency[LFCE_LATENCY_BUCKETS];	/* 1 in 16 commits, sampled */
	atomic64_t proposals[LFCE_PROP_NR];	/* by outcome; [PENDING]: opened */
};

/*
 * Records a commit of @n operations may emit: one each, plus one for each
 * proposal it lapses on the way (see lfce_rules_apply()).
 */
#define LFCE_TXN_RECORDS(n)	((n) + LFCE_MAX_PROPOSALS)

struct lfce_params {
	u64 game_id;
	u32 slots;			/* ring slots K, power of two */
	u32 records;			/* journal records J, power of two */
	u32 pool_cap;			/* nodes per game */
	u32 retry_budget;
	u32 batch_max;
	struct lfce_budget *budget;	/* the owner's nodes; NULL: exempt */
};

struct lfce_engine {
	/* The hot word: on its own line, away from everything else. */
	const struct lfce_node __rcu *cur ____cacheline_aligned_in_smp;
	struct lfce_pool pool ____cacheline_aligned_in_smp;
	struct lfce_pub pub;
	struct lfce_metrics *metrics;	/* in pub.region->counters */
	/* Where rolls get their seeds (seed.h); set before the first commit. */
	const struct lfce_seeds *seeds;
	u32 retry_budget;
	u32 batch_max;
};

/*
 * A writer's context: its node stash and room for its records, at least
 * LFCE_TXN_RECORDS() of the largest commit it makes. One per
 * thread of control; never shared between concurrent committers.
 */
struct lfce_writer {
	struct lfce_stash stash;
	struct lfce_record *rec;
	unsigned int max_rec;
	bool nonblock;
	u64 realtime_ns;		/* the records' wall-clock stamp */
	u64 deadline_ns;		/* its last commit's earliest deadline, 0: none */
	u32 rnd;			/* backoff jitter */
	u32 samples;			/* latency sampling */
	u32 level;			/* learned contention: see backoff() */
	/*
	 * Its commits and collisions, counted here and added to the game's
	 * counters every LFCE_WRITER_FLUSH commits and when it parks or is
	 * released: writers on one game do not bounce a shared line per
	 * commit. A handle's writer parks at the end of every ioctl, so the
	 * counters are up to date when the ioctl returns.
	 */
	u32 pending;
	u32 retries[LFCE_RETRY_BUCKETS];
	u32 cas_failures;
};

#define LFCE_WRITER_FLUSH	64

/* What a repeated reader's private copy holds: see lfce_engine_read(). */
struct lfce_read_cache {
	u64 ids[LFCE_NODES];
};

int lfce_engine_init(struct lfce_engine *e, const struct lfce_config *cfg,
		     const struct lfce_params *p);
int lfce_engine_restore(struct lfce_engine *e, const struct lfce_snapshot *s,
			const struct lfce_params *p);
void lfce_engine_close(struct lfce_engine *e);
void lfce_engine_uninit(struct lfce_engine *e);
void lfce_writer_init(struct lfce_writer *w, struct lfce_record *rec,
		      unsigned int max_rec, bool nonblock);
void lfce_writer_release(struct lfce_engine *e, struct lfce_writer *w);
void lfce_writer_park(struct lfce_engine *e, struct lfce_writer *w);
void lfce_writer_resume(struct lfce_engine *e, struct lfce_writer *w);
int lfce_commit(struct lfce_engine *e, struct lfce_writer *w,
		const struct lfce_op *ops, unsigned int n, u64 now, u64 *version);
void lfce_read_cache_init(struct lfce_read_cache *cache);
void lfce_engine_read(struct lfce_engine *e, struct lfce_snapshot *out,
		      struct lfce_read_cache *cache);
u64 lfce_engine_commits(struct lfce_engine *e);
u64 lfce_engine_deadline(struct lfce_engine *e);
void lfce_engine_stats(struct lfce_engine *e, struct lfce_stats *out);

#endif /* _LFCE_ENGINE_H */
