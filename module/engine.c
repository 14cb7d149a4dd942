// SPDX-License-Identifier: GPL-2.0-only
/*
 * engine: the CAS loop of lfce_commit().
 *
 *	fill the stash                  may sleep: before the RCU section
 *	rcu_read_lock, epoch enter
 *	old = cur; new = rules(old, ops)
 *	cmpxchg(cur, old, new)          the read section spans load to
 *	                                cmpxchg, so old cannot be reused in
 *	                                between: no ABA
 *	publish                         the ring shows the commit
 *	epoch exit, rcu_read_unlock
 *	retire old
 *
 * Nodes are reused after a grace period of the game's reader epoch
 * (pool.h), so every reader of nodes enters it, inside its RCU read-side
 * section. Nothing inside the section sleeps or allocates. A failed cmpxchg
 * backs off outside it: spins first, then cond_resched().
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include <linux/sched.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "engine.h"
#include "rules.h"
#include "trace.h"

/*
 * Start an engine at the snapshot @from, or at a new game's first snapshot
 * with config @cfg when @from is NULL. A @from has passed
 * lfce_rules_check_snapshot(), conservation included; a first snapshot
 * holds no tokens.
 */
static int engine_init(struct lfce_engine *e, const struct lfce_config *cfg,
		       const struct lfce_snapshot *from, const struct lfce_params *p)
{
	struct lfce_node *root;
	int ret;

	/* The largest commit must fit the journal's lead: lfce_publish_room(). */
	if (!p->batch_max || LFCE_TXN_RECORDS(p->batch_max) > p->records / 2)
		return -EINVAL;
	e->retry_budget = p->retry_budget;
	e->batch_max = p->batch_max;
	e->seeds = NULL;
	ret = lfce_pool_init(&e->pool, p->pool_cap);
	if (ret)
		return ret;
	e->pool.budget = p->budget;	/* before the first snapshot's nodes */
	ret = lfce_publish_init(&e->pub, p->game_id, p->slots, p->records);
	if (ret)
		goto err_pool;
	e->pub.epoch = &e->pool.epoch;
	BUILD_BUG_ON(sizeof(struct lfce_metrics) != sizeof(struct lfce_counters));
	BUILD_BUG_ON(offsetof(struct lfce_metrics, latency) !=
		     offsetof(struct lfce_counters, latency_ns_log2));
	e->metrics = (struct lfce_metrics *)&e->pub.region->counters;	/* zeroed */
	root = from ? lfce_snapshot_restore(&e->pool, from) : lfce_snapshot_create(&e->pool, cfg);
	if (!root) {
		ret = -ENOMEM;
		goto err_publish;
	}
	RCU_INIT_POINTER(e->cur, root);
	lfce_publish_start(&e->pub, &e->cur);
	return 0;

err_publish:
	lfce_publish_uninit(&e->pub);
err_pool:
	lfce_pool_uninit(&e->pool);
	return ret;
}

int lfce_engine_init(struct lfce_engine *e, const struct lfce_config *config,
		     const struct lfce_params *p)
{
	struct lfce_config cfg = *config;
	int ret;

	lfce_rules_fill_config(&cfg);
	ret = lfce_rules_check_config(&cfg);
	if (ret)
		return ret;
	return engine_init(e, &cfg, NULL, p);
}

/*
 * Start an engine at snapshot @s, e.g. to replay a journal from there: it
 * must be one the rules could have made (lfce_rules_check_snapshot(),
 * -EINVAL). The journal continues from s->table.records.
 */
int lfce_engine_restore(struct lfce_engine *e, const struct lfce_snapshot *s,
			const struct lfce_params *p)
{
	int ret = lfce_rules_check_snapshot(s);

	return ret ?: engine_init(e, NULL, s, p);
}

/*
 * No writer may be left, and every writer has been released. Readers of
 * the RCU path may still be finishing: wait for them before freeing.
 */
void lfce_engine_uninit(struct lfce_engine *e)
{
	synchronize_rcu();
	lfce_snapshot_release(&e->pool, rcu_dereference_protected(e->cur, 1));
	lfce_pool_uninit(&e->pool);
	lfce_publish_uninit(&e->pub);
}

/*
 * The game is closed: its last commit was a SHUTDOWN, after which the rules
 * refuse everything. Free the pool, keeping the last snapshot, which
 * readers go on reading (lfce_engine_read()) until lfce_engine_uninit().
 * The grace period covers every node a commit before the close retired.
 */
void lfce_engine_close(struct lfce_engine *e)
{
	synchronize_rcu();
	lfce_pool_close(&e->pool);
}

void lfce_writer_init(struct lfce_writer *w, struct lfce_record *rec,
		      unsigned int max_rec, bool nonblock)
{
	memset(&w->stash, 0, sizeof(w->stash));
	w->rec = rec;
	w->max_rec = max_rec;
	w->nonblock = nonblock;
	w->realtime_ns = 0;
	w->deadline_ns = 0;
	w->rnd = (u32)(unsigned long)w | 1;
	w->samples = 0;
	w->level = 0;
	w->pending = 0;
	memset(w->retries, 0, sizeof(w->retries));
	w->cas_failures = 0;
}

/* Add what the writer counted to the game's counters. */
static void writer_flush(struct lfce_engine *e, struct lfce_writer *w)
{
	unsigned int i;

	for (i = 0; i < LFCE_RETRY_BUCKETS; i++) {
		if (w->retries[i])
			atomic64_add(w->retries[i], &e->metrics->retries[i]);
		w->retries[i] = 0;
	}
	if (w->cas_failures)
		atomic64_add(w->cas_failures, &e->metrics->cas_failure);
	w->cas_failures = 0;
	w->pending = 0;
}

/* Hand the writer's nodes back to the pool, and its counts to the game. */
void lfce_writer_release(struct lfce_engine *e, struct lfce_writer *w)
{
	writer_flush(e, w);
	lfce_pool_drain(&e->pool, &w->stash);
}

/*
 * A writer kept between calls, such as a handle's between ioctls, parks
 * after its commits and resumes before the next: its nodes stay with it,
 * unless writers short of nodes take them meanwhile (lfce_pool_park()).
 */
void lfce_writer_park(struct lfce_engine *e, struct lfce_writer *w)
{
	if (w->pending || w->cas_failures)
		writer_flush(e, w);
	lfce_pool_park(&e->pool, &w->stash);
}

void lfce_writer_resume(struct lfce_engine *e, struct lfce_writer *w)
{
	lfce_pool_unpark(&e->pool, &w->stash);
}

/*
 * Exponential backoff with jitter, so two writers that collided do not
 * collide again in lockstep; past a few rounds, give the CPU away. The
 * writer's learned level, which rises with its collisions and decays with
 * commits that go through at once, sets where the backoff starts: a
 * writer that keeps colliding waits longer from its first retry, so that
 * the winner's next commit is not another collision.
 */
#define LFCE_LEVEL_MAX	6

static void backoff(struct lfce_writer *w, unsigned int try)
{
	unsigned int spins, exp = try + w->level;

	if (try >= 10) {
		cond_resched();
		return;
	}
	exp = min(exp, 10U);
	w->rnd ^= w->rnd << 13;
	w->rnd ^= w->rnd >> 17;
	w->rnd ^= w->rnd << 5;
	spins = (1U << exp) + (w->rnd & ((1U << exp) - 1));
	while (spins--)
		cpu_relax();
}

/* After a commit that took @try retries: learn how contended the game is. */
static void learn(struct lfce_writer *w, unsigned int try)
{
	if (try)
		w->level = min(w->level + 1, (u32)LFCE_LEVEL_MAX);
	else if (w->level && !(w->rnd & 3))
		w->level--;	/* decays slower than it rises */
}

/* attempt(): the journal has no room until the publisher catches up. */
#define NO_ROOM		1

/*
 * Build the new snapshot from @old and try to install it. Returns 0 when
 * installed, -EAGAIN when another commit got there first, NO_ROOM, or the
 * rules' error. Anything but 0 leaves the stash as it was.
 */
static int attempt(struct lfce_engine *e, struct lfce_writer *w, struct lfce_txn *txn,
		   const struct lfce_node *old, const struct lfce_op *ops,
		   unsigned int n, u64 now)
{
	unsigned int i;
	int ret;

	lfce_txn_begin(txn, old, &w->stash, w->rec, w->max_rec);
	txn->seeds = e->seeds;
	txn->realtime_ns = w->realtime_ns;
	for (i = 0; i < n; i++) {
		ret = lfce_rules_apply(txn, &ops[i], now);
		if (ret)
			goto abort;
	}
	ret = NO_ROOM;
	if (!lfce_publish_room(&e->pub, txn->root->root.t.records))
		goto abort;	/* the journal is full until the publisher runs */
	ret = -EAGAIN;

	/*
	 * The records go out in the same preemption-free window as the
	 * cmpxchg, so a publisher waiting for them waits only for this CPU.
	 */
	preempt_disable();
	if (unrcu_pointer(cmpxchg(&e->cur, RCU_INITIALIZER(old),
				  RCU_INITIALIZER((const struct lfce_node *)txn->root))) == old) {
		lfce_publish_records(&e->pub, w->rec, txn->nr_rec);
		preempt_enable();
		return 0;
	}
	preempt_enable();
abort:
	lfce_txn_abort(txn);
	return ret;
}

static void account(struct lfce_engine *e, struct lfce_writer *w,
		    unsigned int tries, u64 start)
{
	unsigned int b = tries ? min(ilog2(tries) + 1, LFCE_RETRY_BUCKETS - 1) : 0;

	w->retries[b]++;
	if (++w->pending >= LFCE_WRITER_FLUSH)
		writer_flush(e, w);
	if (start) {
		u64 ns = ktime_get_ns() - start;

		atomic64_inc(&e->metrics->latency[ns ? min(ilog2(ns), LFCE_LATENCY_BUCKETS - 1) : 0]);
	}
}

/* Proposals opened and decided by a commit: counted and traced. */
static void account_proposals(struct lfce_engine *e, const struct lfce_txn *txn)
{
	const struct lfce_record *rec;
	unsigned int i;
	u64 id;

	for (i = 0; i < txn->nr_rec; i++) {
		rec = &txn->rec[i];
		if (!rec->outcome || rec->outcome >= LFCE_PROP_NR)
			continue;
		/* A vote that changed nothing but the tally is not an outcome. */
		if (rec->op.type == LFCE_OP_VOTE && rec->outcome == LFCE_PROP_PENDING)
			continue;
		atomic64_inc(&e->metrics->proposals[rec->outcome]);
		id = rec->op.type == LFCE_OP_PROPOSE ? rec->op.u.propose.id : rec->op.u.vote.id;
		trace_lfce_proposal(e->pub.region->game_id, id, rec->op.type, rec->outcome);
	}
}

/*
 * Commit @n operations as one version, all or nothing, at time @now. On
 * success *@version is the committed version, already visible in the ring.
 * On error nothing changed: the rules' errno, -EAGAIN when the retry budget
 * ran out or (nonblocking) the pool is at its cap, -ENOMEM when the nodes
 * it needs are not coming back (lfce_pool_fill()), -EINTR for a writer
 * killed while it waited for them, -ENODEV once the pool is closed, or
 * -EMSGSIZE for a batch longer than the game's limit or than the writer's
 * record room (LFCE_TXN_RECORDS(@n)).
 */
int lfce_commit(struct lfce_engine *e, struct lfce_writer *w,
		const struct lfce_op *ops, unsigned int n, u64 now, u64 *version)
{
	u64 start = 0, old_version;
	const struct lfce_node *old;
	bool helped = false, notify;
	struct lfce_txn txn;
	unsigned int try, token;
	int ret;

	WARN_ON_ONCE(!in_task());
	if (!n || n > e->batch_max || LFCE_TXN_RECORDS(n) > w->max_rec)
		return -EMSGSIZE;
	if (!(w->samples++ & 15))
		start = ktime_get_ns();

	for (try = 0; ; try++) {
		long waits = atomic_long_read(&e->pool.backpressure);

		ret = lfce_pool_fill(&e->pool, &w->stash, w->nonblock);
		if (atomic_long_read(&e->pool.backpressure) != waits) {
			atomic64_inc(&e->metrics->backpressure);
			trace_lfce_backpressure(e->pub.region->game_id, !ret);
		}
		if (ret)
			goto failed;
		rcu_read_lock();
		token = lfce_epoch_enter(&e->pool.epoch);
		old = rcu_dereference(e->cur);
		ret = attempt(e, w, &txn, old, ops, n, now);
		if (!ret)
			break;
		old_version = old->root.t.version;
		lfce_epoch_exit(&e->pool.epoch, token);
		rcu_read_unlock();
		if (ret == NO_ROOM) {
			/*
			 * Commits up to @old are not all published yet: publish
			 * them (or wait for whoever is) and try again, at no
			 * cost to the budget. Once @old is published, @old has
			 * room, so only other commits can make this happen
			 * again: from then on it counts as a collision.
			 */
			lfce_publish(&e->pub, &e->cur, old_version);
			if (!helped) {
				helped = true;
				try--;
				continue;
			}
			ret = -EAGAIN;
		}
		if (ret != -EAGAIN) {
			atomic64_inc(&e->metrics->refused);
			goto failed;
		}
		w->cas_failures++;
		trace_lfce_cas_retry(e->pub.region->game_id, try);
		if (try == e->retry_budget) {
			atomic64_inc(&e->metrics->exhausted);
			learn(w, try);
			goto failed;
		}
		backoff(w, try);
	}
	*version = txn.root->root.t.version;
	w->deadline_ns = txn.root->root.t.deadline_ns;
	/* Published before we leave: the epoch we are in covers the copy. */
	notify = lfce_publish_inside(&e->pub, &e->cur, *version);
	lfce_epoch_exit(&e->pool.epoch, token);
	rcu_read_unlock();
	if (notify)
		lfce_publish_notify(&e->pub);

	lfce_txn_retire(&txn);
	account(e, w, try, start);
	learn(w, try);
	account_proposals(e, &txn);
	trace_lfce_commit(e->pub.region->game_id, *version, n, try);
	return 0;

failed:
	/* Its collisions count even if the writer is not kept (game.c's reserve). */
	if (w->cas_failures)
		writer_flush(e, w);
	return ret;
}

/* Before first use, and whenever @out may have been changed by others. */
void lfce_read_cache_init(struct lfce_read_cache *cache)
{
	memset(cache->ids, 0xff, sizeof(cache->ids));	/* no node has id U64_MAX */
}

/*
 * The in-kernel read: wait-free, a consistent copy of the newest snapshot
 * in @out. With a @cache that has followed @out since its last init, only
 * the nodes that changed since the previous read are copied.
 */
void lfce_engine_read(struct lfce_engine *e, struct lfce_snapshot *out,
		      struct lfce_read_cache *cache)
{
	unsigned int token;

	rcu_read_lock();
	token = lfce_epoch_enter(&e->pool.epoch);
	lfce_snapshot_flatten(rcu_dereference(e->cur), out, cache ? cache->ids : NULL, false);
	lfce_epoch_exit(&e->pool.epoch, token);
	rcu_read_unlock();
}

/* The earliest deadline of the current snapshot; 0: none. */
u64 lfce_engine_deadline(struct lfce_engine *e)
{
	unsigned int token;
	u64 deadline;

	rcu_read_lock();
	token = lfce_epoch_enter(&e->pool.epoch);
	deadline = rcu_dereference(e->cur)->root.t.deadline_ns;
	lfce_epoch_exit(&e->pool.epoch, token);
	rcu_read_unlock();
	return deadline;
}

u64 lfce_engine_commits(struct lfce_engine *e)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < LFCE_RETRY_BUCKETS; i++)
		sum += atomic64_read(&e->metrics->retries[i]);
	return sum;
}

/*
 * The counters as LFCE_IOC_STATS gives them, in @out, zeroed first (size
 * too): the one reading of the metrics into numbers, which debugfs prints
 * as well. Each is a relaxed read: statistics, not a consistent snapshot.
 */
void lfce_engine_stats(struct lfce_engine *e, struct lfce_stats *out)
{
	struct lfce_metrics *m = e->metrics;
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(out->retries) != LFCE_RETRY_BUCKETS);
	BUILD_BUG_ON(ARRAY_SIZE(out->latency_ns_log2) != LFCE_LATENCY_BUCKETS);
	memset(out, 0, sizeof(*out));
	out->commits = lfce_engine_commits(e);
	out->cas_failures = atomic64_read(&m->cas_failure);
	out->refused = atomic64_read(&m->refused);
	out->exhausted = atomic64_read(&m->exhausted);
	out->backpressure = atomic64_read(&m->backpressure);
	for (i = 0; i < LFCE_RETRY_BUCKETS; i++)
		out->retries[i] = atomic64_read(&m->retries[i]);
	for (i = 0; i < LFCE_LATENCY_BUCKETS; i++)
		out->latency_ns_log2[i] = atomic64_read(&m->latency[i]);
	for (i = 0; i < LFCE_PROP_NR; i++)
		out->proposals[i] = atomic64_read(&m->proposals[i]);
}
