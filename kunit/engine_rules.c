// SPDX-License-Identifier: GPL-2.0-only
/* The module's rules.c, built unchanged into lfce_kunit.ko. */
#include "../module/rules.c"
