// SPDX-License-Identifier: GPL-2.0-only
/* The module's round.c, built unchanged into lfce_kunit.ko. */
#include "../module/round.c"
