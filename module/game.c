// SPDX-License-Identifier: GPL-2.0-only
/*
 * game: games live in an xarray, looked up under RCU.
 *
 * Lifetime: the xarray holds one reference to each game it lists, each
 * attached handle one more. Closing a game takes it out of the xarray and
 * drops the xarray's reference; the last put tears the engine down. A
 * lookup that raced with the close either got its reference first
 * (kref_get_unless_zero) or sees nothing; the teardown's synchronize_rcu()
 * (in lfce_engine_uninit) waits for lookups still looking at the game.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "game.h"
#include "rules.h"

struct lfce_game_limits lfce_game_limits;

static DEFINE_XARRAY_ALLOC1(games);
static atomic_t nr_games = ATOMIC_INIT(0);
static struct dentry *debugfs_root;		/* /sys/kernel/debug/lfce */

/* /sys/kernel/debug/lfce/<id>/stats: the game's counters, one per line. */
static int stats_show(struct seq_file *m, void *unused)
{
	struct lfce_game *game = m->private;
	struct lfce_metrics *mt = game->engine.metrics;
	unsigned int i;

	seq_printf(m, "commits %llu\n", lfce_engine_commits(&game->engine));
	seq_printf(m, "cas_failures %lld\n", atomic64_read(&mt->cas_failure));
	seq_printf(m, "refused %lld\n", atomic64_read(&mt->refused));
	seq_printf(m, "exhausted %lld\n", atomic64_read(&mt->exhausted));
	seq_printf(m, "backpressure %lld\n", atomic64_read(&mt->backpressure));
	seq_printf(m, "nodes %u\n", READ_ONCE(game->engine.pool.nodes));
	seq_puts(m, "retries");
	for (i = 0; i < LFCE_RETRY_BUCKETS; i++)
		seq_printf(m, " %lld", atomic64_read(&mt->retries[i]));
	seq_puts(m, "\nlatency_log2_ns");
	for (i = 0; i < LFCE_LATENCY_BUCKETS; i++)
		seq_printf(m, " %lld", atomic64_read(&mt->latency[i]));
	seq_printf(m, "\nproposals opened %lld passed %lld rejected %lld expired %lld failed %lld\n",
		   atomic64_read(&mt->proposals[LFCE_PROP_PENDING]),
		   atomic64_read(&mt->proposals[LFCE_PROP_PASSED]),
		   atomic64_read(&mt->proposals[LFCE_PROP_REJECTED]),
		   atomic64_read(&mt->proposals[LFCE_PROP_EXPIRED]),
		   atomic64_read(&mt->proposals[LFCE_PROP_FAILED]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

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
 * Arm the sweep for the earliest deadline of the newest snapshot, unless it
 * is armed for an earlier one already. sweep_at only ever goes down here
 * (the sweep resets it when it runs), and whoever lowered it re-arms until
 * the work is queued for the lowest value: two racing commits cannot leave
 * it armed for the later of their deadlines. A round's EXPIRE, unlike a
 * proposal's lapse, happens nowhere else unless someone submits it.
 */
static void sweep_arm(struct lfce_game *game)
{
	u64 deadline, armed, now;

	rcu_read_lock();
	deadline = rcu_dereference(game->engine.cur)->root.t.deadline_ns;
	rcu_read_unlock();
	armed = READ_ONCE(game->sweep_at);
	do {
		if (!deadline || deadline >= armed)
			return;
	} while (!try_cmpxchg64(&game->sweep_at, &armed, deadline));
	for (;;) {
		now = ktime_get_real_ns();
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
	u64 version;

	WRITE_ONCE(game->sweep_at, U64_MAX);
	/*
	 * Store-buffering: we store sweep_at, then load engine.cur (below and
	 * in sweep_arm()); a committer stores engine.cur, then loads sweep_at
	 * in its sweep_arm(). Pairs with that committer's fully ordered
	 * cmpxchg() on engine.cur in attempt() (commit.c): either we see its
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
	n = lfce_rules_due(s, ktime_get_real_ns(), ops, ARRAY_SIZE(ops));
	kfree(s);
	for (i = 0; i < n; i++) {
		if (ops[i].type == LFCE_OP_EXPIRE)
			get_random_bytes(ops[i].u.roll.entropy, sizeof(ops[i].u.roll.entropy));
		lfce_game_commit(game, &ops[i], 1, false, &version);
	}
	sweep_arm(game);
}

/*
 * Commit @n operations to @game now, and arm the sweep for any deadline the
 * commit set. Returns what lfce_commit() returns.
 */
int lfce_game_commit(struct lfce_game *game, const struct lfce_op *ops, unsigned int n,
		     bool nonblock, u64 *version)
{
	/* A nonblocking writer waits for nothing, reclaim included. */
	gfp_t gfp = nonblock ? GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN : GFP_KERNEL_ACCOUNT;
	struct lfce_record *rec;
	struct lfce_writer w;
	int ret;

	rec = kcalloc(LFCE_TXN_RECORDS(n), sizeof(*rec), gfp);
	if (!rec)
		return nonblock ? -EAGAIN : -ENOMEM;
	lfce_writer_init(&w, rec, LFCE_TXN_RECORDS(n), nonblock);
	ret = lfce_commit(&game->engine, &w, ops, n, ktime_get_real_ns(), version);
	lfce_writer_release(&game->engine, &w);
	kfree(rec);
	if (!ret)
		sweep_arm(game);
	return ret;
}

static void release(struct kref *ref)
{
	struct lfce_game *game = container_of(ref, struct lfce_game, ref);

	cancel_delayed_work_sync(&game->sweep);
	debugfs_remove_recursive(game->debugfs);
	lfce_engine_uninit(&game->engine);
	kfree(game);
}

void lfce_game_put(struct lfce_game *game)
{
	might_sleep();
	kref_put(&game->ref, release);
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
 * A new game owned by @owner, listed and with a reference for the caller.
 * ERR_PTR: -EMFILE at the games limit, -EINVAL for a bad @cfg, -ENOMEM.
 */
struct lfce_game *lfce_game_create(const struct lfce_config *config, kuid_t owner)
{
	struct lfce_params p = lfce_game_limits.params;
	struct lfce_config cfg = *config;
	struct lfce_game *game;
	u32 id;
	int ret;

	/* The module's limit is the default, and the most a game may have. */
	if (!cfg.max_proposals)
		cfg.max_proposals = lfce_game_limits.max_proposals;
	if (cfg.max_proposals > lfce_game_limits.max_proposals)
		return ERR_PTR(-EINVAL);
	ret = -EMFILE;
	if (atomic_inc_return(&nr_games) > lfce_game_limits.max_games)
		goto err_count;
	ret = -ENOMEM;
	game = kzalloc(sizeof(*game), GFP_KERNEL_ACCOUNT);
	if (!game)
		goto err_count;
	/* Reserve the id first: the region's header carries it. */
	ret = xa_alloc(&games, &id, NULL, xa_limit_32b, GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_free;
	p.game_id = id;
	ret = lfce_engine_init(&game->engine, &cfg, &p);
	if (ret)
		goto err_id;
	game->id = id;
	game->owner = owner;
	init_waitqueue_head(&game->wq);
	INIT_DELAYED_WORK(&game->sweep, sweep);
	game->sweep_at = U64_MAX;
	game->engine.pub.notify = notify;
	debugfs_add(game);
	kref_init(&game->ref);		/* the xarray's */
	kref_get(&game->ref);		/* the caller's */
	xa_store(&games, id, game, GFP_KERNEL);	/* into the reserved slot */
	return game;

err_id:
	xa_erase(&games, id);
err_free:
	kfree(game);
err_count:
	atomic_dec(&nr_games);
	return ERR_PTR(ret);
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
 * every operation is refused (-ENODEV) and handles get -ENODEV.
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
	for (try = 0; try < CLOSE_TRIES; try++) {
		lfce_engine_read(&game->engine, s, NULL);
		ret = lfce_game_commit(game, ops, closing_ops(s, force, ops), false, &version);
		/* -ENOENT: a seat we settle has just left; look again. */
		if (!force || (ret != -EBUSY && ret != -ENOENT))
			break;
	}
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
	atomic_dec(&nr_games);
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
	return 0;
}

/* Module exit: no handle or mapping is left, so only the xarray holds games. */
void lfce_game_uninit(void)
{
	struct lfce_game *game;
	unsigned long index;

	xa_for_each(&games, index, game) {
		xa_erase(&games, index);
		atomic_dec(&nr_games);
		lfce_game_put(game);
	}
	xa_destroy(&games);
	debugfs_remove_recursive(debugfs_root);
}
