// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the kernel would write to its log: WARN*(), BUG*() and printk(),
 * here on stderr. Warnings are also counted in shim_warnings, so that a run
 * can check it triggered none (or exactly those it provoked); shim_quiet
 * silences the output of tests that provoke them, not the count (<shim.h>).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/printk.h>
#include <shim.h>

unsigned long shim_warnings;
bool shim_quiet;

void shim_warn(bool *once, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&shim_warnings, 1, __ATOMIC_RELAXED);
	if (once && __atomic_exchange_n(once, true, __ATOMIC_RELAXED))
		return;
	if (READ_ONCE(shim_quiet))
		return;
	va_start(ap, fmt);
	fprintf(stderr, "WARNING: %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void shim_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, what);
	abort();
}

int shim_printk(const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (READ_ONCE(shim_quiet))
		return 0;
	/* Drop the log level: KERN_SOH and one character. */
	if (fmt[0] == KERN_SOH[0] && fmt[1])
		fmt += 2;
	va_start(ap, fmt);
	ret = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return ret;
}
