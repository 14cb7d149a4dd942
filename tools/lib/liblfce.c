// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * liblfce: thin wrappers around the ioctls of uapi/linux/lfce.h. Each fills
 * in the argument struct's size, returns 0 or a negative errno, and never
 * sets errno. lfce_strerror() says what an errno means for lfce.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "liblfce.h"

static int call(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int lfce_open(int flags)
{
	int fd = open(LFCE_DEVICE_PATH, flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int lfce_version(int fd, uint32_t *abi_version)
{
	struct lfce_version v = { .size = sizeof(v) };
	int ret = call(fd, LFCE_IOC_VERSION, &v);

	if (!ret)
		*abi_version = v.abi_version;
	return ret;
}

int lfce_create(int fd, const struct lfce_config *config, uint64_t *game_id)
{
	struct lfce_create c = { .size = sizeof(c), .config = *config };
	int ret = call(fd, LFCE_IOC_CREATE, &c);

	if (!ret)
		*game_id = c.game_id;
	return ret;
}

int lfce_attach(int fd, uint64_t game_id)
{
	struct lfce_attach a = { .size = sizeof(a), .game_id = game_id };

	return call(fd, LFCE_IOC_ATTACH, &a);
}

int lfce_join(int fd, uint32_t seat, uint64_t nonce, const uint8_t id[32],
	      uint32_t *seat_out, uint64_t *version)
{
	struct lfce_join j = { .size = sizeof(j), .seat = seat, .nonce = nonce };
	int ret;

	if (id)
		memcpy(j.id, id, sizeof(j.id));
	ret = call(fd, LFCE_IOC_JOIN, &j);
	if (!ret) {
		if (seat_out)
			*seat_out = j.seat;
		if (version)
			*version = j.version;
	}
	return ret;
}

int lfce_submit(int fd, const struct lfce_op *ops, uint32_t count, uint64_t *version)
{
	struct lfce_submit s = {
		.size = sizeof(s), .count = count, .ops = (uintptr_t)ops,
	};
	int ret = call(fd, LFCE_IOC_SUBMIT, &s);

	if (!ret && version)
		*version = s.version;
	return ret;
}

/*
 * EAGAIN committed nothing (the retry budget ran out against other writers,
 * or a nonblocking handle met backpressure): the very same call again,
 * same nonces, after yielding the CPU to whoever holds things up. At most
 * @tries calls in all; 0, no limit.
 */
static int again(int ret, unsigned int *n, unsigned int tries)
{
	if (ret != -EAGAIN || (tries && ++*n >= tries))
		return 0;
	sched_yield();
	return 1;
}

int lfce_submit_retry(int fd, const struct lfce_op *ops, uint32_t count, uint64_t *version,
		      unsigned int tries)
{
	unsigned int n = 0;
	int ret;

	do
		ret = lfce_submit(fd, ops, count, version);
	while (again(ret, &n, tries));
	return ret;
}

int lfce_join_retry(int fd, uint32_t seat, uint64_t nonce, const uint8_t id[32],
		    uint32_t *seat_out, uint64_t *version, unsigned int tries)
{
	unsigned int n = 0;
	int ret;

	do
		ret = lfce_join(fd, seat, nonce, id, seat_out, version);
	while (again(ret, &n, tries));
	return ret;
}

int lfce_get(int fd, struct lfce_snapshot *snap)
{
	struct lfce_get g = {
		.size = sizeof(g), .snap_size = sizeof(*snap), .snap = (uintptr_t)snap,
	};

	return call(fd, LFCE_IOC_GET, &g);
}

int lfce_stats(int fd, struct lfce_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->size = sizeof(*stats);
	return call(fd, LFCE_IOC_STATS, stats);
}

int lfce_list(int fd, uint64_t start, uint64_t *ids, uint32_t *count, uint64_t *total)
{
	struct lfce_list l = {
		.size = sizeof(l), .count = *count, .ids = (uintptr_t)ids, .start = start,
	};
	int ret = call(fd, LFCE_IOC_LIST, &l);

	if (!ret) {
		*count = l.count;
		if (total)
			*total = l.total;
	}
	return ret;
}

int lfce_close_game(int fd, uint64_t game_id, uint32_t flags)
{
	struct lfce_close c = { .size = sizeof(c), .flags = flags, .game_id = game_id };

	return call(fd, LFCE_IOC_CLOSE, &c);
}

/* Map the header page, learn the region's size from it, map the region. */
int lfce_map(int fd, const void **base, size_t *size)
{
	const struct lfce_region *r;
	size_t len;
	void *p;
	int ret;

	p = mmap(NULL, sizeof(*r), PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r = p;
	len = r->magic == LFCE_REGION_MAGIC ? r->region_size : 0;
	munmap(p, sizeof(*r));
	if (!len)
		return -EPROTO;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	ret = lfce_region_check(p, len);
	if (ret) {
		munmap(p, len);
		return ret;
	}
	*base = p;
	*size = len;
	return 0;
}

int lfce_unmap(const void *base, size_t size)
{
	return munmap((void *)base, size) ? -errno : 0;
}

/* The mapping first; the ioctl when writers lap the ring. */
int lfce_snapshot(int fd, const void *base, struct lfce_snapshot *snap)
{
	if (base && !lfce_snapshot_read(base, snap))
		return 0;
	return lfce_get(fd, snap);
}

/* The errno table: what each errno means when lfce returns it. */
static const struct {
	int err;
	const char *what;
} errors[] = {
	{ ENOTTY, "not an lfce request (unknown ioctl)" },
	{ E2BIG, "argument struct too large, or unknown fields set" },
	{ EINVAL, "malformed field, bad enum or bad amount (a bet must be whole units: place "
		  "4/5/9/10 in 5s, place 6/8 in 6s, odds on 5/9 in 2s, on 6/8 in 5s, lay odds "
		  "on 4/10 in 2s, on 5/9 in 3s, on 6/8 in 6s)" },
	{ EBADF, "this handle was opened read-only" },
	{ EPERM, "not the owner, not your seat, the seat is another user's, it needs a quorum, "
		 "a transfer without the paying seat's consent, or a parameter not governable" },
	{ ENOTCONN, "no game attached, or no seat joined" },
	{ ENOENT, "no such game, seat or proposal" },
	{ ENODEV, "the game was closed" },
	{ ENOSPC, "insufficient balance or bank" },
	{ EPROTO, "not allowed in this phase, stage or state" },
	{ ESTALE, "the game moved past the expected version" },
	{ EALREADY, "nonce already used (the seat's, or the game's owner nonce), already voted, "
		    "or already done" },
	{ EAGAIN, "busy: retry the same operation (same nonce)" },
	{ EMSGSIZE, "batch too long" },
	{ EUSERS, "all seats are taken" },
	{ EMFILE, "the module's games limit is reached (closed games count while mapped or open)" },
	{ EDQUOT, "you own your quota of games (closed games count while mapped or open)" },
	{ EINTR, "interrupted while waiting for memory; nothing changed" },
	{ EBUSY, "seat held by another handle, proposal table full, or the game still holds tokens" },
	{ EISCONN, "handle already attached, or already seated" },
	{ ETIME, "the deadline of the round or proposal has passed" },
	{ EFAULT, "bad address" },
	{ ENOMEM, "out of memory, or the snapshot memory of the module or of the game's owner is taken" },
};

const char *lfce_strerror(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].err == err)
			return errors[i].what;
	return strerror(err);
}

/*
 * Names for the uapi's numbers: the words people bet and vote by, one table
 * for every tool. A number this build does not know (a newer module) reads
 * "?" rather than indexing past a table.
 */
#define NAME(table, i) \
	((i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "?")

static const char *const bet_names[LFCE_BET_NR] = {
	[LFCE_BET_PASS] = "pass", [LFCE_BET_DONT_PASS] = "dontpass",
	[LFCE_BET_PASS_ODDS] = "passodds", [LFCE_BET_DONT_PASS_ODDS] = "dontpassodds",
	[LFCE_BET_COME] = "come", [LFCE_BET_DONT_COME] = "dontcome",
	[LFCE_BET_COME_4] = "come4", [LFCE_BET_COME_5] = "come5",
	[LFCE_BET_COME_6] = "come6", [LFCE_BET_COME_8] = "come8",
	[LFCE_BET_COME_9] = "come9", [LFCE_BET_COME_10] = "come10",
	[LFCE_BET_DONT_COME_4] = "dontcome4", [LFCE_BET_DONT_COME_5] = "dontcome5",
	[LFCE_BET_DONT_COME_6] = "dontcome6", [LFCE_BET_DONT_COME_8] = "dontcome8",
	[LFCE_BET_DONT_COME_9] = "dontcome9", [LFCE_BET_DONT_COME_10] = "dontcome10",
	[LFCE_BET_COME_ODDS_4] = "comeodds4", [LFCE_BET_COME_ODDS_5] = "comeodds5",
	[LFCE_BET_COME_ODDS_6] = "comeodds6", [LFCE_BET_COME_ODDS_8] = "comeodds8",
	[LFCE_BET_COME_ODDS_9] = "comeodds9", [LFCE_BET_COME_ODDS_10] = "comeodds10",
	[LFCE_BET_DONT_COME_ODDS_4] = "dontcomeodds4",
	[LFCE_BET_DONT_COME_ODDS_5] = "dontcomeodds5",
	[LFCE_BET_DONT_COME_ODDS_6] = "dontcomeodds6",
	[LFCE_BET_DONT_COME_ODDS_8] = "dontcomeodds8",
	[LFCE_BET_DONT_COME_ODDS_9] = "dontcomeodds9",
	[LFCE_BET_DONT_COME_ODDS_10] = "dontcomeodds10",
	[LFCE_BET_FIELD] = "field",
	[LFCE_BET_PLACE_4] = "place4", [LFCE_BET_PLACE_5] = "place5",
	[LFCE_BET_PLACE_6] = "place6", [LFCE_BET_PLACE_8] = "place8",
	[LFCE_BET_PLACE_9] = "place9", [LFCE_BET_PLACE_10] = "place10",
	[LFCE_BET_HARD_4] = "hard4", [LFCE_BET_HARD_6] = "hard6",
	[LFCE_BET_HARD_8] = "hard8", [LFCE_BET_HARD_10] = "hard10",
	[LFCE_BET_ANY_SEVEN] = "anyseven", [LFCE_BET_ANY_CRAPS] = "anycraps",
	[LFCE_BET_ELEVEN] = "eleven", [LFCE_BET_ACES] = "aces",
	[LFCE_BET_ACE_DEUCE] = "acedeuce", [LFCE_BET_TWELVE] = "twelve",
};

static const char *const op_names[] = {
	[LFCE_OP_NONE] = "none", [LFCE_OP_JOIN] = "join", [LFCE_OP_LEAVE] = "leave",
	[LFCE_OP_DEPOSIT] = "deposit", [LFCE_OP_WITHDRAW] = "withdraw",
	[LFCE_OP_BET] = "bet", [LFCE_OP_UNBET] = "unbet", [LFCE_OP_CLOSE] = "close",
	[LFCE_OP_COMMIT] = "commit", [LFCE_OP_REVEAL] = "reveal",
	[LFCE_OP_EXPIRE] = "expire", [LFCE_OP_ROLL] = "roll", [LFCE_OP_BAN] = "ban",
	[LFCE_OP_TRANSFER] = "transfer", [LFCE_OP_SETTLE] = "settle",
	[LFCE_OP_PROPOSE] = "propose", [LFCE_OP_VOTE] = "vote",
	[LFCE_OP_LAPSE] = "lapse", [LFCE_OP_CONFIG] = "config",
	[LFCE_OP_SHUTDOWN] = "shutdown",
};

static const char *const param_names[LFCE_PARAM_NR] = {
	[LFCE_PARAM_MIN_BET] = "min-bet", [LFCE_PARAM_MAX_BET] = "max-bet",
	[LFCE_PARAM_ODDS_MAX] = "odds-max", [LFCE_PARAM_FIELD12_PAYS] = "field12-pays",
	[LFCE_PARAM_DICE_MODE] = "dice-mode", [LFCE_PARAM_REVEAL_TIMEOUT] = "reveal-timeout",
	[LFCE_PARAM_PROPOSAL_TIMEOUT] = "proposal-timeout",
};

static const char *const phase_names[] = {
	[LFCE_PHASE_COME_OUT] = "come-out", [LFCE_PHASE_POINT] = "point",
};

static const char *const stage_names[] = {
	[LFCE_STAGE_BETTING] = "betting", [LFCE_STAGE_COMMIT] = "commit",
	[LFCE_STAGE_REVEAL] = "reveal",
};

static const char *const dice_mode_names[] = {
	[LFCE_DICE_COMMIT_REVEAL] = "commit-reveal", [LFCE_DICE_HOST] = "host",
	[LFCE_DICE_AGREEMENT] = "agreement",
};

static const char *const prop_state_names[] = {
	[LFCE_PROP_FREE] = "free", [LFCE_PROP_PENDING] = "pending",
	[LFCE_PROP_PASSED] = "passed", [LFCE_PROP_REJECTED] = "rejected",
	[LFCE_PROP_EXPIRED] = "expired", [LFCE_PROP_FAILED] = "failed",
};

const char *lfce_bet_name(unsigned int kind)
{
	return NAME(bet_names, kind);
}

const char *lfce_op_name(unsigned int type)
{
	return NAME(op_names, type);
}

const char *lfce_param_name(unsigned int param)
{
	return NAME(param_names, param);
}

const char *lfce_phase_name(unsigned int phase)
{
	return NAME(phase_names, phase);
}

const char *lfce_stage_name(unsigned int stage)
{
	return NAME(stage_names, stage);
}

const char *lfce_dice_mode_name(unsigned int mode)
{
	return NAME(dice_mode_names, mode);
}

const char *lfce_prop_state_name(unsigned int state)
{
	return NAME(prop_state_names, state);
}

/* @name without case, '-', '_' or '\'' ("Dont-Pass", "don't_pass"), in @buf. */
static void fold(const char *name, char *buf, size_t size)
{
	size_t n = 0;

	for (; *name && n + 1 < size; name++)
		if (*name != '-' && *name != '_' && *name != '\'')
			buf[n++] = (*name >= 'A' && *name <= 'Z') ? *name + 32 : *name;
	buf[n] = '\0';
}

static int lookup(const char *const *table, int n, const char *name)
{
	char want[32], have[32];
	int i;

	fold(name, want, sizeof(want));
	for (i = 0; i < n; i++) {
		fold(table[i], have, sizeof(have));
		if (!strcmp(want, have))
			return i;
	}
	return -EINVAL;
}

int lfce_bet_kind(const char *name)
{
	return lookup(bet_names, LFCE_BET_NR, name);
}

int lfce_param(const char *name)
{
	return lookup(param_names, LFCE_PARAM_NR, name);
}

int lfce_dice_mode(const char *name)
{
	return lookup(dice_mode_names, LFCE_DICE_NR, name);
}
