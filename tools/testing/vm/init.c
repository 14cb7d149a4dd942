// SPDX-License-Identifier: GPL-2.0-only
/*
 * PID 1 of the lfce test VM. One function per step; main() lists them.
 *
 * Serial ports, as wired by run.sh:
 *   ttyS0  the console: kernel log, test stderr; scanned by run.sh for splats
 *   ttyS1  results: one flat TAP line per assertion, "ok <test>: <what>" or
 *          "not ok <test>: <what>", plus "# ..." comments
 *   ttyS2  "success" once every step has run, and nothing else
 *
 * A test program is a static binary in /tests that prints TAP ("ok N - ...",
 * "not ok N - ...", "1..N") and exits 0 (pass), 1 (fail) or 77 (skip). This
 * init flattens its output and adds a "not ok" of its own when the program
 * crashes, times out, fails without saying so or does not match its plan.
 * KUnit results from debugfs get the same treatment.
 *
 * Kernel command line: lfce.mode=all|kunit|demo|bench|soak|fuzz,
 * lfce.timeout=<seconds per test program>; bench, soak and fuzz run /tests
 * (make vm-bench's, make soak's or make fuzz's program) without KUnit. On
 * the host, see host_run().
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/lfce.h>

#define TESTS_DIR	"/tests"
#define KUNIT_DIR	"/sys/kernel/debug/kunit"
#define KMEMLEAK	"/sys/kernel/debug/kmemleak"

static FILE *results;
static char mode[16] = "all";
static int test_timeout = 600;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(results, fmt, ap);
	va_end(ap);
	fputc('\n', results);
	fflush(results);
}

static void result(int ok, const char *test, const char *what)
{
	say("%sok %s: %s", ok ? "" : "not ", test, what);
}

/* A line into the kernel log, so run.sh knows where our part begins. */
static void kmsg(const char *msg)
{
	int fd = open("/dev/kmsg", O_WRONLY);
	char line[256];
	int n = snprintf(line, sizeof(line), "lfce-vm: %s\n", msg);

	/* One write(2) per record: dprintf() seeks, which /dev/kmsg refuses. */
	if (fd < 0 || write(fd, line, n) != n)
		fprintf(stderr, "init: /dev/kmsg: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0)
		fprintf(stderr, "init: write %s: %s\n", path, strerror(errno));
	close(fd);
}

static FILE *open_port(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "init: cannot open %s: %s\n", path, strerror(errno));
		f = stdout;
	}
	return f;
}

static void step_mount(void)
{
	int fd;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	/* Pseudo-terminals: tmux runs lfcetop's screen in one (selftests/lfcetop.c). */
	mkdir("/dev/pts", 0755);
	mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666,mode=0620");
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mkdir("/tmp", 01777);

	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	results = open_port("/dev/ttyS1");
}

static void step_cmdline(void)
{
	char buf[4096], *tok, *save;
	ssize_t n;
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, "lfce.mode=", 10))
			snprintf(mode, sizeof(mode), "%s", tok + 10);
		else if (!strncmp(tok, "lfce.timeout=", 13))
			test_timeout = atoi(tok + 13);
	}
}

/* Forget the leaks the kernel had before we start, so only ours count. */
static void step_kmemleak_prime(void)
{
	if (access(KMEMLEAK, F_OK))
		return;
	write_file(KMEMLEAK, "scan");
	write_file(KMEMLEAK, "clear");
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/*
 * The accounts a host with the packages has: group lfce (the udev rule's
 * group for /dev/lfce, created by the packages' sysusers entry) whose
 * members are the uids the tests play as (t_become() in selftests/helpers.h
 * gives a uid its groups from here; grep the selftests for t_become,
 * t_as_uid and UID), and uid 2999, which has an account and is no member.
 */
#define LFCE_GID	997

static const unsigned int lfce_members[] = {
	1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007,	/* agents.h, perms.c, ... */
	4242,						/* quota.c */
	4343, 4344,					/* nodecap.c */
	2000, 2001, 2002, 2003, 2004, 2005,		/* lfce-demo's agents */
	2100, 2101, 2102, 2103, 2104, 2105,		/* soak.c */
	3000, 3001, 3009,				/* examples.c */
	65534,						/* lfce-demo's monitor */
};

static void step_accounts(void)
{
	FILE *pw, *gr;
	size_t i;

	mkdir("/etc", 0755);
	pw = fopen("/etc/passwd", "w");
	gr = fopen("/etc/group", "w");
	if (!pw || !gr) {
		result(0, "init", "write /etc/passwd and /etc/group");
		goto out;
	}
	fprintf(pw, "root:x:0:0:root:/:/bin/sh\n");
	fprintf(gr, "root:x:0:\n");
	for (i = 0; i < sizeof(lfce_members) / sizeof(lfce_members[0]); i++) {
		fprintf(pw, "u%u:x:%u:%u::/tmp:/bin/sh\n", lfce_members[i], lfce_members[i],
			lfce_members[i]);
		fprintf(gr, "u%u:x:%u:\n", lfce_members[i], lfce_members[i]);
	}
	fprintf(pw, "outsider:x:2999:2999::/tmp:/bin/sh\n");
	fprintf(gr, "outsider:x:2999:\n");
	fprintf(gr, "lfce:x:%d:", LFCE_GID);
	for (i = 0; i < sizeof(lfce_members) / sizeof(lfce_members[0]); i++)
		fprintf(gr, "%su%u", i ? "," : "", lfce_members[i]);
	fprintf(gr, "\n");
out:
	if (pw)
		fclose(pw);
	if (gr)
		fclose(gr);
}

/* What the packages' udev rule does, since the VM has no udev. */
static int device_perms(void)
{
	if (chown(LFCE_DEVICE_PATH, 0, LFCE_GID) || chmod(LFCE_DEVICE_PATH, 0660))
		return -errno;
	return 0;
}

static int step_load_lfce(void)
{
	char what[128];
	int ret = load_module("/modules/lfce.ko");

	snprintf(what, sizeof(what), "load lfce.ko (%s)", ret ? strerror(-ret) : "loaded");
	result(!ret, "init", what);
	if (ret)
		return ret;
	ret = access(LFCE_DEVICE_PATH, F_OK) ? -errno : 0;
	result(!ret, "init", LFCE_DEVICE_PATH " exists");
	if (ret)
		return ret;
	ret = device_perms();
	result(!ret, "init", ret ? strerror(-ret) : LFCE_DEVICE_PATH " is root:lfce 0660");
	return ret;
}

struct tap_state {
	const char *test;
	int results;
	int failed;
	int planned;	/* -1 until a plan line is seen */
	int skip_all;
};

/* "ok 3 - text" or "not ok 3 text": the text, or NULL if not a result. */
static const char *tap_result(const char *line, int *ok)
{
	const char *p = line;

	*ok = 1;
	if (!strncmp(p, "not ok", 6)) {
		*ok = 0;
		p += 6;
	} else if (!strncmp(p, "ok", 2)) {
		p += 2;
	} else {
		return NULL;
	}
	if (*p && *p != ' ')
		return NULL;
	while (*p == ' ' || (*p >= '0' && *p <= '9'))
		p++;
	if (*p == '-')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

static void tap_line(struct tap_state *st, const char *line)
{
	const char *text;
	int ok;

	text = tap_result(line, &ok);
	if (text) {
		st->results++;
		st->failed += !ok;
		result(ok, st->test, *text ? text : "(no description)");
	} else if (!strncmp(line, "1..", 3)) {
		st->planned = atoi(line + 3);
		st->skip_all = !!strstr(line, "# SKIP");
	} else if (*line) {
		say("# %s: %s", st->test, line);
	}
}

/* Split a buffer into lines; keep the unfinished tail for the next read. */
static size_t tap_feed(struct tap_state *st, char *buf, size_t len)
{
	char *start = buf, *nl;

	buf[len] = 0;
	while ((nl = strchr(start, '\n'))) {
		*nl = 0;
		tap_line(st, start);
		start = nl + 1;
	}
	len -= start - buf;
	memmove(buf, start, len);
	return len;
}

static void tap_verdict(struct tap_state *st, int status, int timed_out)
{
	char what[128];

	if (timed_out) {
		snprintf(what, sizeof(what), "timed out after %d s", test_timeout);
		result(0, st->test, what);
	} else if (WIFSIGNALED(status)) {
		snprintf(what, sizeof(what), "killed by signal %d", WTERMSIG(status));
		result(0, st->test, what);
	} else if (WEXITSTATUS(status) == 77) {
		say("# %s: skipped", st->test);
	} else if (WEXITSTATUS(status) && !st->failed) {
		snprintf(what, sizeof(what), "exit status %d", WEXITSTATUS(status));
		result(0, st->test, what);
	} else if (!WEXITSTATUS(status) && st->failed) {
		result(0, st->test, "exit status 0 despite failures");
	} else if (st->planned != st->results) {
		snprintf(what, sizeof(what), "planned %d, ran %d", st->planned, st->results);
		result(0, st->test, what);
	}
}

/* Hand a line without its newline (a long one, or the last) to tap_feed. */
static size_t tap_flush(struct tap_state *st, char *buf, size_t have)
{
	buf[have] = '\n';
	return tap_feed(st, buf, have + 1);
}

/* Seconds on a clock that tests may not step (clock.c sets the wall clock). */
static time_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Read the child's stdout until EOF or the deadline. Returns 1 on timeout. */
static int pump(struct tap_state *st, int fd)
{
	time_t deadline = mono_s() + test_timeout;
	char buf[4096];
	size_t have = 0;
	ssize_t n;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = deadline - mono_s();

		if (left <= 0)
			return 1;
		if (poll(&pfd, 1, left * 1000) <= 0)
			continue;
		/* Leave room for tap_flush's newline and tap_feed's NUL. */
		n = read(fd, buf + have, sizeof(buf) - 2 - have);
		if (n <= 0)
			break;
		have = tap_feed(st, buf, have + n);
		if (have == sizeof(buf) - 2)
			have = tap_flush(st, buf, have);
	}
	if (have)
		tap_flush(st, buf, have);
	return 0;
}

/* Run @argv as test @name: flatten its TAP, add our own verdict. */
static void run_test(const char *name, char *const argv[])
{
	struct tap_state st = { .test = name, .planned = -1 };
	int pfd[2], status = 0, timed_out;
	pid_t pid;

	if (pipe(pfd)) {
		result(0, name, "pipe failed");
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	timed_out = pid < 0 ? 0 : pump(&st, pfd[0]);
	close(pfd[0]);
	if (pid < 0) {
		result(0, name, "fork failed");
		return;
	}
	if (timed_out)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tap_verdict(&st, status, timed_out);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void step_run_tests(void)
{
	struct dirent **names;
	int i, n = scandir(TESTS_DIR, &names, not_hidden, by_name);

	if (n <= 0) {
		result(0, "init", "no test programs in " TESTS_DIR);
		return;
	}
	for (i = 0; i < n; i++) {
		char path[512];
		char *argv[] = { path, NULL };

		snprintf(path, sizeof(path), TESTS_DIR "/%s", names[i]->d_name);
		fprintf(stderr, "lfce-vm: running %s\n", names[i]->d_name);
		run_test(names[i]->d_name, argv);
		free(names[i]);
	}
	free(names);
}

/*
 * KUnit keeps each suite's KTAP log in debugfs. Case results are indented
 * once ("    ok 1 name"); the suite's own line is not indented. Deeper
 * lines are parameters of a case, which its own line already sums up.
 */
static int kunit_suite(const char *suite)
{
	struct tap_state st = { .planned = -1 };
	char path[512], line[1024], test[160];
	int cases = 0, suite_ok = -1, ok;
	const char *text;
	FILE *f;

	snprintf(test, sizeof(test), "kunit/%s", suite);
	st.test = test;
	snprintf(path, sizeof(path), KUNIT_DIR "/%s/results", suite);
	f = fopen(path, "r");
	if (!f) {
		result(0, test, "no results in debugfs");
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "    ", 4) && line[4] != ' ') {
			cases += !!tap_result(line + 4, &ok);
			tap_line(&st, line + 4);
		} else if (!strncmp(line, "    ", 4)) {
			/* A parameter's result or a failed expectation's text. */
			say("# %s: %s", test, line + strspn(line, " "));
		} else if ((text = tap_result(line, &ok))) {
			suite_ok = ok;
		}
	}
	fclose(f);
	if (suite_ok < 0)
		result(0, test, "suite did not finish");
	else if (st.planned != cases)
		result(0, test, "case count does not match the suite's plan");
	else if (!suite_ok && !st.failed)
		result(0, test, "suite failed outside its cases");
	return cases;
}

static void step_kunit(void)
{
	struct dirent **names;
	int i, n, cases = 0, ret;

	if (access("/modules/lfce_kunit.ko", F_OK))
		return;
	ret = load_module("/modules/lfce_kunit.ko");
	result(!ret, "init", ret ? strerror(-ret) : "load lfce_kunit.ko");
	if (ret)
		return;

	n = scandir(KUNIT_DIR, &names, not_hidden, by_name);
	for (i = 0; i < n; i++) {
		if (!strncmp(names[i]->d_name, "lfce", 4))
			cases += kunit_suite(names[i]->d_name);
		free(names[i]);
	}
	if (n > 0)
		free(names);
	if (!cases)
		result(0, "init", "no lfce KUnit cases found in " KUNIT_DIR);
	ret = unload_module("lfce_kunit");
	result(!ret, "init", ret ? strerror(-ret) : "unload lfce_kunit.ko");
}

static void step_unload_lfce(void)
{
	int ret = unload_module("lfce");
	char what[128];

	snprintf(what, sizeof(what), "unload lfce.ko (%s)", ret ? strerror(-ret) : "unloaded");
	result(!ret, "init", what);
}

/*
 * kmemleak reports only objects older than 5 s, so wait that long after
 * the module has gone, then scan. Anything reported was leaked by us: the
 * boot's own reports were cleared before the module was loaded.
 */
static void step_kmemleak_check(void)
{
	char line[512];
	int leaks = 0;
	FILE *f;

	if (access(KMEMLEAK, F_OK))
		return;
	sleep(6);
	write_file(KMEMLEAK, "scan");
	write_file(KMEMLEAK, "scan");
	f = fopen(KMEMLEAK, "r");
	if (!f) {
		result(0, "init", "cannot read " KMEMLEAK);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		leaks += !strncmp(line, "unreferenced object", 19);
		fputs(line, stderr);
	}
	fclose(f);
	result(!leaks, "init", leaks ? "kmemleak found leaks (see console)" :
	       "kmemleak: no leaks after unload");
}

/* make demo: lfce-demo (tools/examples/demo.c) plays and narrates a game. */
static void step_demo(void)
{
	char *argv[] = { "/bin/lfce-demo", NULL };
	int status = -1;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		printf("lfce: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status), "demo", "lfce-demo played a game");
}

static void step_finish(void)
{
	FILE *ok = fopen("/dev/ttyS2", "w");

	kmsg("done");
	if (ok) {
		fputs("success\n", ok);
		fclose(ok);
	}
	fflush(NULL);
	sync();
	reboot(RB_AUTOBOOT);
}

/*
 * On the host, "init --run NAME PROGRAM [ARGS...]" runs one TAP program
 * the way the VM runs its tests and prints the same flat result lines, so
 * that userspace tests are judged by the same rules (plan, exit status,
 * crash, LFCE_TEST_TIMEOUT seconds).
 */
static int host_run(int argc, char **argv)
{
	const char *t = getenv("LFCE_TEST_TIMEOUT");

	if (argc < 4) {
		fprintf(stderr, "usage: %s --run NAME PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	results = stdout;
	if (t)
		test_timeout = atoi(t);
	run_test(argv[2], argv + 3);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--run"))
		return host_run(argc, argv);
	step_mount();
	step_cmdline();
	kmsg("begin");
	say("# lfce VM, mode %s", mode);
	step_kmemleak_prime();
	step_accounts();

	if (!strcmp(mode, "kunit")) {
		step_kunit();
	} else if (!step_load_lfce()) {
		if (!strcmp(mode, "demo")) {
			step_demo();
		} else {
			step_run_tests();
			if (strcmp(mode, "bench") && strcmp(mode, "soak") && strcmp(mode, "fuzz"))
				step_kunit();
		}
		step_unload_lfce();
	}
	step_kmemleak_check();
	step_finish();
	return 0;
}
