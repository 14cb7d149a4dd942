// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: every ioctl against bad input. For each: size 0, one byte
 * short of the first published size, larger with a non-zero tail, over
 * PAGE_SIZE, UINT32_MAX, a NULL and an unmapped argument; larger with a zero
 * tail accepted; then each call's own bad fields (enums, amounts, flags,
 * pointers, counts, fd mode, seat, output fields set on input); the calls
 * that change state (CREATE, JOIN, SUBMIT) with their struct in read-only
 * memory get EFAULT before changing anything. Every refusal must have the
 * exact errno and leave the game's snapshot byte for byte as it was.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

#define PAGE	4096

static int owner, player, ro;
static uint64_t game_id;
static struct lfce_snapshot baseline, now;
static unsigned char *page;	/* two pages, the second unmapped */
static uint64_t ids[4];
static struct lfce_op bet_op;

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 1000000000,
	.max_seats = 4,
};

/* A valid argument struct for each ioctl, and the handle to send it on. */
struct ioc {
	const char *name;
	unsigned long cmd;
	uint32_t ver0;
	uint32_t size;
	void (*fill)(void *arg);
	int *fd;
};

static void fill_version(void *arg)
{
	(void)arg;
}

static void fill_create(void *arg)
{
	((struct lfce_create *)arg)->config = config;
}

static void fill_attach(void *arg)
{
	((struct lfce_attach *)arg)->game_id = game_id;
}

static void fill_join(void *arg)
{
	((struct lfce_join *)arg)->seat = LFCE_SEAT_ANY;
	((struct lfce_join *)arg)->nonce = 100;
}

static void fill_submit(void *arg)
{
	((struct lfce_submit *)arg)->count = 1;
	((struct lfce_submit *)arg)->ops = (uintptr_t)&bet_op;
}

static void fill_get(void *arg)
{
	((struct lfce_get *)arg)->snap_size = sizeof(now);
	((struct lfce_get *)arg)->snap = (uintptr_t)&now;
}

static void fill_list(void *arg)
{
	((struct lfce_list *)arg)->count = 4;
	((struct lfce_list *)arg)->ids = (uintptr_t)ids;
}

static void fill_close(void *arg)
{
	((struct lfce_close *)arg)->game_id = game_id;
}

#define IOC(n, c, v, s, f, d) { n, c, v, sizeof(s), f, d }

static struct ioc iocs[] = {
	IOC("VERSION", LFCE_IOC_VERSION, LFCE_VERSION_SIZE_VER0, struct lfce_version,
	    fill_version, &ro),
	IOC("CREATE", LFCE_IOC_CREATE, LFCE_CREATE_SIZE_VER0, struct lfce_create,
	    fill_create, &owner),
	IOC("ATTACH", LFCE_IOC_ATTACH, LFCE_ATTACH_SIZE_VER0, struct lfce_attach,
	    fill_attach, &owner),
	IOC("JOIN", LFCE_IOC_JOIN, LFCE_JOIN_SIZE_VER0, struct lfce_join, fill_join, &player),
	IOC("SUBMIT", LFCE_IOC_SUBMIT, LFCE_SUBMIT_SIZE_VER0, struct lfce_submit,
	    fill_submit, &player),
	IOC("GET", LFCE_IOC_GET, LFCE_GET_SIZE_VER0, struct lfce_get, fill_get, &ro),
	IOC("STATS", LFCE_IOC_STATS, LFCE_STATS_SIZE_VER0, struct lfce_stats, NULL, &ro),
	IOC("LIST", LFCE_IOC_LIST, LFCE_LIST_SIZE_VER0, struct lfce_list, fill_list, &ro),
	IOC("CLOSE", LFCE_IOC_CLOSE, LFCE_CLOSE_SIZE_VER0, struct lfce_close, fill_close,
	    &owner),
};

/* Build @io's valid struct at @p with size field @size. */
static void *build(const struct ioc *io, unsigned char *p, uint32_t size)
{
	memset(p, 0, io->size + 64);
	if (io->fill)
		io->fill(p);
	memcpy(p, &size, sizeof(size));
	return p;
}

static void unchanged(const char *what)
{
	int ret = lfce_get(ro, &now);

	t_ok(!ret && !memcmp(&now, &baseline, sizeof(now)), "%s: snapshot unchanged", what);
}

/* The size rules of uapi "Argument structs", for one ioctl. */
static void sizes(const struct ioc *io)
{
	char what[96];
	unsigned char *p;

	snprintf(what, sizeof(what), "%s size 0", io->name);
	t_errno(ioctl(*io->fd, io->cmd, build(io, page, 0)), EINVAL, "%s", what);
	snprintf(what, sizeof(what), "%s size VER0-1", io->name);
	t_errno(ioctl(*io->fd, io->cmd, build(io, page, io->ver0 - 1)), EINVAL, "%s", what);
	snprintf(what, sizeof(what), "%s larger, non-zero tail", io->name);
	p = build(io, page, io->size + 8);
	p[io->size + 3] = 1;
	t_errno(ioctl(*io->fd, io->cmd, p), E2BIG, "%s", what);
	snprintf(what, sizeof(what), "%s size PAGE_SIZE+1", io->name);
	t_errno(ioctl(*io->fd, io->cmd, build(io, page, PAGE + 1)), E2BIG, "%s", what);
	snprintf(what, sizeof(what), "%s size UINT32_MAX", io->name);
	t_errno(ioctl(*io->fd, io->cmd, build(io, page, UINT32_MAX)), E2BIG, "%s", what);
	snprintf(what, sizeof(what), "%s NULL argument", io->name);
	t_errno(ioctl(*io->fd, io->cmd, NULL), EFAULT, "%s", what);
	snprintf(what, sizeof(what), "%s unmapped argument", io->name);
	t_errno(ioctl(*io->fd, io->cmd, page + PAGE), EFAULT, "%s", what);
	unchanged(io->name);
}

/* A larger struct with a zero tail is a newer caller: accepted. */
static void zero_tail(const struct ioc *io)
{
	int ret = ioctl(*io->fd, io->cmd, build(io, page, io->size + 32));

	t_ok(!ret, "%s larger with a zero tail accepted (%s)", io->name,
	     ret ? strerror(errno) : "ok");
}

static int submit_one(int fd, struct lfce_op *op, uint32_t count)
{
	struct lfce_submit s = { .size = sizeof(s), .count = count, .ops = (uintptr_t)op };

	return ioctl(fd, LFCE_IOC_SUBMIT, &s);
}

/* Proposals and votes: each refusal names its errno and changes nothing. */
static void consensus_fields(void)
{
	static const uint16_t quorum_only[] = { LFCE_OP_TRANSFER, LFCE_OP_BAN, LFCE_OP_CONFIG };
	struct lfce_op op;
	size_t i;

	for (i = 0; i < sizeof(quorum_only) / sizeof(quorum_only[0]); i++) {
		op = (struct lfce_op){ .type = quorum_only[i], .seat = 0 };
		t_errno(submit_one(owner, &op, 1), EPERM, "SUBMIT op %u, which needs a quorum",
			quorum_only[i]);
	}
	op = (struct lfce_op){ .type = LFCE_OP_PROPOSE, .seat = 0, .nonce = 10 };
	op.u.propose.action = LFCE_OP_DEPOSIT;
	t_errno(submit_one(player, &op, 1), EINVAL, "PROPOSE a deposit");
	op.u.propose.action = LFCE_OP_TRANSFER;
	op.u.propose.to = 0;
	op.u.propose.value = 1;
	t_errno(submit_one(player, &op, 1), EINVAL, "PROPOSE a transfer to oneself");
	op.u.propose.to = 1;
	t_errno(submit_one(player, &op, 1), ENOENT, "PROPOSE a transfer to an empty seat");
	op.u.propose.action = LFCE_OP_CONFIG;
	op.u.propose.to = 0;
	op.u.propose.param = LFCE_PARAM_NR;
	t_errno(submit_one(player, &op, 1), EINVAL, "PROPOSE an unknown config parameter");
	op.u.propose.param = LFCE_PARAM_ODDS_MAX;
	op.u.propose.value = 101;
	t_errno(submit_one(player, &op, 1), EINVAL, "PROPOSE odds_max 101");
	op.u.propose.action = LFCE_OP_ROLL;
	op.u.propose.param = 0;
	op.u.propose.value = 0;
	t_errno(submit_one(player, &op, 1), EPROTO, "PROPOSE an agreed roll in a host-dice game");
	op = (struct lfce_op){ .type = LFCE_OP_VOTE, .seat = 0, .nonce = 10 };
	op.u.vote.id = 1;
	op.u.vote.choice = LFCE_VOTE_FOR;
	t_errno(submit_one(player, &op, 1), ENOENT, "VOTE on no proposal");
	op.u.vote.choice = 3;
	t_errno(submit_one(player, &op, 1), EINVAL, "VOTE neither for nor against");
	op.seat = 1;
	t_errno(submit_one(player, &op, 1), EPERM, "VOTE as a foreign seat");
	op = (struct lfce_op){ .type = LFCE_OP_LAPSE, .seat = LFCE_SEAT_BANK };
	op.u.vote.id = 1;
	t_errno(submit_one(ro, &op, 1), EBADF, "LAPSE on an O_RDONLY handle");
	t_errno(submit_one(player, &op, 1), ENOENT, "LAPSE of no proposal");
	unchanged("proposal and vote checks");
}

/* Output and reserved fields must be zero on input, in every ioctl. */
static void zero_on_input(void)
{
	struct lfce_version v = { .size = sizeof(v), .abi_version = LFCE_ABI_VERSION };
	static struct lfce_stats st;

	t_errno(ioctl(ro, LFCE_IOC_VERSION, &v), EINVAL, "VERSION abi_version set on input");
	v.abi_version = 0;
	v.features = 1;
	t_errno(ioctl(ro, LFCE_IOC_VERSION, &v), EINVAL, "VERSION features set on input");
	st.size = sizeof(st);
	st.reserved = 1;
	t_errno(ioctl(ro, LFCE_IOC_STATS, &st), EINVAL, "STATS reserved set");
	st.reserved = 0;
	st.commits = 1;
	t_errno(ioctl(ro, LFCE_IOC_STATS, &st), EINVAL, "STATS commits set on input");
	st.commits = 0;
	st.proposals[LFCE_PROP_NR - 1] = 1;
	t_errno(ioctl(ro, LFCE_IOC_STATS, &st), EINVAL, "STATS proposals set on input");
}

/* @size bytes of @arg, copied to a fresh page that is then made read-only. */
static void *read_only_copy(const void *arg, size_t size)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, arg, size);
	if (mprotect(p, PAGE, PROT_READ)) {
		munmap(p, PAGE);
		return NULL;
	}
	return p;
}

static uint64_t games(void)
{
	uint64_t total = UINT64_MAX;
	uint32_t n = 0;

	lfce_list(ro, 0, NULL, &n, &total);
	return total;
}

/*
 * CREATE, JOIN and SUBMIT write their struct back: in read-only memory they
 * get EFAULT, and must not have made the game, taken the seat or committed.
 */
static void read_only_results(void)
{
	struct lfce_create c = { .size = sizeof(c), .config = config };
	struct lfce_join j = { .size = sizeof(j), .seat = 1, .nonce = 1 };
	struct lfce_submit sub = { .size = sizeof(sub), .count = 1, .ops = (uintptr_t)&bet_op };
	uint64_t before = games();
	int fresh = lfce_open(O_RDWR);
	void *p;

	p = read_only_copy(&c, sizeof(c));
	t_errno(ioctl(fresh, LFCE_IOC_CREATE, p), EFAULT, "CREATE, struct read-only");
	t_ok(games() == before && !lfce_attach(fresh, game_id),
	     "... made no game, and the handle is still unattached");
	munmap(p, PAGE);
	p = read_only_copy(&j, sizeof(j));
	t_errno(ioctl(fresh, LFCE_IOC_JOIN, p), EFAULT, "JOIN, struct read-only");
	unchanged("the read-only JOIN");
	t_ok(!lfce_join_retry(fresh, 1, 1, NULL, NULL, NULL, 0), "... took no seat: JOIN seat 1 works");
	lfce_get(ro, &baseline);	/* the seat is bound now */
	munmap(p, PAGE);
	p = read_only_copy(&sub, sizeof(sub));
	t_errno(ioctl(player, LFCE_IOC_SUBMIT, p), EFAULT, "SUBMIT, struct read-only");
	unchanged("the read-only SUBMIT");
	munmap(p, PAGE);
	close(fresh);	/* lets go of seat 1, commits nothing */
}

/* Each call's own fields. */
static void fields(void)
{
	struct lfce_create c = { .size = sizeof(c), .config = config, .flags = 1 };
	struct lfce_close cl = { .size = sizeof(cl), .game_id = game_id, .flags = 2 };
	struct lfce_get g = { .size = sizeof(g), .snap_size = 8, .snap = (uintptr_t)&now };
	struct lfce_join j = { .size = sizeof(j), .seat = 7, .nonce = 1 };
	struct lfce_attach a = { .size = sizeof(a), .game_id = 1ULL << 40 };
	struct lfce_op op = bet_op, many[64];
	int fresh = lfce_open(O_RDWR);

	t_errno(ioctl(fresh, LFCE_IOC_CREATE, &c), EINVAL, "CREATE flags set");
	c.flags = 0;
	c.config.field12_pays = 4;
	t_errno(ioctl(fresh, LFCE_IOC_CREATE, &c), EINVAL, "CREATE bad config");
	t_errno(ioctl(fresh, LFCE_IOC_ATTACH, &a), ENOENT, "ATTACH no such game");
	t_errno(ioctl(fresh, LFCE_IOC_JOIN, &j), ENOTCONN, "JOIN unattached");
	t_errno(submit_one(fresh, &op, 1), ENOTCONN, "SUBMIT unattached");
	t_errno(ioctl(owner, LFCE_IOC_CLOSE, &cl), EINVAL, "CLOSE unknown flag");
	t_errno(ioctl(ro, LFCE_IOC_GET, &g), EINVAL, "GET snap_size too small");
	g.snap_size = sizeof(now);
	g.snap = (uintptr_t)(page + PAGE);
	t_errno(ioctl(ro, LFCE_IOC_GET, &g), EFAULT, "GET unmapped snapshot buffer");
	t_errno(ioctl(ro, LFCE_IOC_JOIN, &j), EBADF, "JOIN on an O_RDONLY handle");
	t_errno(submit_one(ro, &op, 1), EBADF, "SUBMIT on an O_RDONLY handle");
	t_errno(ioctl(ro, LFCE_IOC_CLOSE, &cl), EBADF, "CLOSE on an O_RDONLY handle");
	j.seat = 200;
	t_errno(ioctl(lfce_attach(fresh, game_id) ? -1 : fresh, LFCE_IOC_JOIN, &j), EINVAL,
		"JOIN seat out of range");
	j.seat = LFCE_SEAT_BANK;
	t_errno(ioctl(fresh, LFCE_IOC_JOIN, &j), EINVAL, "JOIN the bank's seat number");
	t_errno(submit_one(player, &op, 0), EINVAL, "SUBMIT count 0");
	t_errno(submit_one(player, many, 64), EMSGSIZE, "SUBMIT count over the batch limit");
	t_errno(submit_one(player, NULL, 1), EFAULT, "SUBMIT NULL ops");
	op.type = 999;
	t_errno(submit_one(player, &op, 1), EINVAL, "SUBMIT bad op type");
	op = bet_op;
	op.u.bet.kind = LFCE_BET_NR;
	t_errno(submit_one(player, &op, 1), EINVAL, "SUBMIT bad bet kind");
	op = bet_op;
	op.u.bet.amount = LFCE_AMOUNT_MAX + 1;
	t_errno(submit_one(player, &op, 1), EINVAL, "SUBMIT amount out of range");
	op = bet_op;
	op.u.bet.amount = 0;
	t_errno(submit_one(player, &op, 1), EINVAL, "SUBMIT zero amount");
	op = bet_op;
	op.seat = 1;
	t_errno(submit_one(player, &op, 1), EPERM, "SUBMIT a foreign seat");
	op = bet_op;
	op.flags = 1;
	t_errno(submit_one(player, &op, 1), EINVAL, "SUBMIT op flags set");
	op = bet_op;
	op.type = LFCE_OP_JOIN;
	t_errno(submit_one(player, &op, 1), EINVAL, "SUBMIT a JOIN");
	op = bet_op;
	op.nonce = 1;
	t_errno(submit_one(player, &op, 1), EALREADY, "SUBMIT a used nonce");
	op = bet_op;
	op.expected_version = 1;
	t_errno(submit_one(player, &op, 1), ESTALE, "SUBMIT a stale expected_version");
	close(fresh);
	unchanged("field checks");
	consensus_fields();
}

/* @op refused with @err, nothing changed. */
static void refused(int fd, struct lfce_op *op, int err, const char *what)
{
	t_errno(submit_one(fd, op, 1), err, "%s (want %s)", what, strerror(err));
	unchanged(what);
}

/*
 * The bytes of lfce_op.u an operation does not use, its reserved fields,
 * and nonces: UINT64_MAX (nothing could follow), an owner's nonce 0 (the
 * kernel's own) or one already used.
 */
static void op_bytes(void)
{
	static const uint16_t whole[] = { LFCE_OP_LEAVE, LFCE_OP_CLOSE };
	struct lfce_op op;
	char what[80];
	size_t i;

	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		op = (struct lfce_op){ .type = whole[i], .seat = 0, .nonce = 10 };
		op.u.raw[i * 4] = 1;
		snprintf(what, sizeof(what), "op %u with a non-zero union", whole[i]);
		refused(player, &op, EINVAL, what);
	}
	op = (struct lfce_op){ .type = LFCE_OP_COMMIT, .seat = 0, .nonce = 10 };
	op.u.raw[4] = 1;
	refused(player, &op, EINVAL, "COMMIT with bytes past the digest");
	op.type = LFCE_OP_REVEAL;
	refused(player, &op, EINVAL, "REVEAL with bytes past the secret");
	op = bet_op;
	op.u.raw[2] = 1;
	refused(player, &op, EINVAL, "BET with bytes past u.bet");
	op.type = LFCE_OP_UNBET;
	refused(player, &op, EINVAL, "UNBET with bytes past u.bet");
	op = bet_op;
	op.nonce = UINT64_MAX;
	refused(player, &op, EINVAL, "BET with nonce UINT64_MAX");

	op = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = 0, .nonce = 10 };
	op.u.amount.value = 1;
	op.u.amount.to = 1;
	refused(owner, &op, EINVAL, "DEPOSIT with u.amount.to");
	op.u.amount.to = 0;
	op.u.amount.reserved = 1;
	refused(owner, &op, EINVAL, "DEPOSIT with u.amount.reserved");
	op.u.amount.reserved = 0;
	op.u.raw[4] = 1;
	refused(owner, &op, EINVAL, "DEPOSIT with bytes past u.amount");
	op.type = LFCE_OP_WITHDRAW;
	refused(owner, &op, EINVAL, "WITHDRAW with bytes past u.amount");
	op = (struct lfce_op){ .type = LFCE_OP_SETTLE, .seat = 0, .nonce = 10 };
	op.u.amount.value = 1;
	refused(owner, &op, EINVAL, "SETTLE with a value");
	op.u.amount.value = 0;
	op.nonce = 0;
	refused(owner, &op, EINVAL, "SETTLE with nonce 0, the kernel's own");
	op = (struct lfce_op){ .type = LFCE_OP_DEPOSIT, .seat = 0, .nonce = 0 };
	op.u.amount.value = 1;
	refused(owner, &op, EINVAL, "DEPOSIT with nonce 0");
	op.nonce = 1;
	refused(owner, &op, EALREADY, "DEPOSIT with a used owner nonce");
	op.nonce = UINT64_MAX;
	refused(owner, &op, EINVAL, "DEPOSIT with nonce UINT64_MAX");
}

/* JOIN with nonce UINT64_MAX: the seat could never act, leave or rejoin. */
static void join_max_nonce(void)
{
	struct lfce_join j = { .size = sizeof(j), .seat = 1, .nonce = UINT64_MAX };
	int fd = lfce_open(O_RDWR);

	t_errno(lfce_attach(fd, game_id) ? -1 : ioctl(fd, LFCE_IOC_JOIN, &j), EINVAL,
		"JOIN with nonce UINT64_MAX");
	unchanged("JOIN with nonce UINT64_MAX");
	close(fd);
}

/*
 * CREATE from a VER0 caller: game_id comes back at offset 64, where VER0
 * had it; non-zero there on input, or a size between VER0 and VER1, is
 * refused, as is a governable mask naming no parameter.
 */
static void create_ver0(void)
{
	unsigned char buf[LFCE_CREATE_SIZE_VER1] = {};
	struct lfce_create c = { .size = sizeof(c), .config = config };
	uint32_t size = LFCE_CREATE_SIZE_VER0;
	uint64_t id = 0;
	int fd = lfce_open(O_RDWR), ret;
	struct lfce_snapshot s;

	memcpy(buf, &size, sizeof(size));
	memcpy(buf + 8, &config, LFCE_CREATE_SIZE_VER0 - 16);
	buf[LFCE_CREATE_SIZE_VER0 - 8] = 1;
	t_errno(ioctl(fd, LFCE_IOC_CREATE, buf), EINVAL, "CREATE VER0 with game_id set");
	buf[LFCE_CREATE_SIZE_VER0 - 8] = 0;
	size = LFCE_CREATE_SIZE_VER0 + 4;
	memcpy(buf, &size, sizeof(size));
	t_errno(ioctl(fd, LFCE_IOC_CREATE, buf), EINVAL, "CREATE size between VER0 and VER1");
	c.config.governable = 1U << LFCE_PARAM_NR;
	t_errno(ioctl(fd, LFCE_IOC_CREATE, &c), EINVAL, "CREATE governable past the last param");
	size = LFCE_CREATE_SIZE_VER0;
	memcpy(buf, &size, sizeof(size));
	ret = ioctl(fd, LFCE_IOC_CREATE, buf);
	memcpy(&id, buf + LFCE_CREATE_SIZE_VER0 - 8, sizeof(id));
	memcpy(&size, buf, sizeof(size));
	t_ok(!ret && id && size == LFCE_CREATE_SIZE_VER0 && !lfce_get(fd, &s) &&
	     s.table.config.max_seats == config.max_seats && !s.table.config.governable,
	     "CREATE VER0: game %llu at offset 64, size %u, nothing governable",
	     (unsigned long long)id, size);
	if (!ret)
		lfce_close_game(fd, id, 0);
	close(fd);
}

/*
 * An owner DEPOSIT whose result cannot be written back (EFAULT), then the
 * same operation resubmitted: the balance grows once, whether or not the
 * first call committed.
 */
static void owner_exactly_once(void)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = 0, .nonce = 20 };
	struct lfce_submit *ro_arg = (void *)page;
	int ret;

	op.u.amount.value = 3;
	lfce_get(ro, &baseline);
	memset(page, 0, PAGE);
	*ro_arg = (struct lfce_submit){ .size = sizeof(*ro_arg), .count = 1,
					.ops = (uintptr_t)&op };
	ret = mprotect(page, PAGE, PROT_READ) ? -1 : ioctl(owner, LFCE_IOC_SUBMIT, ro_arg);
	t_errno(ret, EFAULT, "owner DEPOSIT, result not writable");
	mprotect(page, PAGE, PROT_READ | PROT_WRITE);
	ret = submit_one(owner, &op, 1);
	t_ok(!ret || errno == EALREADY, "the same DEPOSIT again: %s", ret ? strerror(errno) : "ok");
	ret = submit_one(owner, &op, 1);
	t_errno(ret, EALREADY, "and again");
	ret = lfce_get(ro, &now);
	t_ok(!ret && now.seat[0].balance == baseline.seat[0].balance + 3 &&
	     now.table.owner_nonce == 20, "deposited exactly once (%llu -> %llu)",
	     (unsigned long long)baseline.seat[0].balance,
	     (unsigned long long)now.seat[0].balance);
}

int main(void)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = 0, .nonce = 1 };
	size_t i;

	owner = lfce_open(O_RDWR);
	if (owner < 0)
		t_skip("no /dev/lfce");
	page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || munmap(page + PAGE, PAGE))
		t_skip("no memory");
	player = lfce_open(O_RDWR);
	ro = lfce_open(O_RDONLY);
	op.u.amount.value = 500;
	if (lfce_create(owner, &config, &game_id) || lfce_attach(player, game_id) ||
	    lfce_attach(ro, game_id) || lfce_join_retry(player, 0, 1, NULL, NULL, NULL, 0) ||
	    lfce_submit_retry(owner, &op, 1, NULL, 0))
		t_skip("cannot set up a game");
	bet_op = (struct lfce_op){ .type = LFCE_OP_BET, .seat = 0, .nonce = 10 };
	bet_op.u.bet.kind = LFCE_BET_FIELD;
	bet_op.u.bet.amount = 5;
	t_ok(!lfce_get(ro, &baseline), "baseline snapshot, version %llu",
	     (unsigned long long)baseline.table.version);

	for (i = 0; i < sizeof(iocs) / sizeof(iocs[0]); i++)
		sizes(&iocs[i]);
	fields();
	op_bytes();
	join_max_nonce();
	create_ver0();
	zero_on_input();
	read_only_results();
	/* Zero tails last: they succeed, and some change the state. */
	zero_tail(&iocs[0]);	/* VERSION */
	zero_tail(&iocs[5]);	/* GET */
	zero_tail(&iocs[6]);	/* STATS */
	zero_tail(&iocs[7]);	/* LIST */
	zero_tail(&iocs[4]);	/* SUBMIT: the bet goes through */
	t_ok(!lfce_get(ro, &now) && now.table.version == baseline.table.version + 1 &&
	     now.seat[0].bets[LFCE_BET_FIELD] == 5, "the zero-tail SUBMIT committed");
	owner_exactly_once();
	t_ok(!lfce_close_game(owner, game_id, LFCE_CLOSE_FORCE), "close the game");
	close(ro);
	close(player);
	close(owner);
	return t_done();
}
