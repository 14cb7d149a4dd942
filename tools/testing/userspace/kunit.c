// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runner for the KUnit suites built in userspace: every registered suite,
 * every case (and parameter), one TAP line each; then the shim's own
 * checks: no allocation left, no kernel warning raised.
 *
 *   usage: kunit [-s seed] [suite-name-prefix]
 *
 * Suites that make random choices take them from shim_seed(), printed at
 * the start; -s replays a run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>

#include "shim.h"

#define MAX_SUITES	32

static struct kunit_suite *suites[MAX_SUITES];
static unsigned int nr_suites;
static __thread struct kunit *current_test;
static int tap_count;
static unsigned long long seed;

unsigned long long shim_seed(void)
{
	return seed;
}

/* Memory a case allocated with kunit_kzalloc() and friends; freed after it. */
struct case_alloc {
	struct case_alloc *next;
	void *ptr;
};

static struct case_alloc *allocs;

void kunit_register_suite(struct kunit_suite *suite)
{
	if (nr_suites == MAX_SUITES)
		abort();
	suites[nr_suites++] = suite;
}

struct kunit *kunit_get_current_test(void)
{
	return current_test;
}

void kunit_fail_at(struct kunit *test, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s: FAILED at %s:%d: ", test->name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	test->failed = 1;
}

void kunit_abort(struct kunit *test)
{
	longjmp(test->abort, 1);
}

void kunit_log_info(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", test->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	struct case_alloc *a = calloc(1, sizeof(*a));
	void *p = kmalloc_array(n, size, gfp);

	if (!a || !p) {
		free(a);
		kfree(p);
		return NULL;
	}
	a->ptr = p;
	a->next = allocs;
	allocs = a;
	return p;
}

static void free_case_allocs(void)
{
	struct case_alloc *a;

	while ((a = allocs)) {
		allocs = a->next;
		kfree(a->ptr);
		free(a);
	}
}

static void tap(bool ok, const char *suite, const char *name, const char *param)
{
	printf("%sok %d - %s: %s%s%s\n", ok ? "" : "not ", ++tap_count, suite, name,
	       param ? " " : "", param ? param : "");
	fflush(stdout);
}

static bool run_one(struct kunit_suite *suite, struct kunit_case *c, const void *param)
{
	struct kunit test = { .name = c->name, .param_value = param };

	current_test = &test;
	if (!setjmp(test.abort)) {
		if (suite->init && suite->init(&test))
			test.failed = 1;
		else
			c->run_case(&test);
	}
	if (suite->exit)
		suite->exit(&test);
	shim_kthread_reap();
	free_case_allocs();
	current_test = NULL;
	return !test.failed;
}

static int run_case(struct kunit_suite *suite, struct kunit_case *c)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	const void *param = NULL;
	int failed = 0;

	if (!c->generate_params) {
		failed = !run_one(suite, c, NULL);
		tap(!failed, suite->name, c->name, NULL);
		return failed;
	}
	for (;;) {
		desc[0] = 0;
		param = c->generate_params(param, desc);
		if (!param)
			break;
		if (!run_one(suite, c, param)) {
			failed++;
			tap(false, suite->name, c->name, desc);
		}
	}
	tap(!failed, suite->name, c->name, NULL);
	return failed;
}

int main(int argc, char **argv)
{
	const char *only = "";
	unsigned long warnings;
	unsigned int i;
	int failed = 0, c;
	long left;

	seed = time(NULL) ^ getpid();
	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's') {
			fprintf(stderr, "usage: %s [-s seed] [suite-name-prefix]\n", argv[0]);
			return 2;
		}
		seed = strtoull(optarg, NULL, 0);
	}
	if (optind < argc)
		only = argv[optind];
	printf("# seed %llu (replay with -s %llu)\n", seed, seed);
	shim_random_seed(seed);
	shim_rcu_register_thread();
	for (i = 0; i < nr_suites; i++) {
		struct kunit_case *c;

		if (strncmp(suites[i]->name, only, strlen(only)))
			continue;
		for (c = suites[i]->test_cases; c->run_case; c++)
			failed += run_case(suites[i], c);
	}
	shim_rcu_unregister_thread();
	shim_rcu_exit();

	left = __atomic_load_n(&shim_nr_allocated, __ATOMIC_RELAXED);
	warnings = __atomic_load_n(&shim_warnings, __ATOMIC_RELAXED);
	printf("%sok %d - shim: no allocation left (%ld)\n", left ? "not " : "", ++tap_count, left);
	printf("%sok %d - shim: no kernel warning (%lu)\n", warnings ? "not " : "",
	       ++tap_count, warnings);
	printf("1..%d\n", tap_count);
	return failed || left || warnings ? 1 : 0;
}
