// SPDX-License-Identifier: GPL-2.0-only
/*
 * play: the objects seat, bet, round and proposal: one operation each,
 * submitted as a player (handle.c joins the seat again first), as the
 * owner, or as anyone attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "lfcectl.h"

#define ARGS_MAX	5

/* A command's words after its options, and its --seat. */
struct words {
	const char *what;		/* "bet place", for the messages */
	int seat;			/* --seat, or -1 */
	int n;
	char *w[ARGS_MAX];
	const char *file;		/* --secret-file */
	const char *id;			/* --id */
};

/* Options anywhere (argv is permuted); then between @min and @max words. */
static int parse_words(int argc, char **argv, struct words *a, int min, int max)
{
	static const struct option opts[] = {
		{ "seat", required_argument, NULL, 's' },
		{ "secret-file", required_argument, NULL, 'f' },
		{ "id", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t seat;
	int c;

	a->seat = -1;
	optind = 0;
	while ((c = getopt_long(argc, argv, "s:f:i:", opts, NULL)) != -1) {
		if (c == 's' && !ctl_parse_seat(optarg, &seat, false))
			a->seat = seat;
		else if (c == 'f')
			a->file = optarg;
		else if (c == 'i')
			a->id = optarg;
		else
			return ctl_usage("%s: bad option or value", a->what);
	}
	a->n = argc - optind;
	if (a->n < min)
		return ctl_usage("%s: too few arguments", a->what);
	if (a->n > max || a->n > ARGS_MAX)
		return ctl_usage("%s: unexpected '%s'", a->what, argv[optind + max]);
	memcpy(a->w, argv + optind, a->n * sizeof(char *));
	return 0;
}

/* Words, then the game (first word) attached for writing. */
static int open_words_mode(int argc, char **argv, struct words *a, int min, int max,
			   struct ctl_game *g, bool writable)
{
	__u64 id;
	int ret = parse_words(argc, argv, a, min, max);

	if (ret)
		return ret;
	if (ctl_parse_game(a->w[0], &id))
		return ctl_usage("%s: '%s' is not a game id", a->what, a->w[0]);
	return ctl_open_game(g, id, writable);
}

static int open_words(int argc, char **argv, struct words *a, int min, int max,
		      struct ctl_game *g)
{
	return open_words_mode(argc, argv, a, min, max, g, true);
}

static int parse_amount(const struct words *a, const char *s, __u64 *v)
{
	if (ctl_parse_u64(s, v) || !*v || *v > LFCE_AMOUNT_MAX)
		return ctl_usage("%s: '%s' is not an amount (1..%llu)", a->what, s,
				 (unsigned long long)LFCE_AMOUNT_MAX);
	return 0;
}

/* What a submission returned, in words; close @g. */
static int report(struct ctl_game *g, struct lfce_op *op, const char *done, int ret,
		  __u64 version)
{
	if (ret)
		ret = ctl_refused_op(g, op, ret);
	else
		ctl_print_commit(g, done, version);
	ctl_close_game(g);
	return ret;
}

/* Submit @op as the player of the caller's seat; report; close @g. */
static int player_op(struct ctl_game *g, const struct words *a, struct lfce_op *op,
		     const char *done)
{
	__u64 version = 0;
	uint32_t seat;
	int ret;

	ret = ctl_my_seat(g, a->seat, &seat);
	if (ret) {
		ctl_close_game(g);
		return ret;
	}
	ret = ctl_submit_player(g, seat, op, &version);
	return report(g, op, done, ret, version);
}

static int owner_op(struct ctl_game *g, struct lfce_op *op, const char *done)
{
	__u64 version = 0;
	int ret = ctl_submit_owner(g, op, &version);

	return report(g, op, done, ret, version);
}

static int anyone_op(struct ctl_game *g, struct lfce_op *op, const char *done)
{
	__u64 version = 0;
	int ret = ctl_submit_anyone(g, op, &version);

	return report(g, op, done, ret, version);
}

/* ---- seat ------------------------------------------------------------- */

static void print_joined(const struct ctl_game *g, uint32_t seat, const uint8_t id[32],
			 __u64 version)
{
	if (!ctl.json) {
		printf("game %llu: joined seat %u, version %llu\n", g->id, seat, version);
		return;
	}
	json_begin_obj(NULL);
	json_hex64("game", g->id);
	json_str("done", "joined");
	json_u64("seat", seat);
	json_hexbytes("id", id, 32);
	json_u64("version", version);
	json_end_obj();
	json_done();
}

/* LFCE_SEAT_ANY takes the caller's own seat, else the first free one. */
static int seat_join(int argc, char **argv)
{
	struct words a = { .what = "seat join" };
	struct ctl_game g;
	uint8_t id[32] = { 0 };
	uint64_t version;
	uint32_t seat, got;
	int ret;

	ret = open_words(argc, argv, &a, 1, 1, &g);
	if (ret)
		return ret;
	seat = a.seat < 0 ? LFCE_SEAT_ANY : (uint32_t)a.seat;
	if (a.id && strlen(a.id) > sizeof(id)) {
		ctl_close_game(&g);
		return ctl_usage("seat join: the id '%s' is longer than 32 bytes", a.id);
	}
	if (a.id)
		memcpy(id, a.id, strlen(a.id));
	else if (!ctl_my_seat_quiet(&g, a.seat, &got))
		memcpy(id, g.snap.seat[got].id, sizeof(id));
	else
		snprintf((char *)id, sizeof(id), "uid%u", geteuid());
	ret = lfce_join_retry(g.fd, seat, lfce_join_nonce(&g.snap), id, &got, &version, 0);
	if (ret == -EUSERS)
		ret = ctl_refused(ret, "game %llu: all %u seats are taken", g.id,
				  g.snap.table.config.max_seats);
	else if (ret == -EPERM)
		ret = ctl_refused(ret, "game %llu: seat %d is bound to another uid, "
				  "banned, or uid %u holds another seat", g.id, a.seat, geteuid());
	else if (ret == -EBUSY)
		ret = ctl_refused(ret, "game %llu: the seat is held by another handle "
				  "(a running agent?)", g.id);
	else if (ret)
		ret = ctl_refused(ret, "game %llu: cannot join: %s", g.id,
				  lfce_strerror(ret));
	else
		print_joined(&g, got, id, version);
	ctl_close_game(&g);
	return ret;
}

static int seat_leave(int argc, char **argv)
{
	struct words a = { .what = "seat leave" };
	struct lfce_op op = { .type = LFCE_OP_LEAVE };
	struct ctl_game g;
	int ret = open_words(argc, argv, &a, 1, 1, &g);

	return ret ? ret : player_op(&g, &a, &op, "left");
}

/* deposit, withdraw: GAME SEAT|bank AMOUNT; settle: GAME SEAT|bank. */
static int seat_owner(int argc, char **argv, uint16_t type, const char *what,
		      const char *done)
{
	struct words a = { .what = what };
	struct lfce_op op = { .type = type };
	bool amount = type != LFCE_OP_SETTLE;
	struct ctl_game g;
	int ret;

	ret = parse_words(argc, argv, &a, 2 + amount, 2 + amount);
	if (ret)
		return ret;
	if (ctl_parse_seat(a.w[1], &op.seat, true))
		return ctl_usage("%s: '%s' is not a seat (0..%d or bank)", what, a.w[1],
				 LFCE_MAX_SEATS - 1);
	if (amount && parse_amount(&a, a.w[2], &op.u.amount.value))
		return EXIT_USAGE;
	ret = open_words(argc, argv, &a, 2 + amount, 2 + amount, &g);
	return ret ? ret : owner_op(&g, &op, done);
}

static int seat_deposit(int argc, char **argv)
{
	return seat_owner(argc, argv, LFCE_OP_DEPOSIT, "seat deposit", "deposited");
}

static int seat_withdraw(int argc, char **argv)
{
	return seat_owner(argc, argv, LFCE_OP_WITHDRAW, "seat withdraw", "withdrew");
}

static int seat_settle(int argc, char **argv)
{
	return seat_owner(argc, argv, LFCE_OP_SETTLE, "seat settle", "settled");
}

const struct ctl_cmd ctl_seat_cmds[] = {
	{ "join", seat_join, "GAME [--seat N] [--id NAME]",
	  "take a seat as your uid (yours again if you have one, else the first free)" },
	{ "leave", seat_leave, "GAME [--seat N]",
	  "settle your seat and free it (betting stage; contract bets must be resolved)" },
	{ "deposit", seat_deposit, "GAME SEAT|bank AMOUNT", "owner: add tokens to a seat or the bank" },
	{ "withdraw", seat_withdraw, "GAME SEAT|bank AMOUNT", "owner: take tokens out" },
	{ "settle", seat_settle, "GAME SEAT|bank",
	  "owner: the seat's bets come back and its balance leaves (or the whole bank)" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- bet -------------------------------------------------------------- */

static int bet_op(int argc, char **argv, uint16_t type, const char *what, const char *done)
{
	struct words a = { .what = what };
	struct lfce_op op = { .type = type };
	struct ctl_game g;
	char msg[64];
	int kind, ret;

	ret = parse_words(argc, argv, &a, 3, 3);
	if (ret)
		return ret;
	kind = lfce_bet_kind(a.w[1]);
	if (kind < 0)
		return ctl_usage("%s: no bet '%s' (lfcectl bet kinds lists them)", what, a.w[1]);
	if (parse_amount(&a, a.w[2], &op.u.bet.amount))
		return EXIT_USAGE;
	op.u.bet.kind = kind;
	ret = open_words(argc, argv, &a, 3, 3, &g);
	if (ret)
		return ret;
	snprintf(msg, sizeof(msg), "%s %s %llu", done, lfce_bet_name(kind), op.u.bet.amount);
	return player_op(&g, &a, &op, msg);
}

static int bet_place(int argc, char **argv)
{
	return bet_op(argc, argv, LFCE_OP_BET, "bet place", "placed");
}

static int bet_remove(int argc, char **argv)
{
	return bet_op(argc, argv, LFCE_OP_UNBET, "bet remove", "took back");
}

static int bet_kinds(int argc, char **argv)
{
	unsigned int k;

	if (argc > 1)
		return ctl_usage("bet kinds: unexpected '%s'", argv[1]);
	if (ctl.json)
		json_begin_arr(NULL);
	for (k = 0; k < LFCE_BET_NR; k++) {
		if (ctl.json)
			json_str(NULL, lfce_bet_name(k));
		else
			printf("%s\n", lfce_bet_name(k));
	}
	if (ctl.json) {
		json_end_arr();
		json_done();
	}
	return EXIT_OK;
}

const struct ctl_cmd ctl_bet_cmds[] = {
	{ "place", bet_place, "GAME KIND AMOUNT [--seat N]",
	  "put AMOUNT on KIND (pass, dontpass, passodds, come, field, place6, hard8, ...)" },
	{ "remove", bet_remove, "GAME KIND AMOUNT [--seat N]",
	  "take AMOUNT back from a removable bet (betting stage)" },
	{ "kinds", bet_kinds, "", "the bet names, in the order of enum lfce_bet" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- round ------------------------------------------------------------ */

static int round_simple(int argc, char **argv, uint16_t type, const char *what,
			const char *done)
{
	struct words a = { .what = what };
	struct lfce_op op = { .type = type };
	struct ctl_game g;
	int ret = open_words(argc, argv, &a, 1, 1, &g);

	if (ret)
		return ret;
	if (type == LFCE_OP_CLOSE)
		return player_op(&g, &a, &op, done);
	if (type == LFCE_OP_ROLL)
		return owner_op(&g, &op, done);
	return anyone_op(&g, &op, done);
}

static int round_close(int argc, char **argv)
{
	return round_simple(argc, argv, LFCE_OP_CLOSE, "round close", "betting closed");
}

static int round_expire(int argc, char **argv)
{
	return round_simple(argc, argv, LFCE_OP_EXPIRE, "round expire", "round expired");
}

static int round_roll(int argc, char **argv)
{
	return round_simple(argc, argv, LFCE_OP_ROLL, "round roll", "rolled");
}

/* The secret file: the game, seat and round it is for, and the secret. */
struct secret {
	__u64 game, round;
	uint32_t seat;
	uint8_t secret[32];
};

static void default_secret_path(char *buf, size_t size, const struct secret *s)
{
	snprintf(buf, size, "lfce-game%llu-seat%u-round%llu.secret", s->game,
		 s->seat, s->round);
}

static void put_le64(uint8_t *p, __u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* uapi, "The commit-reveal round": SHA-256(secret || round as __le64). */
static void commitment(const struct secret *s, uint8_t out[32])
{
	uint8_t buf[40];

	memcpy(buf, s->secret, 32);
	put_le64(buf + 32, s->round);
	SHA256(buf, sizeof(buf), out);
}

static int read_secret(const char *path, struct secret *s)
{
	char hex[65];
	FILE *f = fopen(path, "r");
	int n, i;
	unsigned int byte;

	if (!f)
		return -errno;
	n = fscanf(f, "lfce-secret 1\ngame %llu\nseat %u\nround %llu\nsecret %64s",
		   &s->game, &s->seat, &s->round, hex);
	fclose(f);
	if (n != 4 || strlen(hex) != 64)
		return -EINVAL;
	for (i = 0; i < 32; i++) {
		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -EINVAL;
		s->secret[i] = byte;
	}
	return 0;
}

/* A new secret, in a new file, mode 0600, written in full before the commit. */
static int write_secret(const char *path, struct secret *s)
{
	FILE *f;
	int fd, i, ret = 0;

	if (getrandom(s->secret, sizeof(s->secret), 0) != sizeof(s->secret))
		return -EIO;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	fprintf(f, "lfce-secret 1\ngame %llu\nseat %u\nround %llu\nsecret ",
		s->game, s->seat, s->round);
	for (i = 0; i < 32; i++)
		fprintf(f, "%02x", s->secret[i]);
	fputc('\n', f);
	if (fflush(f) || fsync(fd))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/*
 * The secret for this round: the file's if it exists and is this round's (a
 * commit tried before: the same commitment again), else a new one.
 */
static int get_secret(const char *path, struct secret *want, bool create)
{
	struct secret have;
	int ret = read_secret(path, &have);

	if (!ret && (have.game != want->game || have.seat != want->seat ||
		     have.round != want->round))
		return ctl_fail(EXIT_TROUBLE, "%s holds the secret of game %llu seat %u"
				" round %llu, not of game %llu seat %u round %llu",
				path, have.game, have.seat, have.round, want->game, want->seat,
				want->round);
	if (!ret) {
		memcpy(want->secret, have.secret, sizeof(have.secret));
		return 0;
	}
	if (ret != -ENOENT || !create)
		return ctl_fail(EXIT_TROUBLE, "cannot read the secret file %s: %s", path,
				ret == -EINVAL ? "not an lfcectl secret file" : strerror(-ret));
	ret = write_secret(path, want);
	if (ret)
		return ctl_fail(EXIT_TROUBLE, "cannot write the secret file %s: %s", path,
				strerror(-ret));
	return 0;
}

static int round_secret(int argc, char **argv, bool reveal)
{
	struct words a = { .what = reveal ? "round reveal" : "round commit" };
	struct lfce_op op = { .type = reveal ? LFCE_OP_REVEAL : LFCE_OP_COMMIT };
	struct secret s = { 0 };
	char path[256], msg[320];
	struct ctl_game g;
	uint8_t digest[32];
	uint32_t seat;
	int ret;

	ret = open_words(argc, argv, &a, 1, 1, &g);
	if (ret)
		return ret;
	ret = ctl_my_seat(&g, a.seat, &seat);
	if (ret) {
		ctl_close_game(&g);
		return ret;
	}
	s.game = g.id;
	s.seat = seat;
	s.round = g.snap.round.number;
	default_secret_path(path, sizeof(path), &s);
	if (a.file)
		snprintf(path, sizeof(path), "%s", a.file);
	ret = get_secret(path, &s, !reveal);
	if (ret) {
		ctl_close_game(&g);
		return ret;
	}
	commitment(&s, digest);
	if (reveal && memcmp(digest, g.snap.round.commitment[seat], 32)) {
		ctl_close_game(&g);
		return ctl_fail(EXIT_TROUBLE, "the secret in %s does not match seat %u's "
				"commitment for round %llu", path, seat, s.round);
	}
	if (reveal)
		memcpy(op.u.reveal.secret, s.secret, 32);
	else
		memcpy(op.u.commit.digest, digest, 32);
	snprintf(msg, sizeof(msg), "%s round %llu (secret in %s)",
		 reveal ? "revealed" : "committed", s.round, path);
	return player_op(&g, &a, &op, msg);
}

static int round_commit(int argc, char **argv)
{
	return round_secret(argc, argv, false);
}

static int round_reveal(int argc, char **argv)
{
	return round_secret(argc, argv, true);
}

const struct ctl_cmd ctl_round_cmds[] = {
	{ "close", round_close, "GAME [--seat N]", "the shooter closes betting: the round begins" },
	{ "commit", round_commit, "GAME [--seat N] [--secret-file FILE]",
	  "commit to a new random secret, kept in FILE (mode 0600; default\n"
	  "      ./lfce-gameG-seatS-roundR.secret)" },
	{ "reveal", round_reveal, "GAME [--seat N] [--secret-file FILE]",
	  "reveal the secret committed to; the last reveal rolls" },
	{ "expire", round_expire, "GAME", "past the deadline: who did not commit or reveal forfeits" },
	{ "roll", round_roll, "GAME", "owner, host-dice games: roll" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- proposal --------------------------------------------------------- */

/* The id the kernel gave: in the PROPOSE record of @version by @seat. */
static __u64 proposal_id(const struct ctl_game *g, __u64 version, uint32_t seat)
{
	uint64_t head, pub, n;
	struct lfce_record r = { 0 };

	lfce_header_read(g->base, &pub, &head);
	for (n = head; n-- > 0 && head - n <= 2 * LFCE_MAX_PROPOSALS + 64;) {
		if (lfce_journal_record(g->base, n, &r))
			break;
		if (r.version == version && r.op.type == LFCE_OP_PROPOSE && r.op.seat == seat)
			return r.op.u.propose.id;
		if (r.version < version)
			break;
	}
	return 0;
}

static void print_proposed(const struct ctl_game *g, __u64 id, __u64 version)
{
	if (!ctl.json) {
		printf("game %llu: proposal %llu opened, version %llu\n", g->id, id, version);
		return;
	}
	json_begin_obj(NULL);
	json_hex64("game", g->id);
	json_str("done", "proposed");
	json_hex64("proposal", id);
	json_u64("version", version);
	json_end_obj();
	json_done();
}

static int propose_parse(struct words *a, struct lfce_op *op)
{
	const char *act = a->w[1];
	int p, need;

	op->type = LFCE_OP_PROPOSE;
	if (!strcmp(act, "transfer")) {
		op->u.propose.action = LFCE_OP_TRANSFER;
		need = 5;
	} else if (!strcmp(act, "ban")) {
		op->u.propose.action = LFCE_OP_BAN;
		need = 3;
	} else if (!strcmp(act, "roll")) {
		op->u.propose.action = LFCE_OP_ROLL;
		need = 2;
	} else if (!strcmp(act, "config")) {
		op->u.propose.action = LFCE_OP_CONFIG;
		need = 4;
	} else {
		return ctl_usage("proposal propose: no action '%s' (transfer, ban, roll, config)",
				 act);
	}
	if (a->n != need)
		return ctl_usage("proposal propose %s: %d arguments after the game, not %d",
				 act, need - 1, a->n - 1);
	if (op->u.propose.action == LFCE_OP_TRANSFER &&
	    (ctl_parse_seat(a->w[2], &op->u.propose.seat, false) ||
	     ctl_parse_seat(a->w[3], &op->u.propose.to, false) ||
	     parse_amount(a, a->w[4], &op->u.propose.value)))
		return ctl_usage("proposal propose transfer: FROM TO AMOUNT");
	if (op->u.propose.action == LFCE_OP_BAN && ctl_parse_seat(a->w[2], &op->u.propose.seat, false))
		return ctl_usage("proposal propose ban: '%s' is not a seat", a->w[2]);
	if (op->u.propose.action != LFCE_OP_CONFIG)
		return 0;
	p = lfce_param(a->w[2]);
	if (p < 0)
		return ctl_usage("proposal propose config: no parameter '%s' (min-bet, max-bet, "
				 "odds-max, field12-pays, dice-mode, reveal-timeout, "
				 "proposal-timeout)", a->w[2]);
	op->u.propose.param = p;
	if (p == LFCE_PARAM_DICE_MODE && lfce_dice_mode(a->w[3]) >= 0)
		op->u.propose.value = lfce_dice_mode(a->w[3]);
	else if ((p == LFCE_PARAM_REVEAL_TIMEOUT || p == LFCE_PARAM_PROPOSAL_TIMEOUT) ?
		 ctl_parse_duration(a->w[3], &op->u.propose.value) :
		 ctl_parse_u64(a->w[3], &op->u.propose.value))
		return ctl_usage("proposal propose config: bad value '%s'", a->w[3]);
	return 0;
}

static int proposal_propose(int argc, char **argv)
{
	struct words a = { .what = "proposal propose" };
	struct lfce_op op = { 0 };
	struct ctl_game g;
	__u64 version;
	uint32_t seat;
	int ret;

	ret = parse_words(argc, argv, &a, 2, 5);
	if (!ret)
		ret = propose_parse(&a, &op);
	if (!ret)
		ret = open_words(argc, argv, &a, 2, 5, &g);
	if (ret)
		return ret;
	ret = ctl_my_seat(&g, a.seat, &seat);
	if (!ret)
		ret = ctl_submit_player(&g, seat, &op, &version);
	if (ret > 0) {
		ctl_close_game(&g);
		return ret;	/* ctl_my_seat() said why */
	}
	if (ret)
		ret = ctl_refused_op(&g, &op, ret);
	else
		print_proposed(&g, proposal_id(&g, version, seat), version);
	ctl_close_game(&g);
	return ret;
}

static int proposal_vote(int argc, char **argv)
{
	struct words a = { .what = "proposal vote" };
	struct lfce_op op = { .type = LFCE_OP_VOTE };
	struct ctl_game g;
	char msg[64];
	int ret;

	ret = parse_words(argc, argv, &a, 3, 3);
	if (ret)
		return ret;
	if (ctl_parse_u64(a.w[1], &op.u.vote.id))
		return ctl_usage("proposal vote: '%s' is not a proposal id", a.w[1]);
	if (!strcmp(a.w[2], "for") || !strcmp(a.w[2], "yes"))
		op.u.vote.choice = LFCE_VOTE_FOR;
	else if (!strcmp(a.w[2], "against") || !strcmp(a.w[2], "no"))
		op.u.vote.choice = LFCE_VOTE_AGAINST;
	else
		return ctl_usage("proposal vote: '%s': for or against?", a.w[2]);
	ret = open_words(argc, argv, &a, 3, 3, &g);
	if (ret)
		return ret;
	snprintf(msg, sizeof(msg), "voted %s proposal %llu", a.w[2], op.u.vote.id);
	return player_op(&g, &a, &op, msg);
}

static int proposal_lapse(int argc, char **argv)
{
	struct words a = { .what = "proposal lapse" };
	struct lfce_op op = { .type = LFCE_OP_LAPSE };
	struct ctl_game g;
	int ret;

	ret = parse_words(argc, argv, &a, 2, 2);
	if (ret)
		return ret;
	if (ctl_parse_u64(a.w[1], &op.u.vote.id))
		return ctl_usage("proposal lapse: '%s' is not a proposal id", a.w[1]);
	ret = open_words(argc, argv, &a, 2, 2, &g);
	return ret ? ret : anyone_op(&g, &op, "lapsed");
}

static int proposal_list(int argc, char **argv)
{
	struct words a = { .what = "proposal list" };
	struct ctl_game g;
	unsigned int i;
	int ret;

	ret = open_words_mode(argc, argv, &a, 1, 1, &g, false);
	if (ret)
		return ret;
	if (ctl.json)
		json_begin_arr(NULL);
	for (i = 0; i < LFCE_MAX_PROPOSALS; i++) {
		if (g.snap.proposal[i].state == LFCE_PROP_FREE)
			continue;
		if (ctl.json)
			ctl_json_proposal(&g.snap.proposal[i]);
		else
			ctl_print_proposal(&g.snap.proposal[i]);
	}
	if (ctl.json) {
		json_end_arr();
		json_done();
	}
	ctl_close_game(&g);
	return EXIT_OK;
}

const struct ctl_cmd ctl_proposal_cmds[] = {
	{ "propose", proposal_propose, "GAME transfer FROM TO AMOUNT | ban SEAT | roll |\n"
	  "      config PARAM VALUE  [--seat N]",
	  "open a proposal; prints its id (the proposer does not vote by opening)" },
	{ "vote", proposal_vote, "GAME ID for|against [--seat N]", "vote on a pending proposal" },
	{ "lapse", proposal_lapse, "GAME ID", "expire a proposal past its deadline" },
	{ "list", proposal_list, "GAME", "the proposals in the table, pending and decided" },
	{ NULL, NULL, NULL, NULL },
};
