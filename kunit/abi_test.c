// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the argument-struct rules of uapi/linux/lfce.h, tested against the
 * module's own abi.c, which is built into this test module unchanged.
 */
#include <kunit/test.h>
#include <linux/lfce.h>
#include <linux/stddef.h>

#include "../module/abi.c"

struct size_case {
	u32 usize;
	int want;
};

/* Every boundary of lfce_abi_check_size(), for the version struct. */
static const struct size_case version_sizes[] = {
	{ 0, -EINVAL },
	{ 4, -EINVAL },
	{ LFCE_VERSION_SIZE_VER0 - 1, -EINVAL },
	{ LFCE_VERSION_SIZE_VER0, 0 },
	{ LFCE_VERSION_SIZE_VER0 + 8, 0 },
	{ LFCE_ARG_SIZE_MAX, 0 },
	{ LFCE_ARG_SIZE_MAX + 1, -E2BIG },
	{ U32_MAX, -E2BIG },
};

static void abi_check_size(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(version_sizes); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    lfce_abi_check_size(version_sizes[i].usize,
							LFCE_VERSION_SIZE_VER0),
				    version_sizes[i].want,
				    "usize %u", version_sizes[i].usize);
}

/* Dispatch must see the same command whatever size the caller compiled. */
static void abi_cmd_ignores_size(struct kunit *test)
{
	unsigned int small = _IOWR(LFCE_IOC_MAGIC, 0x00, __u32);
	unsigned int big = _IOWR(LFCE_IOC_MAGIC, 0x00, char[600]);
	unsigned int other_nr = _IOWR(LFCE_IOC_MAGIC, 0x01, struct lfce_version);
	unsigned int other_dir = _IOR(LFCE_IOC_MAGIC, 0x00, struct lfce_version);

	KUNIT_EXPECT_EQ(test, LFCE_ABI_CMD(small), LFCE_ABI_CMD(LFCE_IOC_VERSION));
	KUNIT_EXPECT_EQ(test, LFCE_ABI_CMD(big), LFCE_ABI_CMD(LFCE_IOC_VERSION));
	KUNIT_EXPECT_NE(test, LFCE_ABI_CMD(other_nr), LFCE_ABI_CMD(LFCE_IOC_VERSION));
	KUNIT_EXPECT_NE(test, LFCE_ABI_CMD(other_dir), LFCE_ABI_CMD(LFCE_IOC_VERSION));
}

/* The published layout: sizes and offsets may never change. */
static void abi_version_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct lfce_version), LFCE_VERSION_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, offsetof(struct lfce_version, size), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct lfce_version, abi_version), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct lfce_version, features), 8);
	KUNIT_EXPECT_LE(test, LFCE_ARG_SIZE_MAX, PAGE_SIZE);
}

/*
 * CREATE: struct lfce_config grew in VER1, moving game_id; the kernel puts
 * a VER0 caller's game_id back where VER0 had it, over the new fields.
 */
static void abi_create_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct lfce_create), LFCE_CREATE_SIZE_VER1);
	KUNIT_EXPECT_EQ(test, offsetof(struct lfce_create, config), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct lfce_create, config.governable),
			LFCE_CREATE_SIZE_VER0 - 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct lfce_create, game_id), LFCE_CREATE_SIZE_VER1 - 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct lfce_config) % 8, 0);
}

static struct kunit_case abi_cases[] = {
	KUNIT_CASE(abi_check_size),
	KUNIT_CASE(abi_cmd_ignores_size),
	KUNIT_CASE(abi_version_layout),
	KUNIT_CASE(abi_create_layout),
	{}
};

static struct kunit_suite abi_suite = {
	.name = "lfce_abi",
	.test_cases = abi_cases,
};

kunit_test_suite(abi_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for lfce");
