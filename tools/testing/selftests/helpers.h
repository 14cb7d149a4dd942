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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif /* LFCE_TEST_HELPERS_H */
