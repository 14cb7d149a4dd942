/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_DELAY_H
#define _SHIM_LINUX_DELAY_H

#include <unistd.h>

#define msleep(ms)	usleep((ms) * 1000)
#define udelay(us)	usleep(us)

#endif
