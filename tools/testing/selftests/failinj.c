// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: every ioctl, mmap and read path under injected failures
 * (failslab, fail_page_alloc, fail_usercopy: the debug kernel's fault
 * injection, restricted to this process's own calls by the task-filter,
 * verbose=0). Each call succeeds or returns a documented errno; a failed
 * write changes nothing (the snapshot's bytes and the journal's head,
 * through a mapping made beforehand), except the documented EFAULT after
 * the commit, which a resubmission with the same nonce must then find
 * done (EALREADY). At the end, with injection off, the game's journal
 * verifies (lfcectl journal verify: chain and replay) and the failures
 * actually injected are reported; kmemleak and the splat scan of run.sh
 * judge the rest. Skipped where the kernel has no fault injection.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

#define N_OF(a)		(sizeof(a) / sizeof((a)[0]))
#define DEBUGFS		"/sys/kernel/debug/"
#define ROUNDS		6000
#define PLAYERS		3
#define TIMES		1000000		/* the injectors' budget: what is left is reported */
#define MAX_FAILS	30

static const char *const injectors[] = { "failslab", "fail_page_alloc", "fail_usercopy" };
static int present[3];
static int mif = -1;			/* /proc/self/make-it-fail */
static int fails;

static const struct lfce_config config = {
	.min_bet = 1, .max_bet = 1000, .odds_max = 3, .field12_pays = 2,
	.dice_mode = LFCE_DICE_HOST, .reveal_timeout_ns = 3600000000000ULL,
	.max_seats = 8,
};

static struct {
	int fd;
	uint32_t seat;
	uint64_t nonce;			/* the next one to use */
} player[PLAYERS];

static int owner = -1;
static uint64_t game;
static const void *base;
static size_t size;

static struct {
	unsigned long calls, ok, errnos[160], efault_committed;
} st[16];

static const char *const names[] = {
	"deposit", "bet", "roll", "batch", "join", "create", "attach", "get",
	"stats", "list", "version", "read", "mmap", "open", "close", "withdraw",
};

static int put(const char *dir, const char *attr, const char *val)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), DEBUGFS "%s/%s", dir, attr);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static long get_attr(const char *dir, const char *attr)
{
	char path[256], line[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), DEBUGFS "%s/%s", dir, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	return strtol(line, NULL, 0);
}

/* Probability @pct on every present injector, for tasks with make-it-fail. */
static void configure(const char *pct)
{
	unsigned int i;
	char times[32];

	snprintf(times, sizeof(times), "%d", TIMES);
	for (i = 0; !strcmp(pct, "0") && i < N_OF(injectors); i++)
		if (present[i])
			put(injectors[i], "probability", "0");
	for (i = 0; strcmp(pct, "0") && i < N_OF(injectors); i++) {
		const char *d = injectors[i];

		present[i] = !put(d, "verbose", "0");
		if (!present[i])
			continue;
		put(d, "task-filter", "Y");
		put(d, "interval", "1");
		put(d, "space", "0");
		put(d, "times", times);
		put(d, "ignore-gfp-wait", "N");		/* GFP_KERNEL too */
		put(d, "ignore-gfp-highmem", "N");
		put(d, "min-order", "0");
		put(d, "cache-filter", "N");
		put(d, "probability", pct);
	}
}

/*
 * On: from the next syscall on, this task's allocations and user copies
 * may fail. Turning it off may itself be failed (the write's copy from
 * user): try until it takes.
 */
static void inject(int on)
{
	int i;

	for (i = 0; i < 10000; i++)
		if (pwrite(mif, on ? "1" : "0", 1, 0) == 1)
			return;
	fprintf(stderr, "failinj: cannot set make-it-fail to %d\n", on);
	abort();
}

/* The errnos uapi/linux/lfce.h documents: helpers.h's one list. */
static int documented(int e)
{
	return t_documented_errno(e);
}

static void snap(struct lfce_snapshot *s, uint64_t *head)
{
	uint64_t pub;

	while (lfce_snapshot_read(base, s))
		;
	lfce_header_read(base, &pub, head);
}

/* One call's verdict: @ret 0 or -errno; @changed the game moved. */
static void judge(int kind, int ret, int changed, int write)
{
	st[kind].calls++;
	if (!ret) {
		st[kind].ok++;
		if (!write && changed && fails++ < MAX_FAILS)
			t_ok(0, "%s: a read-only call changed the game", names[kind]);
		return;
	}
	if (-ret < 160)
		st[kind].errnos[-ret]++;
	if (!documented(-ret) && fails++ < MAX_FAILS)
		t_ok(0, "%s: undocumented errno %d (%s)", names[kind], -ret, strerror(-ret));
	if (changed && !(write && ret == -EFAULT) && fails++ < MAX_FAILS)
		t_ok(0, "%s failed (%s) and yet the game changed", names[kind], strerror(-ret));
}

/*
 * Submit @ops under injection. On EFAULT with the game changed the
 * operations committed: the same ones again must get EALREADY. Returns
 * whether they committed.
 */
static int submit(int kind, int fd, struct lfce_op *ops, unsigned int n)
{
	struct lfce_snapshot a, b;
	uint64_t ha, hb;
	int ret, again, changed;

	snap(&a, &ha);
	inject(1);
	ret = lfce_submit(fd, ops, n, NULL);
	inject(0);
	snap(&b, &hb);
	changed = memcmp(&a, &b, sizeof(a)) || ha != hb;
	judge(kind, ret, changed, 1);
	if (ret == -EFAULT && changed) {
		st[kind].efault_committed++;
		again = lfce_submit(fd, ops, n, NULL);
		if (again != -EALREADY && fails++ < MAX_FAILS)
			t_ok(0, "%s: committed despite EFAULT, but resubmitted: %s", names[kind],
			     strerror(-again));
	}
	return !ret || (ret == -EFAULT && changed);
}

static uint64_t owner_nonce(void)
{
	struct lfce_snapshot s;
	uint64_t head;

	snap(&s, &head);
	return s.table.owner_nonce + 1;
}

static void op_deposit(int kind, uint32_t seat, uint64_t amount)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = seat };

	op.nonce = owner_nonce();
	op.u.amount.value = amount;
	if (kind == 15)
		op.type = LFCE_OP_WITHDRAW;
	submit(kind, owner, &op, 1);
}

static void op_bet(int p)
{
	struct lfce_op op = { .type = LFCE_OP_BET, .seat = player[p].seat };

	op.nonce = player[p].nonce;
	op.u.bet.kind = LFCE_BET_FIELD;
	op.u.bet.amount = 1 + rand() % 5;
	/* The same nonce again until it commits, as a player would. */
	if (submit(1, player[p].fd, &op, 1))
		player[p].nonce++;
}

static void op_roll(void)
{
	struct lfce_op op = { .type = LFCE_OP_ROLL, .seat = LFCE_SEAT_BANK };

	op.nonce = owner_nonce();
	submit(2, owner, &op, 1);
}

static void op_batch(void)
{
	struct lfce_op ops[PLAYERS];
	uint64_t n = owner_nonce();
	int i;

	for (i = 0; i < PLAYERS; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].type = LFCE_OP_DEPOSIT;
		ops[i].seat = player[i].seat;
		ops[i].nonce = n + i;
		ops[i].u.amount.value = 10;
	}
	submit(3, owner, ops, PLAYERS);
}

/* A call that is not SUBMIT: @fn under injection, judged the same way. */
static void call(int kind, int write, int (*fn)(void *), void *arg)
{
	struct lfce_snapshot a, b;
	uint64_t ha, hb;
	int ret;

	snap(&a, &ha);
	inject(1);
	ret = fn(arg);
	inject(0);
	snap(&b, &hb);
	judge(kind, ret, memcmp(&a, &b, sizeof(a)) || ha != hb, write);
}

static int do_join(void *arg)
{
	int fd = *(int *)arg;

	static uint64_t nonce = 1;

	/* A new nonce each time: a seat keeps its last across handles. */
	return lfce_join(fd, PLAYERS + rand() % (8 - PLAYERS), ++nonce, NULL, NULL, NULL);
}

static int do_create(void *arg)
{
	uint64_t id;
	int fd = *(int *)arg;

	return lfce_create(fd, &config, &id);
}

static int do_attach(void *arg)
{
	return lfce_attach(*(int *)arg, game);
}

static int do_get(void *arg)
{
	static struct lfce_snapshot s;

	return lfce_get(*(int *)arg, &s);
}

static int do_stats(void *arg)
{
	struct lfce_stats s;

	return lfce_stats(*(int *)arg, &s);
}

static int do_list(void *arg)
{
	uint64_t ids[8], total;
	uint32_t n = 8;

	return lfce_list(*(int *)arg, 0, ids, &n, &total);
}

static int do_version(void *arg)
{
	uint32_t v;

	return lfce_version(*(int *)arg, &v);
}

static int do_read(void *arg)
{
	struct lfce_record r[4];
	ssize_t n = read(*(int *)arg, r, sizeof(r));

	return n < 0 ? -errno : 0;
}

static int do_mmap(void *arg)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, *(int *)arg, 0);
	int ret;

	if (p == MAP_FAILED)
		return -errno;
	ret = ((const struct lfce_region *)p)->magic == LFCE_REGION_MAGIC ? 0 : -EPROTO;
	/* munmap of a whole mapping allocates nothing that may fail. */
	munmap(p, size);
	return ret;
}

static int do_open(void *arg)
{
	int fd = open(LFCE_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	(void)arg;
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

struct fresh {
	int fd;			/* first: the other calls take an int * */
	uint64_t id;
};

static int do_close(void *arg)
{
	struct fresh *h = arg;

	return lfce_close_game(h->fd, h->id, LFCE_CLOSE_FORCE);
}

/*
 * A fresh handle (opened without injection) for JOIN, CREATE, ATTACH and
 * CLOSE. Closing it lets go of its seat, and of the game it created.
 */
static void fresh(int kind)
{
	struct fresh h = { .fd = lfce_open(O_RDWR) };

	if (h.fd < 0) {
		fails++;
		t_ok(0, "open a fresh handle: %s", strerror(-h.fd));
		return;
	}
	switch (kind) {
	case 4:
		if (!lfce_attach(h.fd, game))
			call(4, 1, do_join, &h.fd);
		break;
	case 5:
		call(5, 1, do_create, &h.fd);
		break;
	case 6:
		call(6, 0, do_attach, &h.fd);
		break;
	case 14:
		if (!lfce_create(h.fd, &config, &h.id))
			call(14, 0, do_close, &h);
		break;
	}
	close(h.fd);
}

static void one_round(void)
{
	int k = rand() % 16, fd = player[rand() % PLAYERS].fd;

	switch (k) {
	case 0: op_deposit(0, LFCE_SEAT_BANK, 100); break;
	case 1: op_bet(rand() % PLAYERS); break;
	case 2: op_roll(); break;
	case 3: op_batch(); break;
	case 4: case 5: case 6: case 14: fresh(k); break;
	case 7: call(7, 0, do_get, &fd); break;
	case 8: call(8, 0, do_stats, &fd); break;
	case 9: call(9, 0, do_list, &fd); break;
	case 10: call(10, 0, do_version, &fd); break;
	case 11: call(11, 0, do_read, &fd); break;
	case 12: call(12, 0, do_mmap, &fd); break;
	case 13: call(13, 0, do_open, NULL); break;
	case 15: op_deposit(15, player[rand() % PLAYERS].seat, 1); break;
	}
}

#define SETUP(call)								\
	do {									\
		int __ret = (call);						\
		if (__ret < 0) {						\
			t_diag("setup: %s: %s", #call, strerror(-__ret));	\
			return __ret;						\
		}								\
	} while (0)

static int setup(void)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = LFCE_SEAT_BANK, .nonce = 1 };
	struct lfce_config c = config;
	int i;

	c.flags = 0;	/* several seats for root */
	SETUP(owner = lfce_open(O_RDWR));
	SETUP(lfce_create(owner, &c, &game));
	SETUP(lfce_map(owner, &base, &size));
	op.u.amount.value = 1000000;
	SETUP(lfce_submit_retry(owner, &op, 1, NULL, 0));
	for (i = 0; i < PLAYERS; i++) {
		SETUP(player[i].fd = lfce_open(O_RDWR | O_NONBLOCK));
		player[i].nonce = 2;
		SETUP(lfce_attach(player[i].fd, game));
		SETUP(lfce_join_retry(player[i].fd, i, 1, NULL, &player[i].seat, NULL, 0));
		op.seat = player[i].seat;
		op.nonce = owner_nonce();
		op.u.amount.value = 100000;
		SETUP(lfce_submit_retry(owner, &op, 1, NULL, 0));
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long total_calls = 0, total_failed = 0;
	unsigned int i, k, e;
	long injected[N_OF(injectors)];
	struct fresh h;
	char cmd[128];
	int rounds = argc > 1 ? atoi(argv[1]) : ROUNDS, ret;

	/* Set up before the skip: the stock kernels run this part too. */
	ret = setup();
	if (access(DEBUGFS "failslab", F_OK) || access("/proc/self/make-it-fail", W_OK))
		t_skip("no fault injection in this kernel (CONFIG_FAILSLAB, debugfs)");
	mif = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (mif < 0)
		t_skip("cannot open /proc/self/make-it-fail");
	srand(1);
	if (!t_ok(!ret, "a game with an owner and %d funded players", PLAYERS))
		return t_done();
	configure("5");
	for (i = 0; i < N_OF(injectors); i++)
		t_diag("%s: %s", injectors[i], present[i] ? "on, 5%, task-filter" : "absent");

	for (i = 0; i < (unsigned int)rounds && fails < MAX_FAILS; i++)
		one_round();
	for (i = 0; i < N_OF(injectors); i++)
		injected[i] = present[i] ? TIMES - get_attr(injectors[i], "times") : 0;
	configure("0");

	for (k = 0; k < N_OF(names); k++) {
		char errs[512];
		int len = 0;

		errs[0] = 0;
		for (e = 1; e < 160; e++)
			if (st[k].errnos[e])
				len += snprintf(errs + len, sizeof(errs) - len, " %s:%lu",
						strerror(e), st[k].errnos[e]);
		total_calls += st[k].calls;
		total_failed += st[k].calls - st[k].ok;
		t_diag("%-8s %5lu calls, %5lu ok, %lu EFAULT after commit;%s", names[k],
		       st[k].calls, st[k].ok, st[k].efault_committed, errs);
	}
	for (i = 0; i < N_OF(injectors); i++)
		if (present[i])
			t_diag("%s: %ld failures injected", injectors[i], injected[i]);
	t_ok(!fails, "%lu calls under injection, %lu failed: each with a documented errno "
	     "and nothing changed", total_calls, total_failed);
	t_ok(total_failed > 0, "injected failures were hit");

	snprintf(cmd, sizeof(cmd), "/bin/lfcectl journal verify %llu >&2",
		 (unsigned long long)game);
	if (!access("/bin/lfcectl", X_OK)) {
		ret = system(cmd);
		t_ok(WIFEXITED(ret) && !WEXITSTATUS(ret),
		     "the journal verifies (lfcectl journal verify: chain and replay), status %d",
		     ret);
	}
	/* Failures under injection leave nothing behind: a game still comes. */
	h.fd = lfce_open(O_RDWR);
	ret = h.fd < 0 ? h.fd : lfce_create(h.fd, &config, &h.id);
	t_ok(!ret, "with injection off, CREATE succeeds again (%s)", ret ? strerror(-ret) : "ok");
	if (h.fd >= 0)
		close(h.fd);
	t_ok(!lfce_close_game(owner, game, LFCE_CLOSE_FORCE), "close the game");
	lfce_unmap(base, size);
	for (i = 0; i < PLAYERS; i++)
		close(player[i].fd);
	close(owner);
	return t_done();
}
