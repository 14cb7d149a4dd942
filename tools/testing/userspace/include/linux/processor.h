/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_PROCESSOR_H
#define _SHIM_LINUX_PROCESSOR_H

#include <asm/processor.h>

#endif /* _SHIM_LINUX_PROCESSOR_H */
