// SPDX-License-Identifier: GPL-2.0-only
/* The module's proposal.c, built unchanged into lfce_kunit.ko. */
#include "../module/proposal.c"
