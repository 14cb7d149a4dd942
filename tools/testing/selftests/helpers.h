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
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * The errnos uapi/linux/lfce.h documents for lfce's ioctls, read(2), mmap(2)
 * and open(2) (EACCES: not in group lfce; ENFILE: the system's file table):
 * what a call may return when it fails, whatever the input.
 */
static inline int t_documented_errno(int e)
{
	switch (e) {
	case ENOTTY: case EFAULT: case E2BIG: case EINVAL: case EBADF:
	case ENOTCONN: case ENOENT: case ENODEV: case EPERM: case EISCONN:
	case EBUSY: case EMFILE: case EDQUOT: case EUSERS: case EMSGSIZE:
	case ENOMEM: case EINTR: case EAGAIN: case EALREADY: case ESTALE:
	case EPROTO: case ENOSPC: case ETIME: case ESPIPE: case EACCES:
	case ENFILE:
		return 1;
	}
	return 0;
}

/* Where the VM keeps the module (tools/testing/vm/run.sh). */
#define T_LFCE_MODULE	"/modules/lfce.ko"
#define T_LFCE_DEVICE	"/dev/lfce"

/*
 * The VM's accounts, written by tools/testing/vm/init.c as the packages set
 * up a host: /dev/lfce is root:lfce 0660, and the test uids are members of
 * group lfce, except T_OUTSIDER, which has an account and no membership.
 */
#define T_LFCE_GROUP	"lfce"
#define T_OUTSIDER	2999

/* The gid of group lfce in /etc/group, or -1 if there is none. */
static inline int t_lfce_gid(void)
{
	FILE *f = fopen("/etc/group", "re");
	struct group *g;
	int gid = -1;

	while (f && (g = fgetgrent(f)))
		if (!strcmp(g->gr_name, T_LFCE_GROUP))
			gid = g->gr_gid;
	if (f)
		fclose(f);
	return gid;
}

/*
 * The supplementary groups of @uid's account, from /etc/passwd and
 * /etc/group, as initgroups() would set them at login (without NSS, which
 * static programs cannot load). Up to @max into @gids; returns how many.
 */
static inline int t_user_groups(uid_t uid, gid_t *gids, int max)
{
	char name[64] = "";
	struct passwd *pw;
	struct group *g;
	FILE *f = fopen("/etc/passwd", "re");
	int n = 0;

	while (f && (pw = fgetpwent(f)))
		if (pw->pw_uid == uid)
			snprintf(name, sizeof(name), "%s", pw->pw_name);
	if (f)
		fclose(f);
	f = name[0] ? fopen("/etc/group", "re") : NULL;
	while (f && n < max && (g = fgetgrent(f)))
		for (char **m = g->gr_mem; *m; m++)
			if (!strcmp(*m, name)) {
				gids[n++] = g->gr_gid;
				break;
			}
	if (f)
		fclose(f);
	return n;
}

/* Become @uid (gid the same) with its account's groups: 0 or -errno. */
static inline int t_become(uid_t uid)
{
	gid_t gids[16];
	int n = t_user_groups(uid, gids, 16);

	if (setgroups(n, gids) || setgid(uid) || setuid(uid))
		return -errno;
	return 0;
}

/* What the packages' udev rule does: /dev/lfce root:lfce 0660. */
static inline int t_device_perms(void)
{
	int gid = t_lfce_gid();

	if (gid >= 0 && chown(T_LFCE_DEVICE, 0, gid))
		return -errno;
	return chmod(T_LFCE_DEVICE, 0660) ? -errno : 0;
}

/*
 * Load lfce with module parameters @params, then set /dev/lfce up as udev
 * would. Returns 0 or -errno; t_skip() if there is no module to load.
 */
static inline int t_load_lfce(const char *params)
{
	int fd, ret;

	if (access(T_LFCE_MODULE, R_OK))
		t_skip("no " T_LFCE_MODULE " to load");
	fd = open(T_LFCE_MODULE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret ? ret : t_device_perms();
}

/*
 * Reload lfce with module parameters @params ("" for the defaults), to test
 * the limits. No handle or mapping may be left (the unload is refused).
 * Returns 0 or -errno; t_skip() if there is no module to load.
 */
static inline int t_reload_lfce(const char *params)
{
	if (access(T_LFCE_MODULE, R_OK))
		t_skip("no " T_LFCE_MODULE " to reload");
	if (syscall(SYS_delete_module, "lfce", O_NONBLOCK))
		return -errno;
	return t_load_lfce(params);
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
		if (t_become(uid))
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
