/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test helpers for the KUnit suites: a game driven through the real commit
 * path, single-threaded, with time injected by the test.
 */
#ifndef _LFCE_KUNIT_HELPERS_H
#define _LFCE_KUNIT_HELPERS_H

#include <kunit/test.h>
#include <linux/lfce.h>

#include "../module/engine.h"
#include "../module/rules.h"
#include "../module/seed.h"

#define LT_MAX_REC	64
#define LT_PLAN		64	/* host rolls whose dice a test may plan */

struct lt_game {
	struct lfce_engine e;
	struct lfce_writer w;
	struct lfce_record rec[LFCE_TXN_RECORDS(LT_MAX_REC)];
	u64 nonce[LFCE_MAX_SEATS];	/* last nonce used per seat */
	u64 owner_nonce;		/* last nonce of an owner operation */
	u64 now;			/* injected time, ns */
	u64 version;			/* last committed version */
	/*
	 * The rolls' seeds: honest ones, committed ahead like the kernel's,
	 * but chosen so that host roll r gives plan[r] when that is set
	 * (lt_plan()) before roll r's commitment is published.
	 */
	struct lfce_seeds seeds;
	u8 plan[LT_PLAN][2];
};

/* A game with @cfg (NULL: defaults; @host_dice switches to host rolls). */
struct lt_game *lt_game_new(struct kunit *test, const struct lfce_config *cfg,
			    bool host_dice);
struct lt_game *lt_game_new_params(struct kunit *test, const struct lfce_config *cfg,
				   const struct lfce_params *params);
struct lt_game *lt_game_restore(struct kunit *test, const struct lfce_snapshot *s,
				const struct lfce_params *params);
struct lt_game *lt_game_small_pool(struct kunit *test, u32 pool_cap);
void lt_game_free(struct lt_game *g);
extern const struct lfce_params lt_params;

int lt_commit(struct lt_game *g, const struct lfce_op *ops, unsigned int n);
int lt_op(struct lt_game *g, struct lfce_op *op);
int lt_join(struct lt_game *g, u32 seat, u32 uid);
int lt_deposit(struct lt_game *g, u32 seat, u64 amount);
int lt_bet(struct lt_game *g, u32 seat, u32 kind, u64 amount);
int lt_unbet(struct lt_game *g, u32 seat, u32 kind, u64 amount);
void lt_plan(struct lt_game *g, u64 roll, u8 d1, u8 d2);
int lt_roll(struct lt_game *g, u8 d1, u8 d2);
void lt_seed(const struct lt_game *g, u64 roll, u8 seed[32]);
void lt_read(struct lt_game *g, struct lfce_snapshot *s);

/* A player op for @seat with its next nonce. */
struct lfce_op lt_player_op(struct lt_game *g, u16 type, u32 seat);
/* An owner op (DEPOSIT, WITHDRAW, SETTLE) on @seat with the next owner nonce. */
struct lfce_op lt_owner_op(struct lt_game *g, u16 type, u32 seat);
bool lt_journal(struct lt_game *g, u64 n, struct lfce_record *out);
struct lt_game *lt_journal_game(struct kunit *test);
void lt_journal_in_flight(struct kunit *test, struct lt_game *g, unsigned int n);
u64 lt_journal_check(struct lt_game *g, const struct lfce_snapshot *s);
bool lt_replay_matches(struct kunit *test, struct lt_game *g,
		       const struct lfce_params *params);

#endif /* _LFCE_KUNIT_HELPERS_H */
