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
#include <linux/ktime.h>
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
	seq_puts(m, "\n");
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

/* Called by the publisher, preemption disabled: wake journal readers. */
static void notify(struct lfce_pub *pub)
{
	struct lfce_game *game = container_of(pub, struct lfce_game, engine.pub);

	if (wq_has_sleeper(&game->wq))
		wake_up_interruptible(&game->wq);
}

static void release(struct kref *ref)
{
	struct lfce_game *game = container_of(ref, struct lfce_game, ref);

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
struct lfce_game *lfce_game_create(const struct lfce_config *cfg, kuid_t owner)
{
	struct lfce_params p = lfce_game_limits.params;
	struct lfce_game *game;
	u32 id;
	int ret;

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
	ret = lfce_engine_init(&game->engine, cfg, &p);
	if (ret)
		goto err_id;
	game->id = id;
	game->owner = owner;
	init_waitqueue_head(&game->wq);
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

static bool holds_tokens(const struct lfce_snapshot *s)
{
	unsigned int i, k;

	if (s->table.bank)
		return true;
	for (i = 0; i < LFCE_MAX_SEATS; i++) {
		if (s->seat[i].balance)
			return true;
		for (k = 0; k < LFCE_BET_NR; k++)
			if (s->seat[i].bets[k])
				return true;
	}
	return false;
}

/* One last commit: settle every bound seat, empty the bank. */
static int settle_all(struct lfce_game *game, const struct lfce_snapshot *s)
{
	struct lfce_op ops[LFCE_MAX_SEATS + 1] = {};
	struct lfce_record *rec;
	struct lfce_writer w;
	unsigned int i, n = 0;
	u64 version;
	int ret;

	for (i = 0; i < LFCE_MAX_SEATS; i++)
		if (s->seat[i].flags & LFCE_SEAT_BOUND)
			ops[n++] = (struct lfce_op){ .type = LFCE_OP_SETTLE, .seat = i };
	if (s->table.bank) {
		ops[n] = (struct lfce_op){ .type = LFCE_OP_WITHDRAW, .seat = LFCE_SEAT_BANK };
		ops[n++].u.amount.value = s->table.bank;
	}
	rec = kcalloc(n, sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	lfce_writer_init(&w, rec, n, false);
	ret = lfce_commit(&game->engine, &w, ops, n, ktime_get_real_ns(), &version);
	lfce_writer_release(&game->engine, &w);
	kfree(rec);
	return ret;
}

/*
 * Close @game: refused with -EBUSY while it holds tokens, unless @force,
 * which settles everything in a last, journaled commit first. Handles keep
 * their reference and get -ENODEV from then on.
 */
int lfce_game_close(struct lfce_game *game, bool force)
{
	struct lfce_snapshot *s;
	int ret = 0;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	lfce_engine_read(&game->engine, s, NULL);
	if (holds_tokens(s))
		ret = force ? settle_all(game, s) : -EBUSY;
	kfree(s);
	if (ret)
		return ret;
	/* Only one closer takes the game out of the xarray. */
	if (xa_cmpxchg(&games, game->id, game, NULL, GFP_KERNEL) != game)
		return -ENODEV;
	WRITE_ONCE(game->closed, true);
	wake_up_all(&game->wq);
	atomic_dec(&nr_games);
	lfce_game_put(game);		/* the xarray's reference */
	return 0;
}

/* Up to *@count ids from @start up into @ids; *@count and *@total out. */
int lfce_game_list(u64 start, u64 *ids, u32 *count, u64 *total)
{
	unsigned long index;
	struct lfce_game *game;
	u32 n = 0;

	*total = 0;
	if (start > U32_MAX)
		start = U32_MAX;
	xa_for_each_start(&games, index, game, start) {
		if (n < *count)
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
