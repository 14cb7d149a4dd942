/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TAP helpers shared by the in-VM test programs.
 *
 * Each test is one self-contained program: it opens with a "Description:"
 * comment, reports each assertion with t_ok() or t_errno(), and ends with
 * "return t_done();", which prints the plan and picks the exit status:
 * T_EXIT_PASS, T_EXIT_FAIL, or T_EXIT_SKIP via t_skip().
 */
#ifndef LFCE_TEST_HELPERS_H
#define LFCE_TEST_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define T_EXIT_PASS	0
#define T_EXIT_FAIL	1
#define T_EXIT_SKIP	77

static int t_count;
static int t_failed;

/* Report one assertion; returns cond so callers can bail out early. */
static inline int __attribute__((format(printf, 2, 3)))
t_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++t_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	t_failed += !cond;
	return cond;
}

/*
 * Assert that a call returning -1/errno failed with exactly @want. Call
 * it right after the call, before anything else can clobber errno.
 */
#define t_errno(ret, want, fmt, ...)						\
	({									\
		int __r = (ret);						\
		int __e = errno;						\
		t_ok(__r == -1 && __e == (want), fmt " -> %s (got %d, %s)",	\
		     ##__VA_ARGS__, #want, __r, __r == -1 ? strerror(__e) : "success"); \
	})

/* A diagnostic line: TAP comment, not a result. */
static inline void __attribute__((format(printf, 1, 2)))
t_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline int t_done(void)
{
	printf("1..%d\n", t_count);
	fflush(stdout);
	return t_failed ? T_EXIT_FAIL : T_EXIT_PASS;
}

static inline void __attribute__((noreturn)) t_skip(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	fflush(stdout);
	exit(T_EXIT_SKIP);
}

/* Where the VM keeps the module (tools/testing/vm/run.sh). */
#define T_LFCE_MODULE	"/modules/lfce.ko"

/*
 * Reload lfce with module parameters @params ("" for the defaults), to test
 * the limits. No handle or mapping may be left (the unload is refused).
 * Returns 0 or -errno; t_skip() if there is no module to load.
 */
static inline int t_reload_lfce(const char *params)
{
	int fd, ret;

	if (access(T_LFCE_MODULE, R_OK))
		t_skip("no " T_LFCE_MODULE " to reload");
	if (syscall(SYS_delete_module, "lfce", O_NONBLOCK))
		return -errno;
	fd = open(T_LFCE_MODULE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * Run @fn(@arg) in a child as @uid (and gid). It reports with t_ok() like
 * the parent, and its results count in the parent's plan. Returns the
 * child's wait status.
 */
static inline int t_as_uid(uid_t uid, void (*fn)(void *arg), void *arg)
{
	int pfd[2], counts[2] = { 0, 0 }, status = -1;
	pid_t pid;

	fflush(stdout);
	if (pipe(pfd))
		return t_ok(0, "pipe for a child as uid %u", uid), -1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		/* The raw calls: no _GNU_SOURCE needed, one thread anyway. */
		if (syscall(SYS_setresgid, uid, uid, uid) || syscall(SYS_setresuid, uid, uid, uid))
			t_ok(0, "become uid %u", uid);
		else
			fn(arg);
		counts[0] = t_count;
		counts[1] = t_failed;
		_exit(write(pfd[1], counts, sizeof(counts)) == sizeof(counts) ? 0 : 1);
	}
	close(pfd[1]);
	if (pid > 0 && read(pfd[0], counts, sizeof(counts)) == sizeof(counts)) {
		t_count = counts[0];
		t_failed = counts[1];
	} else {
		t_ok(0, "the child as uid %u reported back", uid);
	}
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

#endif /* LFCE_TEST_HELPERS_H */
