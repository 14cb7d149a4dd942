// SPDX-License-Identifier: GPL-2.0-only
/* The module's craps.c, built unchanged into lfce_kunit.ko. */
#include "../module/craps.c"
