/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * lfce: lock-free consensus engine for multiplayer craps games.
 *
 * This header is the whole contract between the lfce kernel module and
 * userspace. Everything that crosses the boundary is described here.
 *
 * The device
 * ----------
 * The module registers the misc device /dev/lfce, mode 0660 and owned by
 * root; the udev rule the packages install gives it group "lfce", whose
 * members are the uids that may play. Each open file description is a handle. Writes are ioctls; an fd opened O_RDONLY may use
 * every ioctl that does not change state.
 *
 * Argument structs
 * ----------------
 * Every ioctl takes a pointer to a struct that begins with "__u32 size", set
 * by the caller to the size of the struct as it knows it. Structs only grow,
 * by appending fields; the LFCE_*_SIZE_VER* constants give each published
 * size. The kernel:
 *
 *   - refuses size > 4096 (the page size on every supported architecture)
 *     with E2BIG, and size below the first published size with EINVAL;
 *   - accepts a smaller (older) struct and treats the missing tail as zero;
 *   - accepts a larger (newer) struct whose unknown tail is all zero, and
 *     refuses one with a non-zero byte in the tail with E2BIG;
 *   - on return, writes back min(size, kernel size) bytes and stores that
 *     number in size, so the caller knows which fields were filled in.
 *
 * ioctl numbers use the magic LFCE_IOC_MAGIC. The kernel dispatches on type,
 * direction and number only: the size bits are ignored, so a newer userspace
 * whose structs have grown is not refused with ENOTTY. The size field is what
 * counts.
 *
 * All structs use fixed-width types, carry explicit padding, and pass
 * pointers as __u64. In every ioctl, reserved, padding and output ("out")
 * fields must be zero on input (EINVAL).
 *
 * Errors common to every ioctl:
 *   ENOTTY  unknown ioctl
 *   EFAULT  the argument pointer is not readable or writable
 *   E2BIG   size too large, or larger than the kernel's with a non-zero tail
 *   EINVAL  size below the first published size, or a malformed field
 *
 * A call that changes state (CREATE, JOIN, SUBMIT) checks that it can write
 * its struct back before it changes anything, so a struct in read-only
 * memory gets EFAULT with nothing changed. Only if the memory stops being
 * writable during the call can EFAULT come after the change: the operation
 * may then have committed. Resubmit it with the same nonce, which is
 * exactly-once (EALREADY if it had committed); after CREATE or JOIN, the
 * handle holds the game or the seat (EISCONN on a retry), and the game's id
 * is in its mapping's header.
 *
 * LFCE_IOC_VERSION
 * ----------------
 * Reports the ABI version implemented by the module. Valid on any fd,
 * including O_RDONLY ones. Input: size. Output: abi_version (the value of
 * LFCE_ABI_VERSION the module was built with) and features (a mask of
 * LFCE_FEATURE_* bits; none are defined yet, so it is zero). A userspace
 * built against a different LFCE_ABI_VERSION must not assume any other
 * ioctl or layout.
 */
#ifndef _UAPI_LINUX_LFCE_H
#define _UAPI_LINUX_LFCE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define LFCE_DEVICE_NAME	"lfce"
#define LFCE_DEVICE_PATH	"/dev/lfce"

/*
 * Bumped on any incompatible change; compatible growth uses struct sizes.
 * 2: the snapshot (seed commitment, owner nonce, config.governable) and
 * the journal record (seed, commitment, realtime_ns) changed layout.
 */
#define LFCE_ABI_VERSION	2

#define LFCE_IOC_MAGIC		0xBD

/* Largest argument struct size the kernel will look at. */
#define LFCE_ARG_SIZE_MAX	4096

struct lfce_version {
	__u32 size;		/* in: sizeof(struct lfce_version) */
	__u32 abi_version;	/* out: LFCE_ABI_VERSION */
	__u64 features;		/* out: LFCE_FEATURE_* mask */
};
#define LFCE_VERSION_SIZE_VER0	16

#define __LFCE_FEATURE_ALL	0ULL

#define LFCE_IOC_VERSION	_IOWR(LFCE_IOC_MAGIC, 0x00, struct lfce_version)

/*
 * Game state
 * ----------
 * A game's state is one snapshot: the table, up to LFCE_MAX_SEATS seats and
 * the commit-reveal round. Every change is an operation (struct lfce_op)
 * committed atomically; each commit gets the next version and appends one
 * journal record (struct lfce_record) per operation.
 *
 * Amounts are whole token units. Token conservation always holds:
 *
 *	sum(seat.balance) + sum(seat.bets[]) + table.bank == table.total
 *
 * and table.total changes only by deposits, withdrawals and leaves.
 */
#define LFCE_MAX_SEATS		8
#define LFCE_MAX_PROPOSALS	8	/* pending proposals per game, at most */
#define LFCE_SEAT_BANK		0xffffffffU	/* lfce_op.seat for the house bank */
#define LFCE_AMOUNT_MAX		(1ULL << 48)	/* largest single amount */
#define LFCE_TOTAL_MAX		(1ULL << 62)	/* largest conserved total */

/*
 * Bet kinds: the index into lfce_seat.bets[]. Each _4.._10 family runs in
 * the order 4, 5, 6, 8, 9, 10 (LFCE_POINT_INDEX). COME_n and DONT_COME_n
 * are where come bets travel to; they cannot be placed directly.
 */
enum lfce_bet {
	LFCE_BET_PASS,
	LFCE_BET_DONT_PASS,
	LFCE_BET_PASS_ODDS,
	LFCE_BET_DONT_PASS_ODDS,
	LFCE_BET_COME,
	LFCE_BET_DONT_COME,
	LFCE_BET_COME_4,
	LFCE_BET_COME_5,
	LFCE_BET_COME_6,
	LFCE_BET_COME_8,
	LFCE_BET_COME_9,
	LFCE_BET_COME_10,
	LFCE_BET_DONT_COME_4,
	LFCE_BET_DONT_COME_5,
	LFCE_BET_DONT_COME_6,
	LFCE_BET_DONT_COME_8,
	LFCE_BET_DONT_COME_9,
	LFCE_BET_DONT_COME_10,
	LFCE_BET_COME_ODDS_4,
	LFCE_BET_COME_ODDS_5,
	LFCE_BET_COME_ODDS_6,
	LFCE_BET_COME_ODDS_8,
	LFCE_BET_COME_ODDS_9,
	LFCE_BET_COME_ODDS_10,
	LFCE_BET_DONT_COME_ODDS_4,
	LFCE_BET_DONT_COME_ODDS_5,
	LFCE_BET_DONT_COME_ODDS_6,
	LFCE_BET_DONT_COME_ODDS_8,
	LFCE_BET_DONT_COME_ODDS_9,
	LFCE_BET_DONT_COME_ODDS_10,
	LFCE_BET_FIELD,
	LFCE_BET_PLACE_4,
	LFCE_BET_PLACE_5,
	LFCE_BET_PLACE_6,
	LFCE_BET_PLACE_8,
	LFCE_BET_PLACE_9,
	LFCE_BET_PLACE_10,
	LFCE_BET_HARD_4,
	LFCE_BET_HARD_6,
	LFCE_BET_HARD_8,
	LFCE_BET_HARD_10,
	LFCE_BET_ANY_SEVEN,
	LFCE_BET_ANY_CRAPS,
	LFCE_BET_ELEVEN,
	LFCE_BET_ACES,
	LFCE_BET_ACE_DEUCE,
	LFCE_BET_TWELVE,
	LFCE_BET_NR
};

/* 4, 5, 6, 8, 9, 10 -> 0..5; anything else -> -1. */
#define LFCE_POINT_INDEX(n)						\
	((n) >= 4 && (n) <= 6 ? (int)(n) - 4 :				\
	 (n) >= 8 && (n) <= 10 ? (int)(n) - 5 : -1)

/* Table phase: is a point set? */
enum lfce_phase {
	LFCE_PHASE_COME_OUT,
	LFCE_PHASE_POINT,
};

/* Round stage, see "Rounds" below. */
enum lfce_stage {
	LFCE_STAGE_BETTING,
	LFCE_STAGE_COMMIT,
	LFCE_STAGE_REVEAL,
};

/* How dice are rolled in a game. */
enum lfce_dice_mode {
	LFCE_DICE_COMMIT_REVEAL,	/* commit-reveal among the players */
	LFCE_DICE_HOST,			/* the owner rolls with the kernel RNG */
	LFCE_DICE_AGREEMENT,		/* a quorum agrees to each roll */
	LFCE_DICE_NR
};

#define LFCE_TABLE_SUSPENDED	(1U << 0)	/* bank could not cover a roll */
#define LFCE_TABLE_CLOSED	(1U << 1)	/* closed: nothing commits any more */
#define __LFCE_TABLE_ALL	(LFCE_TABLE_SUSPENDED | LFCE_TABLE_CLOSED)

#define LFCE_CFG_DISTINCT_UIDS	(1U << 0)	/* one seat per uid (default) */
#define LFCE_CFG_HARDWAYS_WORK	(1U << 1)	/* hardways work on the come-out */
#define __LFCE_CFG_ALL		(LFCE_CFG_DISTINCT_UIDS | LFCE_CFG_HARDWAYS_WORK)

struct lfce_config {
	__u64 min_bet;			/* 1 <= min_bet <= max_bet */
	__u64 max_bet;			/* <= LFCE_AMOUNT_MAX */
	__u32 odds_max;			/* odds <= odds_max x line bet; 1..100 */
	__u32 field12_pays;		/* 2 or 3 (to 1) */
	__u32 dice_mode;		/* enum lfce_dice_mode */
	__u32 flags;			/* LFCE_CFG_* */
	__u64 reveal_timeout_ns;	/* from closing bets to the deadline */
	__u32 max_seats;		/* 1..LFCE_MAX_SEATS */
	__u32 max_proposals;		/* 1..LFCE_MAX_PROPOSALS; 0: the default */
	__u64 proposal_timeout_ns;	/* from opening to the deadline; 0: 60 s */
	/* Since LFCE_CREATE_SIZE_VER1; zero: the default. */
	__u32 governable;		/* 1 << enum lfce_param: CONFIG may set it */
	__u32 reserved;
};

struct lfce_table {
	__u64 version;			/* +1 per commit, from 1 */
	__u64 time_ns;			/* time of the last commit, see "Time" */
	__u64 digest;			/* xxh64 chain over the journal */
	__u64 records;			/* journal records so far */
	__u64 bank;
	__u64 total;			/* the conserved total */
	__u64 rolls;			/* dice rolled so far */
	__u64 proposals;		/* proposals opened so far: the last id */
	__u64 deadline_ns;		/* earliest pending deadline, 0: none */
	__u64 owner_nonce;		/* last nonce of an owner operation */
	__u32 phase;			/* enum lfce_phase */
	__u32 point;			/* 4..10 in LFCE_PHASE_POINT, else 0 */
	__u32 shooter;			/* seat that closes betting */
	__u32 stage;			/* enum lfce_stage */
	__u32 flags;			/* LFCE_TABLE_* */
	__u8 dice[2];			/* last roll, 0 before the first */
	__u8 reserved[2];
	/* SHA-256 of the kernel's seed of roll number "rolls": see "Dice" */
	__u8 seed_commitment[32];
	struct lfce_config config;
};

#define LFCE_SEAT_BOUND		(1U << 0)	/* held by uid */
#define LFCE_SEAT_BANNED	(1U << 1)
#define __LFCE_SEAT_ALL		(LFCE_SEAT_BOUND | LFCE_SEAT_BANNED)

struct lfce_seat {
	__u8 id[32];			/* player id chosen by the agent */
	__u32 uid;			/* the uid the seat is bound to */
	__u32 flags;			/* LFCE_SEAT_* */
	__u64 balance;
	__u64 nonce;			/* last nonce used */
	__u64 bets[LFCE_BET_NR];	/* amounts on the table, by kind */
};

/*
 * The commit-reveal round. Masks have bit i for seat i. A commitment is
 * SHA-256(secret[32] || round number as __le64).
 *
 * Dice
 * ----
 * Every roll mixes the kernel's secret seed of that roll: roll number r
 * (table.rolls before it) uses seed(r), 32 bytes fixed when the game is
 * created and known to nobody outside the kernel. table.seed_commitment is
 * SHA-256(seed(r)) for the next roll, published by the game's first record
 * and then by each roll for the one after it, so it is in the snapshot
 * before anyone can bet on, close, reveal for or vote on roll r. The record
 * that rolls reveals seed(r) in lfce_record.seed (and the next commitment in
 * lfce_record.commitment); anyone can check it against the commitment, and
 * replaying the journal checks it. The dice are the first two bytes below
 * 252, taken mod 6 plus 1, of H = SHA-256(m || seed(r)) (if there are not
 * two, H = SHA-256(H) until there are), where m is:
 *
 *   commit-reveal (REVEAL completing the set, or EXPIRE):
 *       round number as __le64 || the revealed secrets, in seat order
 *   host dice (ROLL):                      r as __le64
 *   agreement dice (the deciding VOTE):    the proposal id as __le64
 *
 * Trust model: the kernel and root are trusted; players are not. No player,
 * coalition of players, or owner can bias a roll: the seed is fixed before
 * anyone commits a secret or places a bet, and nobody can compute a roll
 * before it is made, not even the last revealer, who knows every secret but
 * not the seed. So withholding a reveal cannot steer the dice; it only
 * forfeits the withholder's bets (EXPIRE). Resubmitting cannot change a roll
 * either: seed(r) is the same for every attempt, and an operation that rolls
 * must be the last of its batch (EPROTO for any operation after it), so no
 * later operation of the batch can make a roll it did not like fail. The
 * first operation of a game cannot roll (EPROTO): it publishes roll 0's
 * commitment.
 */
struct lfce_round {
	__u64 number;			/* increases by one per roll */
	__u64 deadline_ns;		/* for commits and reveals */
	__u32 participants;
	__u32 committed;
	__u32 revealed;
	__u32 reserved;
	__u8 commitment[LFCE_MAX_SEATS][32];
	__u8 secret[LFCE_MAX_SEATS][32];
};

/*
 * Proposals
 * ---------
 * What no single player may do is proposed, voted on, and applied by the
 * commit whose vote reaches the quorum:
 *
 *   LFCE_OP_TRANSFER  value from seat to seat "to", only with the consent
 *                     of seat: it proposed it, or it voted for it
 *   LFCE_OP_BAN       ban seat: its bets come back to its balance, it can
 *                     no longer act; only in the betting stage
 *   LFCE_OP_ROLL      roll the dice, in LFCE_DICE_AGREEMENT games, with the
 *                     kernel's seed (see "Dice"); the deciding vote rolls
 *   LFCE_OP_CONFIG    set config parameter "param" (enum lfce_param) to
 *                     value, if the owner made it governable (bit
 *                     1 << param of config.governable; EPERM otherwise);
 *                     the dice mode only in the betting stage
 *
 * Opening freezes the electorate (the active seats: bound, not banned), its
 * size n, the quorum q = ceil(2n / 3) and the deadline. The proposer does not
 * vote by opening. Each member of the electorate votes once (EALREADY for a
 * second vote). The vote that makes q votes for applies the operation,
 * re-validated against the state of that commit: PASSED, or FAILED with the
 * errno in "error" and nothing applied. More than n - q votes against
 * reject it. Any commit at a time past the deadline of a pending proposal
 * first lapses it (a LFCE_OP_LAPSE record), and the module's sweep commits
 * the same. Decided proposals stay in the table until their slot is needed.
 * A member that leaves or is banned is marked in "gone" and cannot vote on
 * it; its vote, if cast, counts, and q does not change. An action whose
 * seat or "to" is in "gone" fails (ENOENT): whoever sits there now is not
 * whom the electorate voted about. A TRANSFER whose quorum is reached
 * without the consent of the seat it takes from fails (EPERM): a quorum
 * can never take value from a seat. That seat may vote for it before the
 * others to give its consent.
 */
enum lfce_proposal_state {
	LFCE_PROP_FREE,			/* slot never used */
	LFCE_PROP_PENDING,		/* open for votes */
	LFCE_PROP_PASSED,		/* quorum reached, operation applied */
	LFCE_PROP_REJECTED,		/* more than n - q votes against */
	LFCE_PROP_EXPIRED,		/* the deadline passed first */
	LFCE_PROP_FAILED,		/* quorum reached, re-validation refused */
	LFCE_PROP_NR
};

/* The config parameters an LFCE_OP_CONFIG proposal may set. */
enum lfce_param {
	LFCE_PARAM_MIN_BET,
	LFCE_PARAM_MAX_BET,
	LFCE_PARAM_ODDS_MAX,
	LFCE_PARAM_FIELD12_PAYS,
	LFCE_PARAM_DICE_MODE,
	LFCE_PARAM_REVEAL_TIMEOUT,
	LFCE_PARAM_PROPOSAL_TIMEOUT,
	LFCE_PARAM_NR
};

struct lfce_proposal {
	__u64 id;			/* 1, 2, ...: table.proposals when opened */
	__u64 deadline_ns;
	__u64 value;			/* TRANSFER: amount; CONFIG: new value */
	__u16 action;			/* enum lfce_op_type */
	__u16 state;			/* enum lfce_proposal_state */
	__u32 proposer;			/* seat */
	__u32 seat;			/* TRANSFER: from; BAN: whom */
	__u32 to;			/* TRANSFER: to */
	__u32 param;			/* CONFIG: enum lfce_param */
	__u32 quorum;			/* q */
	__u32 electorate;		/* mask of seats, n = its weight */
	__u32 votes_for;		/* masks of seats */
	__u32 votes_against;
	__u32 gone;			/* left or banned since opening */
	__u32 error;			/* FAILED: the positive errno */
	__u32 reserved;
};

struct lfce_snapshot {
	struct lfce_table table;
	struct lfce_seat seat[LFCE_MAX_SEATS];
	struct lfce_round round;
	struct lfce_proposal proposal[LFCE_MAX_PROPOSALS];
};

/*
 * Operations
 * ----------
 * One operation is a fixed-size tagged union. Player operations act as the
 * seat of the fd that submits them, carry a nonce strictly greater than the
 * seat's last one (EALREADY otherwise, with nothing changed), and so can be
 * resubmitted safely after EAGAIN. Owner operations (DEPOSIT, WITHDRAW,
 * SETTLE, ROLL) carry a nonce strictly greater than table.owner_nonce, the
 * last one any owner operation of the game used, so that they too are applied
 * exactly once however often they are resubmitted (after EAGAIN, or after
 * EFAULT on writing the result back); nonce 0 is the kernel's own (a
 * forced close's SETTLEs) and is refused when submitted (EINVAL). A nonce
 * of UINT64_MAX is refused (EINVAL): nothing could follow it.
 * expected_version, when non-zero, makes the operation conditional on the
 * current version (ESTALE). The bytes of the union an operation does not
 * use, and every reserved field, must be zero (EINVAL).
 *
 *   JOIN      u.join: take seat (or any free seat), bind it to the caller
 *   LEAVE     settle and free the seat: in the betting stage, bets that may
 *             come down come back, then the whole balance leaves; EPROTO
 *             in the round or with a bet that must stay up
 *   DEPOSIT   owner: u.amount.value into seat's balance or the bank
 *             (u.amount.to must be 0)
 *   WITHDRAW  owner: the reverse; ENOSPC if not covered; from the bank
 *             only in the betting stage with no bet on the table (EPROTO):
 *             the bank covers the bets placed against it
 *   BET       u.bet: put amount on kind; EINVAL outside min/max or the odds
 *             cap, or if the total on kind is not a whole number of its
 *             unit (below), EPROTO outside its phase or stage, ENOSPC
 *             without balance
 *   UNBET     u.bet: take amount back from a removable bet: in the
 *             betting stage, anything but pass and come bets once they
 *             have a point (a contract); what is left must be a whole
 *             number of the unit, and the odds behind a bet may not
 *             exceed odds_max times what is left of it (EINVAL)
 *   CLOSE     the shooter closes betting: stage BETTING -> COMMIT
 *   COMMIT    u.commit: a participant's commitment; the last one opens REVEAL
 *   REVEAL    u.reveal: the secret; EINVAL if it does not match; the last one
 *             rolls the dice and resolves the table
 *   EXPIRE    anyone attached, past the round's deadline: those who did not
 *             commit or reveal forfeit their bets, the dice come from the
 *             reveals received and the kernel's seed (see "Dice"; the
 *             module's sweep does this by itself soon after the deadline);
 *             u must be zero
 *   ROLL      owner, host-dice games, in the betting stage: roll with the
 *             kernel's seed; u must be zero; in agreement games, only as a
 *             proposal's action
 *   BAN       only as a proposal's action (EPERM when submitted)
 *   TRANSFER  only as a proposal's action (EPERM when submitted)
 *   SETTLE    owner: the seat's bets come back and its whole balance
 *             leaves the game, with the limits of LEAVE (EPROTO in the
 *             round or with a contract bet up); for LFCE_SEAT_BANK, the
 *             whole bank leaves, with the limits of a bank WITHDRAW. A
 *             forced close (LFCE_IOC_CLOSE) settles every seat and the
 *             bank in any stage.
 *   PROPOSE   u.propose: open a proposal (see "Proposals"); EBUSY when the
 *             table is full, and the action's own errno if it is not valid
 *             now; the record's op carries the id given
 *   VOTE      u.vote: for or against proposal id; ENOENT: no such id,
 *             EPERM: not in its electorate, EALREADY: voted, EPROTO:
 *             decided, ETIME: its deadline passed
 *   LAPSE     anyone attached: u.vote.id past its deadline expires (EPROTO
 *             while it is not pending or not due)
 *   CONFIG    only as a proposal's action (EPERM when submitted)
 *   SHUTDOWN  the kernel's own, for LFCE_IOC_CLOSE: EBUSY while any token
 *             remains, else the table is LFCE_TABLE_CLOSED and every later
 *             operation gets ENODEV (EINVAL when submitted)
 *
 * Records of PROPOSE, VOTE and LAPSE carry the proposal's state after them
 * in lfce_record.outcome.
 *
 * Every payout is a whole number of tokens: the total on a bet kind must be
 * a multiple of its unit, the denominator of what it pays (EINVAL):
 *
 *   place 4, 5, 9, 10 (9:5, 7:5)            5
 *   place 6, 8 (7:6)                        6
 *   pass and come odds on 4, 10 (2:1)       1
 *   pass and come odds on 5, 9 (3:2)        2
 *   pass and come odds on 6, 8 (6:5)        5
 *   don't pass and don't come odds (lay)
 *     on 4, 10 (1:2)                        2
 *     on 5, 9 (2:3)                         3
 *     on 6, 8 (5:6)                         6
 *   everything else (1:1, n:1)              1
 *
 * Pass and don't pass odds take the unit of the table's point.
 *
 * Hardways are off on the come-out roll (neither win nor lose) unless the
 * game's config has LFCE_CFG_HARDWAYS_WORK.
 */
enum lfce_op_type {
	LFCE_OP_NONE,
	LFCE_OP_JOIN,
	LFCE_OP_LEAVE,
	LFCE_OP_DEPOSIT,
	LFCE_OP_WITHDRAW,
	LFCE_OP_BET,
	LFCE_OP_UNBET,
	LFCE_OP_CLOSE,
	LFCE_OP_COMMIT,
	LFCE_OP_REVEAL,
	LFCE_OP_EXPIRE,
	LFCE_OP_ROLL,
	LFCE_OP_BAN,
	LFCE_OP_TRANSFER,
	LFCE_OP_SETTLE,
	LFCE_OP_PROPOSE,
	LFCE_OP_VOTE,
	LFCE_OP_LAPSE,
	LFCE_OP_CONFIG,
	LFCE_OP_SHUTDOWN,
	LFCE_OP_NR
};

#define LFCE_VOTE_FOR		1
#define LFCE_VOTE_AGAINST	2

struct lfce_op {
	__u16 type;			/* enum lfce_op_type */
	__u16 flags;			/* must be 0 */
	__u32 seat;			/* acting or target seat, LFCE_SEAT_BANK */
	__u64 nonce;
	__u64 expected_version;		/* 0: unconditional */
	union {
		struct {
			__u32 kind;	/* enum lfce_bet */
			__u32 reserved;
			__u64 amount;
		} bet;
		struct {
			__u64 value;
			__u32 to;	/* TRANSFER: receiving seat */
			__u32 reserved;
		} amount;
		struct {
			__u8 id[32];
			__u32 uid;	/* set by the kernel */
			__u32 reserved;
		} join;
		struct {
			__u8 digest[32];
		} commit;
		struct {
			__u8 secret[32];
		} reveal;
		struct {
			__u16 action;	/* TRANSFER, BAN, ROLL or CONFIG */
			__u16 reserved;
			__u32 seat;	/* TRANSFER: from; BAN: whom */
			__u32 to;	/* TRANSFER: to */
			__u32 param;	/* CONFIG: enum lfce_param */
			__u64 value;	/* TRANSFER: amount; CONFIG: value */
			__u64 id;	/* set by the kernel: the id given */
		} propose;
		struct {
			__u64 id;	/* the proposal */
			__u32 choice;	/* LFCE_VOTE_FOR or _AGAINST; LAPSE: 0 */
			__u32 reserved;
		} vote;
		__u64 raw[5];
	} u;
};

/*
 * Journal records
 * ---------------
 * One per committed operation, in version order; a batch of N operations is
 * one version and N records. digest chains every record:
 *
 *	digest = xxh64(record with seq = 0 and digest = 0, seed = previous digest)
 *
 * and the snapshot's table.digest is the digest of its last record.
 * Replaying op with time_ns through the rules from the previous snapshot
 * gives the next one bit for bit (with the kernel's seed and commitment, and
 * the wall-clock stamp, from the record).
 *
 * Time: time_ns, in records and in the table, is CLOCK_BOOTTIME in ns, the
 * clock every deadline is set and decided on: it never steps, and it goes
 * on in suspend, so setting the wall clock cannot move a deadline. A game's
 * time never runs backwards: a commit stamped before the previous one counts
 * as at its time. realtime_ns is CLOCK_REALTIME at the commit, for people
 * reading the journal; no rule looks at it.
 */
enum lfce_record_kind {
	LFCE_REC_OP,			/* an operation */
	LFCE_REC_GAP,			/* read(2): records were lost, see there */
};

struct lfce_record {
	__u32 seq;			/* ring tag, see "The mapping" */
	__u32 reserved0;
	__u64 version;			/* snapshot version after this commit */
	__u64 time_ns;
	__u64 number;			/* 0-based record number */
	struct lfce_op op;		/* as applied, kernel-set fields included */
	__s64 seat_delta;		/* change of op.seat's balance */
	__s64 bank_delta;		/* change of the bank */
	__u64 digest;
	__u16 kind;			/* enum lfce_record_kind */
	__u8 dice[2];			/* the roll this record made, or 0 */
	__u32 outcome;			/* proposal records: its state after */
	__u8 seed[32];			/* a roll: the kernel's seed it revealed */
	__u8 commitment[32];		/* the next roll's, if published here */
	__u64 realtime_ns;		/* wall clock at the commit, see "Time" */
};

/*
 * The mapping
 * -----------
 * A game's region starts with struct lfce_region. All offsets and sizes are
 * in it, so readers never assume module parameters.
 *
 *   [0, 4096)           struct lfce_region; the publisher's words (gen,
 *                       pub_ver, journal_head) sit on their own cache line,
 *                       the counters (struct lfce_counters) on the next ones
 *   slots_offset        K = slots entries of slot_stride bytes, each a
 *                       struct lfce_slot
 *   journal_offset      J = journal_records entries of record_size bytes,
 *                       each a struct lfce_record
 *
 * Snapshot read protocol (liblfce implements it; do not re-implement):
 *   1. g = load-acquire(gen); slot = g % K
 *   2. s = load-acquire(slot.seq); require s == 2 * g + 2
 *   3. copy the slot's snapshot with relaxed 8-byte loads into private memory
 *   4. acquire fence; require slot.seq == s again
 * On a mismatch, retry. The copy is consistent and its version is at least
 * the one any write ioctl returned before step 1.
 *
 * Journal: record n lives in entry n % J; its seq is 2 * n + 2 once it is
 * complete and odd while it is written. Records below journal_head are
 * complete; read them with the same copy-and-recheck as slots. Committers
 * write records at most J/2 past journal_head (the rest of an entry's
 * lifetime is for readers), so at any time the records
 * [journal_head - J/2, journal_head) are intact, older ones may be, and those
 * overwritten are a prefix of [journal_head - J, journal_head). A record
 * whose seq does not match was overwritten: its reader fell behind. It
 * resumes at the oldest record still intact, the first n after its cursor
 * whose seq matches (a binary search over that prefix), or at journal_head
 * if none, and reports the records skipped as lost; it never goes back.
 * read(2) and liblfce's lfce_journal_next() follow this rule.
 */
#define LFCE_REGION_MAGIC	0x4543464cU	/* "LFCE" little-endian */

/*
 * The game's counters, live in the header: the kernel adds to them with
 * relaxed atomics, a writer's commits and collisions by the time its ioctl
 * returns; read them with relaxed 8-byte loads. They are statistics, not
 * consensus state: not covered by the seq protocol.
 */
struct lfce_counters {
	__u64 retries[8];		/* commits by retries: 0, 1, 2-3, ... 64+ */
	__u64 cas_failures;
	__u64 refused;			/* operations the rules refused */
	__u64 exhausted;		/* retry budget ran out: EAGAIN */
	__u64 backpressure;		/* waits or EAGAIN at the memory cap */
	__u64 latency_ns_log2[32];	/* sampled commit latency, log2 buckets */
	__u64 proposals[LFCE_PROP_NR];	/* by outcome; [PENDING]: opened */
};

struct lfce_region {
	__u32 magic;
	__u32 abi_version;
	__u64 region_size;
	__u64 game_id;
	__u64 slots_offset;
	__u64 journal_offset;
	__u32 slots;			/* K, a power of two */
	__u32 slot_stride;
	__u32 journal_records;		/* J, a power of two */
	__u32 record_size;
	__u64 reserved0;
	/* Written by the publisher only; own cache line. */
	__u32 gen;			/* publication number of the newest slot */
	__u32 reserved1;
	__u64 pub_ver;			/* version in that slot */
	__u64 journal_head;		/* records [0, journal_head) are complete */
	__u64 reserved2[5];
	/* Written by committers; own cache lines. */
	struct lfce_counters counters;
};

struct lfce_slot {
	__u32 seq;			/* 2 * gen + 2 when complete, odd while written */
	__u32 reserved;
	struct lfce_snapshot snap;
};

/*
 * Games and handles
 * -----------------
 * Each open file description of /dev/lfce is a handle. A handle attaches to
 * one game (LFCE_IOC_CREATE or LFCE_IOC_ATTACH) and may then hold one seat
 * (LFCE_IOC_JOIN). Player operations act as the handle's seat only; owner
 * operations need the game creator's uid or CAP_SYS_ADMIN. A handle opened
 * O_RDONLY may attach, map, get and list, but never write (EBADF).
 *
 * A seat is bound to the uid that joined it (as the initial user namespace
 * sees it: a uid inside a user namespace does not count), in the game state,
 * and is held by one handle at a time (EBUSY for a second). The uid is
 * checked on every call, for players as for the owner: a player operation
 * is refused (EPERM) unless the caller's effective uid is the one its seat
 * is bound to, so a handle inherited across fork() and setuid(), or passed
 * to another process, does not act for the seat under another uid. The
 * handle lets go of the seat, without committing anything, when the open
 * file description goes: when every fd to it, in every process (dup, fork,
 * SCM_RIGHTS), is closed and every mapping made through it is unmapped.
 * The same uid may then join it again.
 *
 * Errors beyond the common ones:
 *   EBADF     a write on an O_RDONLY handle
 *   ENOTCONN  no game attached, or a player operation without a seat
 *   ENOENT    no such game
 *   ENODEV    the game was closed under this handle
 *   EPERM     not the owner, not the handle's seat, the seat is another uid's
 *   EISCONN   the handle is already attached, or already holds a seat
 *   EBUSY     the seat is held by another handle; closing a game with tokens
 *             in it without LFCE_CLOSE_FORCE
 *   EMFILE    the module's games limit is reached, or every game id has
 *             been used once (ids are never reused while it is loaded)
 *   EDQUOT    the caller's uid owns its quota of games (module parameter
 *             max_games_per_uid; CAP_SYS_ADMIN is exempt)
 *   EUSERS    JOIN with LFCE_SEAT_ANY: no seat is free
 *   EMSGSIZE  more operations than the module's batch limit
 *   ENOMEM    out of memory, or the snapshot memory of all games
 *             (module parameter nodes_cap), or of all the games of this
 *             game's owner (nodes_per_uid; none for CAP_SYS_ADMIN's), is
 *             taken and none of it will come back to this game: waiting
 *             would not help
 *   EINTR     a fatal signal ended a wait (for memory, or for another call
 *             on the same handle); nothing changed
 * and the errors of the operations themselves (see "Operations").
 *
 * A game counts against both games limits from LFCE_IOC_CREATE until its
 * last handle and its last mapping are gone, closed or not, and its memory
 * is freed (a CREATE at a limit waits for games being freed). A closed game
 * keeps only its region and its last snapshot for those.
 *
 * Writes that need snapshot memory wait for it, killably, only while this
 * game's own memory is on its way back (after a grace period, or from a
 * concurrent writer); a nonblocking (O_NONBLOCK) handle never waits and
 * gets EAGAIN instead. Closing a game never needs new memory.
 *
 * LFCE_IOC_CREATE: create a game with @config (lfce_rules' checks: EINVAL)
 * owned by the caller, and attach the handle to it. Out: game_id, which no
 * other game gets while the module is loaded. EDQUOT or EMFILE at the
 * limits. struct lfce_config grew in VER1 (governable), which moved
 * game_id: a VER0 caller (size LFCE_CREATE_SIZE_VER0) has game_id at
 * offset 64, where the kernel reads it (it must be 0) and writes it back;
 * its config has the VER1 fields zero. Sizes between VER0 and VER1 are
 * refused (EINVAL).
 *
 * LFCE_IOC_ATTACH: attach the handle to @game_id as an observer.
 *
 * LFCE_IOC_JOIN: take @seat (below LFCE_MAX_SEATS, else EINVAL; or
 * LFCE_SEAT_ANY: the caller's own seat if it has one, else the first free
 * one) as the caller's uid, with player @id and @nonce. Out: seat, version.
 * @nonce follows the rule of player operations: above the seat's last
 * (EALREADY otherwise). A seat keeps its last nonce when its player leaves
 * or its handle closes, so that an operation retried from before cannot
 * apply again after a re-join; a nonce above every seat's is fresh for
 * whichever seat the JOIN takes (liblfce's lfce_join_nonce()).
 * A nonblocking handle gets EAGAIN instead of waiting for memory, as with
 * LFCE_IOC_SUBMIT.
 *
 * LFCE_IOC_SUBMIT: commit @count operations from @ops (a user pointer to
 * struct lfce_op[count]) as one version, all or nothing. count > 1 is a
 * batch. Out: version, which the mapping already shows. LFCE_OP_JOIN is
 * refused here (EINVAL): use LFCE_IOC_JOIN. The kernel sets the fields
 * marked "set by the kernel" (join uid, proposal id). A nonblocking handle
 * gets EAGAIN instead of waiting for memory; nothing changed then.
 *
 * LFCE_IOC_GET: copy the newest snapshot into @snap (a user pointer to
 * @snap_size bytes, at least sizeof(struct lfce_snapshot)); out: version.
 * This is the wait-free in-kernel read, the fallback of the mmap protocol.
 * On a closed game it returns the game's last snapshot.
 *
 * LFCE_IOC_STATS: the game's counters.
 *
 * LFCE_IOC_LIST: write up to @count game ids, from @start up, to @ids (a
 * user pointer to __u64[count]). Out: count written, and total: every game
 * listed, including those below @start.
 *
 * LFCE_IOC_CLOSE: the owner closes @game_id. Refused with EBUSY while any
 * balance, bet or bank remains, unless LFCE_CLOSE_FORCE: then every seat is
 * settled (bets back, balance out) and the bank emptied in one last commit,
 * which journals every balance. That commit ends with LFCE_OP_SHUTDOWN, so
 * no operation can commit between the check and the close; its record is
 * the journal's last. Handles still attached get ENODEV for writes; GET,
 * STATS, read(2), poll(2) and mmap still work on the closed game.
 *
 * read(2): journal records, from the handle's cursor (record 0 at attach),
 * whole struct lfce_record at a time (EINVAL for a smaller buffer). It
 * blocks until a record is published, or returns EAGAIN on a nonblocking
 * handle, and 0 (end of file) once the game is closed and read to its end.
 * A reader whose next record was overwritten (see "The mapping") gets one
 * record of kind LFCE_REC_GAP, whose number is the first record lost and
 * whose op.nonce is how many were lost (at least 1), then carries on with
 * the oldest record still intact. The cursor moves past a record only once
 * it is copied out: EFAULT loses nothing. The handle is a stream: lseek(2)
 * and pread(2) get ESPIPE. poll(2) reports EPOLLIN while a record is
 * unread, and EPOLLHUP once the game is closed.
 *
 * mmap: map [0, region_size) of the attached game read-only (see "The
 * mapping"). PROT_WRITE and PROT_EXEC are refused with EPERM, and
 * mprotect() cannot add them. A mapping stays valid after the handle and
 * the game are closed; it holds the handle (and so its seat) until
 * unmapped, and keeps the game counted against the limits.
 */
#define LFCE_SEAT_ANY		0xfffffffeU

struct lfce_create {
	__u32 size;
	__u32 flags;			/* must be 0 */
	struct lfce_config config;
	__u64 game_id;			/* out */
};
#define LFCE_CREATE_SIZE_VER0	72	/* game_id at offset 64, see above */
#define LFCE_CREATE_SIZE_VER1	80

struct lfce_attach {
	__u32 size;
	__u32 flags;			/* must be 0 */
	__u64 game_id;
};
#define LFCE_ATTACH_SIZE_VER0	16

struct lfce_join {
	__u32 size;
	__u32 seat;			/* in: seat or LFCE_SEAT_ANY; out: seat */
	__u64 nonce;
	__u8 id[32];
	__u64 version;			/* out */
};
#define LFCE_JOIN_SIZE_VER0	56

struct lfce_submit {
	__u32 size;
	__u32 count;			/* 1..batch limit */
	__u64 ops;			/* user pointer to struct lfce_op[count] */
	__u64 version;			/* out */
};
#define LFCE_SUBMIT_SIZE_VER0	24

struct lfce_get {
	__u32 size;
	__u32 snap_size;		/* bytes at snap */
	__u64 snap;			/* user pointer to struct lfce_snapshot */
	__u64 version;			/* out */
};
#define LFCE_GET_SIZE_VER0	24

struct lfce_stats {
	__u32 size;
	__u32 reserved;
	__u64 commits;
	__u64 cas_failures;
	__u64 refused;			/* operations the rules refused */
	__u64 exhausted;		/* retry budget ran out: EAGAIN */
	__u64 backpressure;		/* waits or EAGAIN at the memory cap */
	__u64 retries[8];		/* commits by retries: 0, 1, 2-3, ... 64+ */
	__u64 latency_ns_log2[32];	/* sampled commit latency, log2 buckets */
	/* Since VER1. */
	__u64 proposals[LFCE_PROP_NR];	/* by outcome; [PENDING]: opened */
};
#define LFCE_STATS_SIZE_VER0	368
#define LFCE_STATS_SIZE_VER1	416

struct lfce_list {
	__u32 size;
	__u32 count;			/* in: room at ids; out: ids written */
	__u64 ids;			/* user pointer to __u64[count] */
	__u64 start;			/* lowest id to list */
	__u64 total;			/* out: games */
};
#define LFCE_LIST_SIZE_VER0	32

#define LFCE_CLOSE_FORCE	(1U << 0)
#define __LFCE_CLOSE_ALL	(LFCE_CLOSE_FORCE)

struct lfce_close {
	__u32 size;
	__u32 flags;			/* LFCE_CLOSE_* */
	__u64 game_id;
};
#define LFCE_CLOSE_SIZE_VER0	16

#define LFCE_IOC_CREATE		_IOWR(LFCE_IOC_MAGIC, 0x01, struct lfce_create)
#define LFCE_IOC_ATTACH		_IOW(LFCE_IOC_MAGIC, 0x02, struct lfce_attach)
#define LFCE_IOC_JOIN		_IOWR(LFCE_IOC_MAGIC, 0x03, struct lfce_join)
#define LFCE_IOC_SUBMIT		_IOWR(LFCE_IOC_MAGIC, 0x04, struct lfce_submit)
#define LFCE_IOC_GET		_IOWR(LFCE_IOC_MAGIC, 0x05, struct lfce_get)
#define LFCE_IOC_STATS		_IOWR(LFCE_IOC_MAGIC, 0x06, struct lfce_stats)
#define LFCE_IOC_LIST		_IOWR(LFCE_IOC_MAGIC, 0x07, struct lfce_list)
#define LFCE_IOC_CLOSE		_IOW(LFCE_IOC_MAGIC, 0x08, struct lfce_close)

#endif /* _UAPI_LINUX_LFCE_H */
