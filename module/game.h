/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * game: the games of the module, their lifecycle, limits and seat claims.
 */
#ifndef _LFCE_GAME_H
#define _LFCE_GAME_H

#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/lfce.h>

#include "engine.h"
#include "seed.h"

struct lfce_game {
	struct lfce_engine engine;
	struct lfce_seed_key seeds;	/* secret: never leaves the kernel */
	struct kref ref;
	u64 id;				/* never reused while the module is loaded */
	kuid_t owner;
	bool charged;			/* counts against the owner's quota */
	bool closed;			/* READ_ONCE: handles get ENODEV */
	/* One closer at a time, with the nodes of the closing commit. */
	struct mutex close_lock;
	struct lfce_stash reserve;
	/* Which handle holds each seat: set by cmpxchg, not consensus state. */
	void *claim[LFCE_MAX_SEATS];
	wait_queue_head_t wq;		/* woken when the journal grows */
	/* Commits what falls due: see sweep() in game.c. */
	struct delayed_work sweep;
	u64 sweep_at;			/* the deadline it is armed for */
	struct dentry *debugfs;		/* lfce/<id>/ */
	struct llist_node dead;		/* released, waiting to be freed */
};

/* Limits, set from module parameters before lfce_game_init(). */
struct lfce_game_limits {
	unsigned int max_games;
	unsigned int max_games_per_uid;	/* CAP_SYS_ADMIN is exempt */
	unsigned int max_proposals;	/* pending per game; the default too */
	struct lfce_params params;	/* game_id ignored */
};

extern struct lfce_game_limits lfce_game_limits;

int lfce_game_init(void);
void lfce_game_uninit(void);

/* These return a reference; drop it with lfce_game_put(). */
struct lfce_game *lfce_game_create(const struct lfce_config *config, kuid_t owner);
struct lfce_game *lfce_game_get(u64 id);
struct lfce_game *lfce_game_grab(struct lfce_game *game);
void lfce_game_put(struct lfce_game *game);

struct lfce_game_writer;
struct lfce_game_writer *lfce_game_writer_new(struct lfce_game *game, bool nonblock);
void lfce_game_writer_free(struct lfce_game *game, struct lfce_game_writer *gw);
int lfce_game_commit(struct lfce_game *game, struct lfce_game_writer *gw,
		     const struct lfce_op *ops, unsigned int n, bool nonblock, u64 *version);
int lfce_game_close(struct lfce_game *game, bool force);
int lfce_game_list(u64 start, u64 *ids, u32 *count, u64 *total);
bool lfce_game_claim(struct lfce_game *game, u32 seat, void *holder);
void lfce_game_unclaim(struct lfce_game *game, u32 seat, void *holder);

#endif /* _LFCE_GAME_H */
