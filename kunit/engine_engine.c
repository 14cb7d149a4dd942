// SPDX-License-Identifier: GPL-2.0-only
/* The module's engine.c, built unchanged into lfce_kunit.ko. */
#include "../module/engine.c"
