// SPDX-License-Identifier: GPL-2.0-only
/*
 * handle: one game attached and mapped, and the three ways lfcectl submits
 * an operation: as a player, as the owner, as anyone attached.
 *
 * A seat is held by a handle, and lfcectl's handle ends with the command.
 * So a player command joins its seat again first (LFCE_IOC_JOIN of the seat
 * the caller's uid is bound to, with that seat's own player id, which keeps
 * balance and bets), then submits. Both carry fresh nonces from the newest
 * snapshot; both are resubmitted with the same nonce on EAGAIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "lfcectl.h"

#define TRIES	1000	/* EAGAIN is transient; a thousand in a row is not */

int ctl_refresh(struct ctl_game *g)
{
	return lfce_snapshot(g->fd, g->base, &g->snap);
}

/* The same, saying nothing: 0 or a negative errno, -ENXIO for the device. */
int ctl_open_game_quiet(struct ctl_game *g, __u64 id, bool writable)
{
	int ret;

	memset(g, 0, sizeof(*g));
	g->id = id;
	g->fd = lfce_open(writable ? O_RDWR : O_RDONLY);
	if (g->fd < 0) {
		ret = g->fd;
		g->fd = -1;
		return ret == -ENOENT ? -ENXIO : ret;
	}
	ret = lfce_attach(g->fd, id);
	if (!ret)
		ret = lfce_map(g->fd, &g->base, &g->size);
	if (!ret)
		ret = ctl_refresh(g);
	if (ret)
		ctl_close_game(g);
	return ret;
}

static int device_refused(int err)
{
	if (err == -ENOENT)
		return ctl_refused(err, "cannot open %s: no such device (is the lfce module "
				   "loaded?)", LFCE_DEVICE_PATH);
	return ctl_refused(err, "cannot open %s: %s", LFCE_DEVICE_PATH, strerror(-err));
}

int ctl_device(int flags)
{
	int fd = lfce_open(flags);

	if (fd < 0)
		device_refused(fd);
	return fd;
}

int ctl_open_game(struct ctl_game *g, __u64 id, bool writable)
{
	int ret = ctl_open_game_quiet(g, id, writable);

	if (ret == -ENXIO)
		return device_refused(-ENOENT);
	if (ret)
		return ctl_refused(ret, "game %llu: %s", id,
				   ret == -ENOENT ? "no such game" : lfce_strerror(ret));
	return 0;
}

void ctl_close_game(struct ctl_game *g)
{
	if (g->base)
		lfce_unmap(g->base, g->size);
	if (g->fd >= 0)
		close(g->fd);
	g->base = NULL;
	g->fd = -1;
}

int ctl_my_seat_quiet(const struct ctl_game *g, int want, uint32_t *seat)
{
	uint32_t uid = geteuid(), i;
	const struct lfce_seat *s;

	for (i = 0; i < g->snap.table.config.max_seats; i++) {
		s = &g->snap.seat[i];
		if (want >= 0 && (int)i != want)
			continue;
		if ((s->flags & LFCE_SEAT_BOUND) && s->uid == uid) {
			*seat = i;
			return 0;
		}
	}
	return -ENOENT;
}

int ctl_my_seat(struct ctl_game *g, int want, uint32_t *seat)
{
	uint32_t uid = geteuid();

	if (!ctl_my_seat_quiet(g, want, seat))
		return 0;
	if (want >= 0)
		return ctl_refused(-EPERM, "game %llu: seat %d is not bound to uid %u",
				    g->id, want, uid);
	return ctl_refused(-ENOTCONN, "game %llu: uid %u holds no seat; join first "
			    "(lfcectl seat join %llu)", g->id, uid, g->id);
}

static int submit_retrying(struct ctl_game *g, struct lfce_op *op, __u64 *version)
{
	uint64_t v = 0;
	int ret = lfce_submit_retry(g->fd, op, 1, &v, TRIES);

	*version = v;
	return ret;
}

static int join_retrying(struct ctl_game *g, uint32_t seat, __u64 nonce,
			 const uint8_t id[32], uint32_t *got, __u64 *version)
{
	uint64_t v = 0;
	int ret = lfce_join_retry(g->fd, seat, nonce, id, got, &v, TRIES);

	if (version)
		*version = v;
	return ret;
}

/* Another handle of the same seat may race us to a nonce: EALREADY, try anew. */
int ctl_submit_player(struct ctl_game *g, uint32_t seat, struct lfce_op *op, __u64 *version)
{
	int ret = -EALREADY, tries;
	bool joined = false;

	for (tries = 0; ret == -EALREADY && tries < 8; tries++) {
		ret = ctl_refresh(g);
		if (ret)
			return ret;
		op->seat = seat;
		op->nonce = g->snap.seat[seat].nonce + 1;
		if (!joined) {
			ret = join_retrying(g, seat, op->nonce, g->snap.seat[seat].id, NULL, NULL);
			if (ret)
				continue;
			joined = true;
			op->nonce++;
		}
		ret = submit_retrying(g, op, version);
	}
	return ret;
}

int ctl_submit_owner(struct ctl_game *g, struct lfce_op *op, __u64 *version)
{
	int ret = -EALREADY, tries;

	for (tries = 0; ret == -EALREADY && tries < 8; tries++) {
		ret = ctl_refresh(g);
		if (ret)
			return ret;
		op->nonce = g->snap.table.owner_nonce + 1;
		ret = submit_retrying(g, op, version);
	}
	return ret;
}

/* EXPIRE and LAPSE: no seat, no nonce of their own; the bank stands in. */
int ctl_submit_anyone(struct ctl_game *g, struct lfce_op *op, __u64 *version)
{
	op->seat = LFCE_SEAT_BANK;
	op->nonce = 1;
	return submit_retrying(g, op, version);
}

static int refused_bet(struct ctl_game *g, const struct lfce_op *op, int err)
{
	const struct lfce_config *c = &g->snap.table.config;
	const struct lfce_seat *s = &g->snap.seat[op->seat];
	const char *kind = lfce_bet_name(op->u.bet.kind);
	__u64 amt = op->u.bet.amount;

	if (err == -ENOSPC)
		return ctl_refused(err, "seat %u has %llu, the bet needs %llu",
				   op->seat, s->balance, amt);
	if (err == -EINVAL && op->type == LFCE_OP_BET &&
	    (s->bets[op->u.bet.kind] + amt < c->min_bet || s->bets[op->u.bet.kind] + amt > c->max_bet))
		return ctl_refused(err, "%llu on %s (with %llu already there) is outside the "
				   "table's limits %llu..%llu", amt, kind, s->bets[op->u.bet.kind],
				   c->min_bet, c->max_bet);
	if (err == -EINVAL && op->type == LFCE_OP_UNBET && amt > s->bets[op->u.bet.kind])
		return ctl_refused(err, "seat %u has %llu on %s, cannot take back %llu",
				   op->seat, s->bets[op->u.bet.kind], kind, amt);
	if (err == -EPROTO && g->snap.table.phase == LFCE_PHASE_POINT)
		return ctl_refused(err, "%s %s %llu not allowed now: %s stage, point %u",
				   lfce_op_name(op->type), kind, amt,
				   lfce_stage_name(g->snap.table.stage), g->snap.table.point);
	if (err == -EPROTO)
		return ctl_refused(err, "%s %s %llu not allowed now: %s stage, come-out",
				   lfce_op_name(op->type), kind, amt,
				   lfce_stage_name(g->snap.table.stage));
	return ctl_refused(err, "%s %s %llu by seat %u: %s", lfce_op_name(op->type), kind,
			   amt, op->seat, lfce_strerror(err));
}

static int refused_amount(struct ctl_game *g, const struct lfce_op *op, int err)
{
	char who[16];
	__u64 have;

	if (op->seat == LFCE_SEAT_BANK) {
		snprintf(who, sizeof(who), "the bank");
		have = g->snap.table.bank;
	} else {
		snprintf(who, sizeof(who), "seat %u", op->seat);
		have = g->snap.seat[op->seat].balance;
	}
	if (err == -ENOSPC)
		return ctl_refused(err, "%s has %llu, cannot withdraw %llu", who, have,
				   op->u.amount.value);
	if (err == -EPERM)
		return ctl_refused(err, "uid %u is not the owner of game %llu"
				   " (nor has CAP_SYS_ADMIN)", geteuid(), g->id);
	return ctl_refused(err, "%s %llu for %s: %s", lfce_op_name(op->type),
			   op->u.amount.value, who, lfce_strerror(err));
}

int ctl_refused_op(struct ctl_game *g, const struct lfce_op *op, int err)
{
	ctl_refresh(g);		/* the values to explain with: best effort */
	if (err == -ENODEV)
		return ctl_refused(err, "game %llu is closed", g->id);
	switch (op->type) {
	case LFCE_OP_BET:
	case LFCE_OP_UNBET:
		return refused_bet(g, op, err);
	case LFCE_OP_DEPOSIT:
	case LFCE_OP_WITHDRAW:
		return refused_amount(g, op, err);
	}
	if (err == -EPROTO && op->type == LFCE_OP_EXPIRE)
		return ctl_refused(err, "round %llu cannot expire: %s", g->snap.round.number,
				   g->snap.table.stage == LFCE_STAGE_BETTING ?
				   "no round is under way (betting stage)" :
				   "its deadline has not passed");
	if (err == -EPROTO && op->type == LFCE_OP_LAPSE)
		return ctl_refused(err, "proposal %llu cannot lapse: it is not pending, or its "
				   "deadline has not passed", op->u.vote.id);
	if (err == -EPROTO)
		return ctl_refused(err, "%s not allowed now: the round is in the %s stage"
				   " (round %llu)", lfce_op_name(op->type),
				   lfce_stage_name(g->snap.table.stage), g->snap.round.number);
	if (err == -EPERM && (op->type == LFCE_OP_SETTLE || op->type == LFCE_OP_ROLL))
		return ctl_refused(err, "uid %u is not the owner of game %llu", geteuid(), g->id);
	return ctl_refused(err, "%s in game %llu: %s", lfce_op_name(op->type), g->id,
			   lfce_strerror(err));
}

void ctl_print_commit(const struct ctl_game *g, const char *what, __u64 version)
{
	if (!ctl.json) {
		printf("game %llu: %s, version %llu\n", g->id, what, version);
		return;
	}
	json_begin_obj(NULL);
	json_hex64("game", g->id);
	json_str("done", what);
	json_u64("version", version);
	json_end_obj();
	json_done();
}
