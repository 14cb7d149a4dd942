// SPDX-License-Identifier: GPL-2.0-only
/*
 * game: games live in an xarray, looked up under RCU.
 *
 * Lifetime: the xarray holds one reference to each game it lists, each
 * attached handle and each mapping one more. Closing a game takes it out of
 * the xarray, drops the xarray's reference and frees its pool: only the
 * region and the last snapshot stay for the handles and mappings left. The
 * last put uncounts the game and hands it to the reaper, which tears the
 * engine down. A lookup that raced with the close either got its reference
 * first (kref_get_unless_zero) or sees nothing; the teardown's
 * synchronize_rcu() (in lfce_engine_uninit) waits for lookups still
 * looking at the game.
 *
 * Limits: a game counts, in all (max_games, EMFILE) and against its
 * owner's quota (max_games_per_uid, EDQUOT), from its creation until its
 * last reference drops, closed or not: a mapping keeps the region alive.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "game.h"
#include "rules.h"

struct lfce_game_limits lfce_game_limits;

static DEFINE_XARRAY_ALLOC1(games);
static u32 next_id;			/* under the xarray's lock */
static bool ids_spent;			/* every id has been used: under it too */
static atomic_t nr_games = ATOMIC_INIT(0);	/* until the last reference */
static DEFINE_MUTEX(quota_lock);
static DEFINE_XARRAY(quota);		/* uid -> games it owns, under quota_lock */
/* uid -> struct lfce_budget of its games' nodes, under quota_lock, until exit. */
static DEFINE_XARRAY(budgets);
static LLIST_HEAD(dead);		/* released games, for the reaper */
static struct dentry *debugfs_root;		/* /sys/kernel/debug/lfce */

/*
 * /sys/kernel/debug/lfce/<id>/stats: the game's counters, one per line: what
 * LFCE_IOC_STATS gives (lfce_engine_stats()), and the snapshot nodes held.
 */
static int stats_show(struct seq_file *m, void *unused)
{
	struct lfce_game *game = m->private;
	struct lfce_stats st;
	unsigned int i;

	lfce_engine_stats(&game->engine, &st);
	seq_printf(m, "commits %llu\n", st.commits);
	seq_printf(m, "cas_failures %llu\n", st.cas_failures);
	seq_printf(m, "refused %llu\n", st.refused);
	seq_printf(m, "exhausted %llu\n", st.exhausted);
	seq_printf(m, "backpressure %llu\n", st.backpressure);
	seq_printf(m, "nodes %u\n", READ_ONCE(game->engine.pool.nodes));
	/* Racy against committers: a figure to watch, not to act on. */
	seq_printf(m, "retired %u\n", READ_ONCE(game->engine.pool.tail) -
		   READ_ONCE(game->engine.pool.head));
	seq_puts(m, "retries");
	for (i = 0; i < ARRAY_SIZE(st.retries); i++)
		seq_printf(m, " %llu", st.retries[i]);
	seq_puts(m, "\nlatency_log2_ns");
	for (i = 0; i < ARRAY_SIZE(st.latency_ns_log2); i++)
		seq_printf(m, " %llu", st.latency_ns_log2[i]);
	seq_printf(m, "\nproposals opened %llu passed %llu rejected %llu expired %llu failed %llu\n",
		   st.proposals[LFCE_PROP_PENDING], st.proposals[LFCE_PROP_PASSED],
		   st.proposals[LFCE_PROP_REJECTED], st.proposals[LFCE_PROP_EXPIRED],
		   st.proposals[LFCE_PROP_FAILED]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* /sys/kernel/debug/lfce/nodes: the snapshot nodes all games hold. */
static int nodes_get(void *unused, u64 *val)
{
	*val = lfce_pool_nodes();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(nodes_fops, nodes_get, NULL, "%llu\n");

/* Debugging aid only: a failure here does not fail the game. */
static void debugfs_add(struct lfce_game *game)
{
	char name[24];

	snprintf(name, sizeof(name), "%llu", game->id);
	game->debugfs = debugfs_create_dir(name, debugfs_root);
	debugfs_create_file("stats", 0444, game->debugfs, game, &stats_fops);
}

/* Called by a committer once it published, preemptible: wake journal readers. */
static void notify(struct lfce_pub *pub)
{
	struct lfce_game *game = container_of(pub, struct lfce_game, engine.pub);

	if (wq_has_sleeper(&game->wq))
		wake_up_interruptible(&game->wq);
}

/*
 * Arm the sweep for @deadline, the earliest deadline of a snapshot just
 * made or read (a later commit arms for its own), unless it is armed for an
 * earlier one already. sweep_at only ever goes down here
 * (the sweep resets it when it runs), and whoever lowered it re-arms until
 * the work is queued for the lowest value: two racing commits cannot leave
 * it armed for the later of their deadlines. A round's EXPIRE, unlike a
 * proposal's lapse, happens nowhere else unless someone submits it.
 */
static void sweep_arm(struct lfce_game *game, u64 deadline)
{
	u64 armed, now;

	armed = READ_ONCE(game->sweep_at);
	do {
		if (!deadline || deadline >= armed)
			return;
	} while (!try_cmpxchg64(&game->sweep_at, &armed, deadline));
	for (;;) {
		now = ktime_get_boottime_ns();
		mod_delayed_work(system_wq, &game->sweep,
				 deadline > now ? nsecs_to_jiffies(deadline - now) + 1 : 1);
		armed = READ_ONCE(game->sweep_at);
		if (armed >= deadline)
			return;
		deadline = armed;	/* lowered meanwhile: that one wins */
	}
}

/*
 * The sweep: commit what is due, a LAPSE per proposal past its deadline
 * and an EXPIRE for a round past its own, so that a game nobody writes to
 * still moves on. It runs in task context from the system workqueue, never
 * from the timer, because commits may sleep. Each is its own commit: a vote
 * or another sweep may get there first, and then there is nothing to do.
 */
static void sweep(struct work_struct *work)
{
	struct lfce_game *game = container_of(to_delayed_work(work), struct lfce_game, sweep);
	struct lfce_op ops[LFCE_MAX_PROPOSALS + 1];
	struct lfce_snapshot *s;
	unsigned int i, n;
	bool again = false;
	u64 version;
	int ret;

	WRITE_ONCE(game->sweep_at, U64_MAX);
	/*
	 * Store-buffering: we store sweep_at, then load engine.cur (below and
	 * for our sweep_arm()); a committer stores engine.cur, then loads
	 * sweep_at in its sweep_arm(). Pairs with that committer's fully ordered
	 * cmpxchg() on engine.cur in attempt() (engine.c): either we see its
	 * deadline, or it sees U64_MAX and arms the sweep itself.
	 */
	smp_mb();
	if (READ_ONCE(game->closed))
		return;
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		mod_delayed_work(system_wq, &game->sweep, HZ);
		return;
	}
	lfce_engine_read(&game->engine, s, NULL);
	n = lfce_rules_due(s, ktime_get_boottime_ns(), ops, ARRAY_SIZE(ops));
	kfree(s);
	for (i = 0; i < n; i++) {
		/* The sweep never waits: short of memory, it comes back later. */
		ret = lfce_game_commit(game, NULL, &ops[i], 1, true, &version);
		if (ret == -EAGAIN || ret == -ENOMEM)
			again = true;
	}
	if (again) {
		WRITE_ONCE(game->sweep_at, ktime_get_boottime_ns() + NSEC_PER_SEC);
		mod_delayed_work(system_wq, &game->sweep, HZ);
		return;
	}
	sweep_arm(game, lfce_engine_deadline(&game->engine));
}

/*
 * A nonblocking writer waits for nothing, reclaim included. Neither warns
 * on failure: the caller's memory cgroup can make these fail at will, and
 * ENOMEM tells it; a stack dump per call would let it flood the log.
 */
static gfp_t writer_gfp(bool nonblock)
{
	return (nonblock ? GFP_NOWAIT | __GFP_ACCOUNT : GFP_KERNEL_ACCOUNT) | __GFP_NOWARN;
}

/* Commit with @w now. Arms the sweep for any deadline the commit set. */
static int commit_with(struct lfce_game *game, struct lfce_writer *w,
		       const struct lfce_op *ops, unsigned int n, u64 *version)
{
	int ret;

	/*
	 * Deadlines are decided on the boot-time clock, which neither steps
	 * nor stops in suspend; the wall clock only stamps the records.
	 */
	w->realtime_ns = ktime_get_real_ns();
	ret = lfce_commit(&game->engine, w, ops, n, ktime_get_boottime_ns(), version);
	if (!ret)
		sweep_arm(game, w->deadline_ns);
	return ret;
}

/*
 * Commit @n operations to @game with a writer for this commit alone, with
 * nodes from the pool, or from @reserve when not NULL (it is full: the
 * commit takes nothing from the pool; a refused commit leaves it as it
 * was, a successful one uses it up). Returns what lfce_commit() returns.
 */
static int commit(struct lfce_game *game, const struct lfce_op *ops, unsigned int n,
		  bool nonblock, struct lfce_stash *reserve, u64 *version)
{
	struct lfce_record *rec;
	struct lfce_writer w;
	int ret;

	rec = kcalloc(LFCE_TXN_RECORDS(n), sizeof(*rec), writer_gfp(nonblock));
	if (!rec)
		return nonblock ? -EAGAIN : -ENOMEM;
	lfce_writer_init(&w, rec, LFCE_TXN_RECORDS(n), nonblock);
	if (reserve)
		w.stash = *reserve;
	ret = commit_with(game, &w, ops, n, version);
	if (reserve && ret) {
		*reserve = w.stash;
	} else {
		if (reserve)
			memset(reserve, 0, sizeof(*reserve));
		lfce_writer_release(&game->engine, &w);
	}
	kfree(rec);
	return ret;
}

/*
 * A handle's writer, kept from one commit to the next: its nodes stay in
 * its stash, still warm, and its records need no allocation per commit.
 * Measured with make vm-bench: see the README's figures.
 */
struct lfce_game_writer {
	struct lfce_writer w;
	struct lfce_record rec[];	/* for the game's largest batch */
};

struct lfce_game_writer *lfce_game_writer_new(struct lfce_game *game, bool nonblock)
{
	unsigned int max = LFCE_TXN_RECORDS(game->engine.batch_max);
	struct lfce_game_writer *gw;

	gw = kvzalloc(struct_size(gw, rec, max), writer_gfp(nonblock));
	if (gw)
		lfce_writer_init(&gw->w, gw->rec, max, nonblock);
	return gw;
}

/* Its nodes go back to the game's pool. */
void lfce_game_writer_free(struct lfce_game *game, struct lfce_game_writer *gw)
{
	if (!gw)
		return;
	lfce_writer_release(&game->engine, &gw->w);
	kvfree(gw);
}

/*
 * Commit @n operations to @game now, with the writer @gw, or with one for
 * this commit alone if @gw is NULL. Callers serialise their uses of @gw.
 */
int lfce_game_commit(struct lfce_game *game, struct lfce_game_writer *gw,
		     const struct lfce_op *ops, unsigned int n, bool nonblock, u64 *version)
{
	int ret;

	if (!gw)
		return commit(game, ops, n, nonblock, NULL, version);
	lfce_writer_resume(&game->engine, &gw->w);
	gw->w.nonblock = nonblock;
	ret = commit_with(game, &gw->w, ops, n, version);
	lfce_writer_park(&game->engine, &gw->w);
	return ret;
}

/* Count a game of @uid's against its quota: -EDQUOT when it has them all. */
static int quota_charge(kuid_t owner)
{
	unsigned long uid = __kuid_val(owner), n;
	int ret = -EDQUOT;

	mutex_lock(&quota_lock);
	n = xa_to_value(xa_load(&quota, uid) ?: xa_mk_value(0));
	if (n < lfce_game_limits.max_games_per_uid)
		ret = xa_err(xa_store(&quota, uid, xa_mk_value(n + 1), GFP_KERNEL_ACCOUNT));
	mutex_unlock(&quota_lock);
	return ret;
}

static void quota_uncharge(kuid_t owner)
{
	unsigned long uid = __kuid_val(owner), n;

	mutex_lock(&quota_lock);
	n = xa_to_value(xa_load(&quota, uid) ?: xa_mk_value(0));
	if (WARN_ON_ONCE(!n) || n == 1)
		xa_erase(&quota, uid);
	else
		xa_store(&quota, uid, xa_mk_value(n - 1), GFP_KERNEL);	/* in place: no allocation */
	mutex_unlock(&quota_lock);
}

/*
 * The node budget of @owner's games (lfce_pool_uid_cap), made with its
 * first game. It outlives the games, whose nodes may still be on their way
 * back to it: it stays until module exit, one word per uid that ever owned
 * a game. NULL: out of memory.
 */
static struct lfce_budget *budget_of(kuid_t owner)
{
	unsigned long uid = __kuid_val(owner);
	struct lfce_budget *b;

	mutex_lock(&quota_lock);
	b = xa_load(&budgets, uid);
	if (!b) {
		b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
		if (b && xa_err(xa_store(&budgets, uid, b, GFP_KERNEL_ACCOUNT))) {
			kfree(b);
			b = NULL;
		}
	}
	mutex_unlock(&quota_lock);
	return b;
}

/*
 * Free released games. Not in lfce_game_put() itself: the last reference
 * may be a mapping's, dropped under the mm's lock, where waiting for a
 * grace period or for debugfs does not belong. Module exit flushes this.
 * A game stops counting against the limits only once its memory is gone:
 * creating games faster than they can be freed meets the limits, not an
 * ever longer list of dead games.
 */
static void reap(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&dead);
	struct lfce_game *game, *next;
	kuid_t owner;
	bool charged;

	llist_for_each_entry_safe(game, next, list, dead) {
		cancel_delayed_work_sync(&game->sweep);
		debugfs_remove_recursive(game->debugfs);
		lfce_pool_drain(&game->engine.pool, &game->reserve);
		lfce_engine_uninit(&game->engine);
		lfce_seed_key_wipe(&game->seeds);
		mutex_destroy(&game->close_lock);
		owner = game->owner;
		charged = game->charged;
		kfree(game);
		if (charged)
			quota_uncharge(owner);
		atomic_dec(&nr_games);
	}
}
static DECLARE_WORK(reaper, reap);

/* The last reference: the game's memory goes soon, and then its count. */
static void release(struct kref *ref)
{
	struct lfce_game *game = container_of(ref, struct lfce_game, ref);

	if (llist_add(&game->dead, &dead))
		schedule_work(&reaper);
}

void lfce_game_put(struct lfce_game *game)
{
	might_sleep();
	kref_put(&game->ref, release);
}

/* Another reference to a game the caller holds one to (a mapping's). */
struct lfce_game *lfce_game_grab(struct lfce_game *game)
{
	kref_get(&game->ref);
	return game;
}

struct lfce_game *lfce_game_get(u64 id)
{
	struct lfce_game *game;

	if (id > U32_MAX)
		return NULL;
	rcu_read_lock();
	game = xa_load(&games, id);
	if (game && !kref_get_unless_zero(&game->ref))
		game = NULL;
	rcu_read_unlock();
	return game;
}

/*
 * A new id, never used before while the module is loaded: a stale id must
 * not reach another game. Ids only go up; once the last has been given
 * out, -EMFILE. Not __xa_alloc_cyclic(): when its first try fails for
 * memory, it tries again from the bottom of the range and reports a wrap,
 * which would give out a used id, or spend all ids on one failed
 * allocation (the fault injection test found the latter).
 */
static int alloc_id(u32 *id)
{
	int ret = -EMFILE;

	xa_lock(&games);
	if (!ids_spent)
		ret = __xa_alloc(&games, id, NULL, XA_LIMIT(next_id, U32_MAX),
				 GFP_KERNEL_ACCOUNT);
	if (ret == -EBUSY)
		ret = -EMFILE;
	if (!ret) {
		next_id = *id + 1;
		ids_spent = !next_id;
	}
	xa_unlock(&games);
	return ret;
}

static struct lfce_game *create(const struct lfce_config *config, kuid_t owner)
{
	struct lfce_params p = lfce_game_limits.params;
	struct lfce_config cfg = *config;
	bool charged = !capable(CAP_SYS_ADMIN);
	struct lfce_game *game;
	u32 id;
	int ret;

	/* The module's limit is the default, and the most a game may have. */
	if (!cfg.max_proposals)
		cfg.max_proposals = lfce_game_limits.max_proposals;
	if (cfg.max_proposals > lfce_game_limits.max_proposals)
		return ERR_PTR(-EINVAL);
	ret = charged ? quota_charge(owner) : 0;
	if (ret)
		return ERR_PTR(ret);
	ret = -EMFILE;
	if (atomic_inc_return(&nr_games) > lfce_game_limits.max_games)
		goto err_count;
	ret = -ENOMEM;
	/* One uid's games share a node budget; CAP_SYS_ADMIN's are not counted. */
	p.budget = charged ? budget_of(owner) : NULL;
	if (charged && !p.budget)
		goto err_count;
	game = kzalloc(sizeof(*game), GFP_KERNEL_ACCOUNT);
	if (!game)
		goto err_count;
	/* Reserve the id first: the region's header carries it. */
	ret = alloc_id(&id);
	if (ret)
		goto err_free;
	p.game_id = id;
	ret = lfce_engine_init(&game->engine, &cfg, &p);
	if (ret)
		goto err_id;
	ret = lfce_pool_reserve(&game->engine.pool, &game->reserve);
	if (ret)
		goto err_engine;
	/* Every roll's seed is fixed now, before anyone can act on the game. */
	lfce_seed_key_init(&game->seeds, NULL);
	game->engine.seeds = &game->seeds.ops;
	game->id = id;
	game->owner = owner;
	game->charged = charged;
	mutex_init(&game->close_lock);
	init_waitqueue_head(&game->wq);
	INIT_DELAYED_WORK(&game->sweep, sweep);
	game->sweep_at = U64_MAX;
	game->engine.pub.notify = notify;
	debugfs_add(game);
	kref_init(&game->ref);		/* the xarray's */
	kref_get(&game->ref);		/* the caller's */
	xa_store(&games, id, game, GFP_KERNEL);	/* into the reserved slot */
	return game;

err_engine:
	lfce_pool_drain(&game->engine.pool, &game->reserve);
	lfce_engine_uninit(&game->engine);
err_id:
	xa_erase(&games, id);
err_free:
	kfree(game);
err_count:
	atomic_dec(&nr_games);
	if (charged)
		quota_uncharge(owner);
	return ERR_PTR(ret);
}

/*
 * A new game owned by @owner, listed and with a reference for the caller.
 * ERR_PTR: -EDQUOT at the owner's quota (unless the caller has
 * CAP_SYS_ADMIN), -EMFILE at the games limit, -EINVAL for a bad @cfg,
 * -ENOMEM (also when the nodes of all games are taken), -EINTR. Games
 * released but not freed yet still count (see reap()): at a limit, wait
 * for them once and try again.
 */
struct lfce_game *lfce_game_create(const struct lfce_config *config, kuid_t owner)
{
	struct lfce_game *game = create(config, owner);

	if (game == ERR_PTR(-EDQUOT) || game == ERR_PTR(-EMFILE)) {
		flush_work(&reaper);
		game = create(config, owner);
	}
	return game;
}

/*
 * The closing commit: SHUTDOWN, after (when @force) a SETTLE for every bound
 * seat of @s and one for the bank. Returns the number of operations.
 */
static unsigned int closing_ops(const struct lfce_snapshot *s, bool force, struct lfce_op *ops)
{
	unsigned int i, n = 0;

	for (i = 0; force && i < LFCE_MAX_SEATS; i++)
		if (s->seat[i].flags & LFCE_SEAT_BOUND)
			ops[n++] = (struct lfce_op){ .type = LFCE_OP_SETTLE, .seat = i };
	if (force)
		ops[n++] = (struct lfce_op){ .type = LFCE_OP_SETTLE, .seat = LFCE_SEAT_BANK };
	ops[n++] = (struct lfce_op){ .type = LFCE_OP_SHUTDOWN, .seat = LFCE_SEAT_BANK };
	return n;
}

/* A forced close that keeps meeting new deposits or seats gives up. */
#define CLOSE_TRIES	16

/*
 * Close @game. The check that it holds no tokens and the close are one
 * commit (SHUTDOWN), so nothing can commit in between: -EBUSY while tokens
 * remain, unless @force, which settles every seat and empties the bank in
 * that same, journaled commit; should a commit have changed the seats or
 * the bank since we looked, that one fails and we look again. Afterwards
 * every operation is refused (-ENODEV) and handles get -ENODEV. The
 * closing commit takes its nodes from the game's reserve, so that closing
 * works at the node caps too; then the pool goes, the last snapshot stays.
 */
int lfce_game_close(struct lfce_game *game, bool force)
{
	struct lfce_op ops[LFCE_MAX_SEATS + 2];	/* settles, the bank's, SHUTDOWN */
	struct lfce_snapshot *s;
	unsigned int try;
	u64 version;
	int ret;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	if (mutex_lock_killable(&game->close_lock)) {
		kfree(s);
		return -EINTR;
	}
	ret = -ENODEV;		/* another closer was first: the reserve is spent */
	for (try = 0; try < CLOSE_TRIES && game->reserve.nr_free; try++) {
		lfce_engine_read(&game->engine, s, NULL);
		ret = commit(game, ops, closing_ops(s, force, ops), false, &game->reserve,
			     &version);
		/* -ENOENT: a seat we settle has just left; look again. */
		if (!force || (ret != -EBUSY && ret != -ENOENT))
			break;
	}
	mutex_unlock(&game->close_lock);
	kfree(s);
	if (ret == -ENOENT)
		ret = -EBUSY;
	if (ret)
		return ret;	/* -ENODEV: another closer was first */
	xa_erase(&games, game->id);
	/* Pairs with the acquire in read(2) and poll(2): the records are out. */
	smp_store_release(&game->closed, true);
	cancel_delayed_work_sync(&game->sweep);
	wake_up_all(&game->wq);
	lfce_engine_close(&game->engine);
	/*
	 * Its debugfs directory goes now, not when the reaper frees the game:
	 * a closed game's name is not listed anywhere (ids are not reused, so
	 * no new game wants it either). The reaper removes NULL: nothing.
	 */
	debugfs_remove_recursive(game->debugfs);
	game->debugfs = NULL;
	lfce_game_put(game);		/* the xarray's reference */
	return 0;
}

/*
 * Up to *@count ids from @start up into @ids; *@count out, and in *@total
 * every game listed, below @start too.
 */
int lfce_game_list(u64 start, u64 *ids, u32 *count, u64 *total)
{
	unsigned long index;
	struct lfce_game *game;
	u32 n = 0;

	*total = 0;
	xa_for_each(&games, index, game) {
		if (index >= start && n < *count)
			ids[n++] = index;
		(*total)++;
	}
	*count = n;
	return 0;
}

/* Take seat @seat for @holder; false if another handle holds it. */
bool lfce_game_claim(struct lfce_game *game, u32 seat, void *holder)
{
	return !cmpxchg(&game->claim[seat], NULL, holder);
}

void lfce_game_unclaim(struct lfce_game *game, u32 seat, void *holder)
{
	cmpxchg(&game->claim[seat], holder, NULL);
}

int lfce_game_init(void)
{
	debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file_unsafe("nodes", 0444, debugfs_root, NULL, &nodes_fops);
	return 0;
}

/* Module exit: no handle or mapping is left, so only the xarray holds games. */
void lfce_game_uninit(void)
{
	struct lfce_budget *budget;
	struct lfce_game *game;
	unsigned long index;

	xa_for_each(&games, index, game) {
		xa_erase(&games, index);
		lfce_game_put(game);
	}
	flush_work(&reaper);
	xa_destroy(&games);
	xa_destroy(&quota);
	xa_for_each(&budgets, index, budget)
		kfree(budget);
	xa_destroy(&budgets);
	debugfs_remove_recursive(debugfs_root);
}
