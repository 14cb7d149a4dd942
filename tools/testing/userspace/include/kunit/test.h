/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small KUnit for userspace: enough of <kunit/test.h> to run the suites
 * in kunit/ unchanged against the userspace build of the engine, under
 * ASan, UBSan and TSan. kunit.c is the runner; it prints TAP.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
/* What the real <kunit/test.h> brings in, and tests rely on. */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

struct kunit {
	const char *name;
	int failed;
	const void *param_value;
	jmp_buf abort;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
};

#define KUNIT_PARAM_DESC_SIZE	128

#define KUNIT_CASE(fn)			{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_PARAM(fn, gen)	{ .run_case = fn, .name = #fn, .generate_params = gen }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)					\
	static const void *name##_gen_params(const void *prev, char *desc)		\
	{										\
		typeof((array)[0]) *__next = prev ? ((typeof(__next))prev) + 1 : (array); \
		void (*__get_desc)(typeof(__next), char *) = get_desc;			\
		if (__next - (array) < (long)(sizeof(array) / sizeof((array)[0]))) {	\
			if (__get_desc)							\
				__get_desc(__next, desc);				\
			return __next;							\
		}									\
		return NULL;								\
	}

void kunit_register_suite(struct kunit_suite *suite);

#define kunit_test_suite(suite)							\
	static void __attribute__((constructor)) __kunit_register_##suite(void)	\
	{									\
		kunit_register_suite(&suite);					\
	}
#define kunit_test_suites(...)	_Static_assert(0, "use kunit_test_suite() per suite")

void kunit_fail_at(struct kunit *test, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void kunit_abort(struct kunit *test) __attribute__((noreturn));
void kunit_log_info(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);
struct kunit *kunit_get_current_test(void);

#define kunit_info(test, fmt, ...)	kunit_log_info(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_log_info(test, fmt, ##__VA_ARGS__)
#define kunit_kmalloc(test, size, gfp)	kunit_kmalloc_array(test, 1, size, gfp)
#define kunit_kzalloc(test, size, gfp)	kunit_kmalloc_array(test, 1, size, (gfp) | __GFP_ZERO)
#define kunit_kcalloc(test, n, size, gfp) kunit_kmalloc_array(test, n, size, (gfp) | __GFP_ZERO)

/* One failed check: report it, and leave the case if it was an assertion. */
#define KUNIT__CHECK(test, fatal, cond, fmt, ...)				\
	do {									\
		if (!(cond)) {							\
			kunit_fail_at(test, __FILE__, __LINE__, fmt, ##__VA_ARGS__); \
			if (fatal)						\
				kunit_abort(test);				\
		}								\
	} while (0)

#define KUNIT__BINARY(test, fatal, l, op, r, fmt, ...)				\
	do {									\
		typeof(l) __l = (l);						\
		typeof(r) __r = (r);						\
		KUNIT__CHECK(test, fatal, __l op __r,				\
			     "expected %s %s %s, got %lld %s %lld " fmt,	\
			     #l, #op, #r, (long long)__l, #op, (long long)__r,	\
			     ##__VA_ARGS__);					\
	} while (0)

#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 0, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 0, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 0, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 0, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 0, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 0, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 1, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 1, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 1, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 1, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 1, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(t, l, r, fmt, ...)	KUNIT__BINARY(t, 1, l, >, r, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_EQ(t, l, r)	KUNIT_EXPECT_EQ_MSG(t, l, r, "")
#define KUNIT_EXPECT_NE(t, l, r)	KUNIT_EXPECT_NE_MSG(t, l, r, "")
#define KUNIT_EXPECT_LE(t, l, r)	KUNIT_EXPECT_LE_MSG(t, l, r, "")
#define KUNIT_EXPECT_LT(t, l, r)	KUNIT_EXPECT_LT_MSG(t, l, r, "")
#define KUNIT_EXPECT_GE(t, l, r)	KUNIT_EXPECT_GE_MSG(t, l, r, "")
#define KUNIT_EXPECT_GT(t, l, r)	KUNIT_EXPECT_GT_MSG(t, l, r, "")
#define KUNIT_ASSERT_EQ(t, l, r)	KUNIT_ASSERT_EQ_MSG(t, l, r, "")
#define KUNIT_ASSERT_NE(t, l, r)	KUNIT_ASSERT_NE_MSG(t, l, r, "")
#define KUNIT_ASSERT_LE(t, l, r)	KUNIT_ASSERT_LE_MSG(t, l, r, "")
#define KUNIT_ASSERT_LT(t, l, r)	KUNIT_ASSERT_LT_MSG(t, l, r, "")
#define KUNIT_ASSERT_GE(t, l, r)	KUNIT_ASSERT_GE_MSG(t, l, r, "")
#define KUNIT_ASSERT_GT(t, l, r)	KUNIT_ASSERT_GT_MSG(t, l, r, "")

#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...)	KUNIT__CHECK(t, 0, c, "expected %s " fmt, #c, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, fmt, ...)	KUNIT__CHECK(t, 0, !(c), "expected !(%s) " fmt, #c, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...)	KUNIT__CHECK(t, 1, c, "expected %s " fmt, #c, ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(t, c, fmt, ...)	KUNIT__CHECK(t, 1, !(c), "expected !(%s) " fmt, #c, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_EXPECT_TRUE_MSG(t, c, "")
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_EXPECT_FALSE_MSG(t, c, "")
#define KUNIT_ASSERT_TRUE(t, c)		KUNIT_ASSERT_TRUE_MSG(t, c, "")
#define KUNIT_ASSERT_FALSE(t, c)	KUNIT_ASSERT_FALSE_MSG(t, c, "")
#define KUNIT_EXPECT_NOT_NULL(t, p)	KUNIT_EXPECT_TRUE_MSG(t, (p) != NULL, "")
#define KUNIT_ASSERT_NOT_NULL(t, p)	KUNIT_ASSERT_TRUE_MSG(t, (p) != NULL, "")
#define KUNIT_EXPECT_NULL(t, p)		KUNIT_EXPECT_TRUE_MSG(t, (p) == NULL, "")
#define KUNIT_EXPECT_MEMEQ(t, a, b, n)	KUNIT_EXPECT_TRUE_MSG(t, !memcmp(a, b, n), "")
#define KUNIT_EXPECT_MEMNEQ(t, a, b, n)	KUNIT_EXPECT_TRUE_MSG(t, memcmp(a, b, n), "")
#define KUNIT_EXPECT_STREQ(t, a, b)	KUNIT_EXPECT_TRUE_MSG(t, !strcmp(a, b), "")
#define KUNIT_FAIL(t, fmt, ...)		KUNIT__CHECK(t, 0, 0, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FAILURE(t, fmt, ...) KUNIT__CHECK(t, 1, 0, fmt, ##__VA_ARGS__)

#endif /* _SHIM_KUNIT_TEST_H */
