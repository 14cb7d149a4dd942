// SPDX-License-Identifier: GPL-2.0-only
/*
 * main: module parameters, init and exit. Each concept has an _init and an
 * _uninit; init calls them in order and unwinds in reverse, exit mirrors
 * init.
 */
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/lfce.h>

#include "device.h"
#include "game.h"
#include "pool.h"

static unsigned int max_games = 256;
module_param(max_games, uint, 0444);
MODULE_PARM_DESC(max_games, "Games at most (1..65536, default 256)");

static unsigned int max_games_per_uid = 16;
module_param(max_games_per_uid, uint, 0444);
MODULE_PARM_DESC(max_games_per_uid,
		 "Games per owner uid, closed ones included until unmapped (1..65536, default 16; CAP_SYS_ADMIN exempt)");

static unsigned int ring_slots = 8;
module_param(ring_slots, uint, 0444);
MODULE_PARM_DESC(ring_slots, "Snapshot ring slots K per game (power of two, 2..64, default 8)");

static unsigned int journal_records = 4096;
module_param(journal_records, uint, 0444);
MODULE_PARM_DESC(journal_records,
		 "Journal ring records per game (power of two, 64..1048576, default 4096)");

static unsigned int pool_cap = 16384;
module_param(pool_cap, uint, 0444);
MODULE_PARM_DESC(pool_cap,
		 "Snapshot nodes per game, live or awaiting a grace period (64..4194304, default 16384)");

static unsigned long nodes_cap = 1UL << 20;
module_param(nodes_cap, ulong, 0444);
MODULE_PARM_DESC(nodes_cap, "Snapshot nodes of all games together (>= pool_cap, default 1048576)");

static unsigned long nodes_per_uid;
module_param(nodes_per_uid, ulong, 0444);
MODULE_PARM_DESC(nodes_per_uid,
		 "Snapshot nodes of the games one uid owns together (64..nodes_cap; default 0: nodes_cap / 4)");

static unsigned int retry_budget = 64;
module_param(retry_budget, uint, 0444);
MODULE_PARM_DESC(retry_budget, "CAS retries before a commit fails with EAGAIN (1..100000, default 64)");

static unsigned int batch_max = 16;
module_param(batch_max, uint, 0444);
MODULE_PARM_DESC(batch_max,
		 "Operations per batch (10..256, and 8 more fit in journal_records / 2; default 16)");

static unsigned int max_proposals = LFCE_MAX_PROPOSALS;
module_param(max_proposals, uint, 0444);
MODULE_PARM_DESC(max_proposals, "Pending proposals per game, at most and by default (1..8, default 8)");

static bool within(unsigned long v, unsigned long lo, unsigned long hi)
{
	return v >= lo && v <= hi;
}

static int bad_param(const char *name, unsigned long v, const char *range)
{
	pr_err("module parameter %s=%lu out of range (%s): not loading\n", name, v, range);
	return -EINVAL;
}

/* Refuse to load with a parameter out of range, naming it, its value and the range. */
static int check_params(void)
{
	if (!within(max_games, 1, 65536))
		return bad_param("max_games", max_games, "1..65536");
	if (!within(max_games_per_uid, 1, 65536))
		return bad_param("max_games_per_uid", max_games_per_uid, "1..65536");
	if (!is_power_of_2(ring_slots) || !within(ring_slots, 2, 64))
		return bad_param("ring_slots", ring_slots, "a power of two, 2..64");
	if (!is_power_of_2(journal_records) || !within(journal_records, 64, 1 << 20))
		return bad_param("journal_records", journal_records,
				 "a power of two, 64..1048576");
	if (!within(pool_cap, 64, 1 << 22))
		return bad_param("pool_cap", pool_cap, "64..4194304");
	if (nodes_cap < pool_cap)
		return bad_param("nodes_cap", nodes_cap, "pool_cap or more");
	if (!within(nodes_per_uid ?: nodes_cap / 4, 64, nodes_cap))
		return bad_param("nodes_per_uid", nodes_per_uid ?: nodes_cap / 4,
				 "64..nodes_cap; 0 means nodes_cap / 4");
	if (!within(retry_budget, 1, 100000))
		return bad_param("retry_budget", retry_budget, "1..100000");
	if (!within(batch_max, LFCE_MAX_SEATS + 2, 256))	/* a forced close */
		return bad_param("batch_max", batch_max, "10..256");
	if (LFCE_TXN_RECORDS(batch_max) > journal_records / 2)	/* lfce_publish_room() */
		return bad_param("batch_max", batch_max,
				 "batch_max + 8 at most journal_records / 2");
	if (!within(max_proposals, 1, LFCE_MAX_PROPOSALS))
		return bad_param("max_proposals", max_proposals, "1..8");
	return 0;
}

/* The parameters, checked, become the limits of games and pools. */
static void apply_params(void)
{
	lfce_game_limits = (struct lfce_game_limits){
		.max_games = max_games,
		.max_games_per_uid = max_games_per_uid,
		.max_proposals = max_proposals,
		.params = {
			.slots = ring_slots,
			.records = journal_records,
			.pool_cap = pool_cap,
			.retry_budget = retry_budget,
			.batch_max = batch_max,
		},
	};
	lfce_pool_global_cap = nodes_cap;
	lfce_pool_uid_cap = nodes_per_uid ?: nodes_cap / 4;
}

static int __init lfce_mod_init(void)
{
	int ret;

	ret = check_params();
	if (ret)
		return ret;
	apply_params();
	ret = lfce_pool_cache_init();
	if (ret)
		return ret;
	ret = lfce_game_init();
	if (ret)
		goto err_cache;
	ret = lfce_device_init();
	if (ret)
		goto err_game;

	pr_info("loaded, ABI version %d\n", LFCE_ABI_VERSION);
	return 0;

err_game:
	lfce_game_uninit();
err_cache:
	lfce_pool_cache_uninit();
	return ret;
}

static void __exit lfce_mod_exit(void)
{
	lfce_device_uninit();
	lfce_game_uninit();
	lfce_pool_cache_uninit();	/* after the last game's nodes */
	pr_info("unloaded\n");
}

module_init(lfce_mod_init);
module_exit(lfce_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lfce: lock-free consensus engine for multiplayer craps");
MODULE_AUTHOR("The lfce developers");
MODULE_VERSION("0.1");
