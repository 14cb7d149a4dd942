/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Included at the end of a trace header. In the kernel it generates the
 * events when CREATE_TRACE_POINTS is set; here there is nothing to generate.
 */
