/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LFCE_DEVICE_H
#define _LFCE_DEVICE_H

int lfce_device_init(void);
void lfce_device_uninit(void);

#endif /* _LFCE_DEVICE_H */
