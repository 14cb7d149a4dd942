// SPDX-License-Identifier: GPL-2.0-only
/* The module's publish.c, built unchanged into lfce_kunit.ko. */
#include "../module/publish.c"
