// SPDX-License-Identifier: GPL-2.0-only
/* The module's pool.c, built unchanged into lfce_kunit.ko. */
#include "../module/pool.c"
