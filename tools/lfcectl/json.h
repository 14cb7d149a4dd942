/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json: a small streaming JSON writer for lfcectl's -j output. One
 * document per invocation; -p indents it. Numbers are printed in the C
 * locale; digests, ids, seeds and secrets go out as hex strings.
 */
#ifndef LFCECTL_JSON_H
#define LFCECTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <stdio.h>

void json_init(FILE *f, bool pretty);
void json_begin_obj(const char *key);
void json_end_obj(void);
void json_begin_arr(const char *key);
void json_end_arr(void);
void json_str(const char *key, const char *v);
void json_u64(const char *key, __u64 v);
void json_s64(const char *key, __s64 v);
void json_bool(const char *key, bool v);
void json_null(const char *key);
void json_hex64(const char *key, __u64 v);
void json_hexbytes(const char *key, const uint8_t *p, size_t n);
/* End a top-level document: a newline, and a flush for journal follow. */
void json_done(void);

#endif /* LFCECTL_JSON_H */
