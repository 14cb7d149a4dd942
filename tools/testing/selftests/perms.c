// SPDX-License-Identifier: GPL-2.0-only
/*
 * Description: who may do what, across uids. A player (uid 1000) cannot do
 * owner operations or close the game; another uid cannot take its seat; one
 * uid holds one seat (distinct uids); a second handle of the same uid cannot
 * take a seat another handle holds (EBUSY) but can after that handle closes,
 * and the seat keeps its balance. A uid mapped to 1000 inside a user
 * namespace is still its own uid to lfce: it cannot take uid 1000's seat.
 * The uid is checked on every call: a child that inherits a seated handle
 * and setuid()s to another uid cannot act for the seat. The seat is held
 * until the open file description goes: a mapping keeps it after close().
 * Every refusal leaves the game unchanged.
 * The device itself: /dev/lfce is root:lfce 0660 (the module's mode, the
 * packages' udev rule); a uid outside group lfce cannot open it at all,
 * read-only or read-write, while the members (the uids above) can.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "liblfce.h"

static uint64_t game_id;
static int ctl;
static struct lfce_snapshot before, now;

/* Run @fn as @uid in a child with its own attached handle; its -errno. */
static int as_uid(uid_t uid, int (*fn)(int fd), int hold_fd)
{
	int status, fd;
	pid_t pid = fork();

	if (pid == 0) {
		if (t_become(uid))
			_exit(200);
		if (hold_fd >= 0)
			close(hold_fd);
		fd = lfce_open(O_RDWR);
		if (fd < 0 || lfce_attach(fd, game_id))
			_exit(201);
		_exit(-fn(fd));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1000;
	return -WEXITSTATUS(status);
}

static int deposit(int fd)
{
	struct lfce_op op = { .type = LFCE_OP_DEPOSIT, .seat = 0 };

	op.u.amount.value = 10;
	return lfce_submit_retry(fd, &op, 1, NULL, 0);
}

static int close_game(int fd)
{
	return lfce_close_game(fd, game_id, LFCE_CLOSE_FORCE);
}

static int roll(int fd)
{
	struct lfce_op op = { .type = LFCE_OP_ROLL, .seat = LFCE_SEAT_BANK };

	return lfce_submit_retry(fd, &op, 1, NULL, 0);
}

/* Each child is a new process: a later pid is a later, fresh nonce. */
static int join_seat0(int fd)
{
	return lfce_join_retry(fd, 0, 1000 + getpid(), NULL, NULL, NULL, 0);
}

static int join_seat2(int fd)
{
	return lfce_join_retry(fd, 2, 1, NULL, NULL, NULL, 0);
}

static int join_any(int fd)
{
	uint32_t seat = 99;
	int ret = lfce_join_retry(fd, LFCE_SEAT_ANY, 1000 + getpid(), NULL, &seat, NULL, 0);

	return ret ? ret : -(int)seat;	/* report the seat as a "code" */
}

/* Exit code of a child that could not make a user namespace. */
#define NO_USERNS	202

/*
 * Child, as uid 1001: make a user namespace in which it is uid 1000, then
 * try seat 0. The seat is bound to uid 1000 of the initial namespace.
 */
static int impostor(int fd)
{
	char map[32];
	int m;

	close(fd);
	/* setresuid() from root left us undumpable: /proc/self/ would be root's. */
	if (prctl(PR_SET_DUMPABLE, 1) || unshare(CLONE_NEWUSER))
		return -NO_USERNS;
	m = open("/proc/self/uid_map", O_WRONLY);
	snprintf(map, sizeof(map), "1000 1001 1\n");
	if (m < 0 || write(m, map, strlen(map)) != (ssize_t)strlen(map) || geteuid() != 1000)
		return -NO_USERNS;
	close(m);
	fd = lfce_open(O_RDWR);
	if (fd < 0 || lfce_attach(fd, game_id))
		return -201;
	return lfce_join_retry(fd, 0, 1000000, NULL, NULL, NULL, 0);
}

/* Child: join seat 0 as uid 1000, say so on @ready, hold it until @go closes. */
static int write_end_of_go;

static void __attribute__((noreturn)) hold_seat0(int ready, int go)
{
	char c;
	int fd;

	close(write_end_of_go);
	if (t_become(1000))
		_exit(1);
	fd = lfce_open(O_RDWR);
	c = fd >= 0 && !lfce_attach(fd, game_id) && !join_seat0(fd) ? 'y' : 'n';
	if (write(ready, &c, 1) != 1)
		_exit(2);
	while (read(go, &c, 1) > 0)
		;
	_exit(0);
}

/*
 * As uid 1004: take a seat, map the region, close the fd. The mapping still
 * holds the handle, so a second handle of the same uid gets EBUSY for the
 * seat until the mapping goes; then it can join. 0, or which step failed.
 */
static int mapping_holds_seat(int fd)
{
	const void *base;
	uint32_t seat;
	size_t size;
	int fd2;

	if (lfce_join_retry(fd, LFCE_SEAT_ANY, 1, NULL, &seat, NULL, 0) || lfce_map(fd, &base, &size))
		return -1;
	close(fd);
	fd2 = lfce_open(O_RDWR);
	if (fd2 < 0 || lfce_attach(fd2, game_id))
		return -2;
	if (lfce_join_retry(fd2, seat, 2, NULL, NULL, NULL, 0) != -EBUSY)
		return -3;	/* the mapping did not keep the seat */
	lfce_unmap(base, size);
	if (lfce_join_retry(fd2, seat, 3, NULL, NULL, NULL, 0))
		return -4;	/* unmapping did not let it go */
	return 0;
}

/* A seated handle's ops, from a child that became uid 1003: its -errno. */
static int foreign_uid_ops(int fd, uint32_t seat)
{
	struct lfce_op op = { .type = LFCE_OP_BET, .seat = seat, .nonce = 2 };
	int status, ret;
	pid_t pid = fork();

	if (pid == 0) {
		if (t_become(1003))
			_exit(200);
		op.u.bet.kind = LFCE_BET_PASS;
		op.u.bet.amount = 5;
		ret = lfce_submit_retry(fd, &op, 1, NULL, 0);
		if (ret != -EPERM)
			_exit(-ret ? -ret : 199);
		op = (struct lfce_op){ .type = LFCE_OP_LEAVE, .seat = seat, .nonce = 3 };
		_exit(-lfce_submit_retry(fd, &op, 1, NULL, 0));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1000;
	return -WEXITSTATUS(status);
}

/* In a child as T_OUTSIDER: open /dev/lfce with @flags; 0 or -errno. */
static int outsider_open(int flags)
{
	int status, fd;
	pid_t pid = fork();

	if (pid == 0) {
		if (t_become(T_OUTSIDER))
			_exit(200);
		fd = open(T_LFCE_DEVICE, flags);
		_exit(fd < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1000;
	return -WEXITSTATUS(status);
}

static void device_perms(void)
{
	int gid = t_lfce_gid();
	struct stat st = { 0 };
	int ret;

	t_ok(gid > 0, "group " T_LFCE_GROUP " exists (gid %d)", gid);
	ret = stat(T_LFCE_DEVICE, &st);
	t_ok(!ret && (st.st_mode & 07777) == 0660 && st.st_uid == 0 &&
	     (int)st.st_gid == gid,
	     T_LFCE_DEVICE " is root:" T_LFCE_GROUP " 0660 (mode %o, uid %u, gid %u)",
	     st.st_mode & 07777, st.st_uid, st.st_gid);
	ret = outsider_open(O_RDWR);
	t_ok(ret == -EACCES, "uid %d, not in group " T_LFCE_GROUP ", cannot open it O_RDWR (%s)",
	     T_OUTSIDER, strerror(-ret));
	ret = outsider_open(O_RDONLY);
	t_ok(ret == -EACCES, "... nor O_RDONLY (%s)", strerror(-ret));
}

static void unchanged(const char *what)
{
	t_ok(!lfce_get(ctl, &now) && !memcmp(&now, &before, sizeof(now)),
	     "%s: nothing changed", what);
}

int main(void)
{
	const struct lfce_config cfg = {
		.min_bet = 1, .max_bet = 100, .odds_max = 1, .field12_pays = 2,
		.dice_mode = LFCE_DICE_HOST, .flags = LFCE_CFG_DISTINCT_UIDS,
		.reveal_timeout_ns = 1, .max_seats = 4,
	};
	struct lfce_op dep = { .type = LFCE_OP_DEPOSIT, .seat = 0, .nonce = 1 };
	int holder, go[2], ready[2], ret;
	char c = 0;

	ctl = lfce_open(O_RDWR);
	if (ctl < 0)
		t_skip("no /dev/lfce");
	device_perms();
	if (lfce_create(ctl, &cfg, &game_id))
		t_skip("cannot create a game");
	ret = as_uid(1000, join_seat0, -1);
	t_ok(ret == 0, "uid 1000 joins seat 0 (%d)", ret);
	dep.u.amount.value = 77;
	t_ok(!lfce_submit_retry(ctl, &dep, 1, NULL, 0), "the owner (root) deposits 77 to seat 0");
	lfce_get(ctl, &before);

	t_ok(as_uid(1000, deposit, -1) == -EPERM, "a player cannot deposit");
	t_ok(as_uid(1000, roll, -1) == -EPERM, "a player cannot roll host dice");
	t_ok(as_uid(1000, close_game, -1) == -EPERM, "a player cannot close the game");
	t_ok(as_uid(1001, join_seat0, -1) == -EPERM, "uid 1001 cannot take uid 1000's seat");
	t_ok(as_uid(1000, join_seat2, -1) == -EPERM, "uid 1000 cannot take a second seat");
	unchanged("refusals");

	/* A handle of uid 1000 holds seat 0; a second one of the same uid waits. */
	if (pipe(go) || pipe(ready))
		t_skip("no pipe");
	write_end_of_go = go[1];
	holder = fork();
	if (holder == 0)
		hold_seat0(ready[1], go[0]);
	close(ready[1]);
	close(go[0]);
	t_ok(read(ready[0], &c, 1) == 1 && c == 'y', "a uid 1000 handle holds seat 0");
	t_ok(as_uid(1000, join_seat0, go[1]) == -EBUSY, "a second handle of the same uid: EBUSY");
	close(go[1]);
	waitpid(holder, NULL, 0);
	ret = as_uid(1000, join_any, -1);
	t_ok(ret == 0, "after the holder closed, uid 1000 re-joins its own seat (seat %d)", -ret);
	lfce_get(ctl, &now);
	t_ok(now.seat[0].balance == 77 && now.seat[0].uid == 1000,
	     "the seat kept its uid and balance");
	lfce_get(ctl, &before);
	ret = as_uid(1001, impostor, -1);
	if (ret == -NO_USERNS) {
		t_diag("no unprivileged user namespaces here: impostor not tried");
	} else {
		t_ok(ret == -EPERM, "uid 1001 as uid 1000 of its own user namespace: EPERM (%d)",
		     ret);
		unchanged("the impostor");
	}

	/* Root's seat 3, held by ctl; a child inherits ctl and becomes uid 1003. */
	dep.seat = 3;
	dep.nonce = 2;		/* the owner's next */
	dep.u.amount.value = 20;
	t_ok(!lfce_join_retry(ctl, 3, 1, NULL, NULL, NULL, 0) && !lfce_submit_retry(ctl, &dep, 1, NULL, 0),
	     "root takes seat 3 with 20");
	lfce_get(ctl, &before);
	ret = foreign_uid_ops(ctl, 3);
	t_ok(ret == -EPERM, "a child turned uid 1003 cannot bet or leave for seat 3 (%d)", ret);
	unchanged("the setuid child");
	dep = (struct lfce_op){ .type = LFCE_OP_BET, .seat = 3, .nonce = 2 };
	dep.u.bet.kind = LFCE_BET_PASS;
	dep.u.bet.amount = 5;
	t_ok(!lfce_submit_retry(ctl, &dep, 1, NULL, 0), "the handle still acts for its own uid");
	ret = as_uid(1004, mapping_holds_seat, -1);
	t_ok(ret == 0, "a mapping keeps the seat after close(), unmapping frees it (%d)", ret);

	t_ok(!lfce_close_game(ctl, game_id, LFCE_CLOSE_FORCE), "the owner closes the game");
	close(ctl);
	return t_done();
}
