// SPDX-License-Identifier: GPL-2.0-only
/*
 * json: the writer behind json.h. It keeps a stack of "has this container
 * got a member yet", so callers never think about commas.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"

#define DEPTH_MAX	16

static FILE *out;
static bool pretty;
static int depth;
static bool has_member[DEPTH_MAX];

void json_init(FILE *f, bool indent)
{
	out = f;
	pretty = indent;
	depth = 0;
	has_member[0] = false;
}

static void indent(void)
{
	int i;

	if (!pretty)
		return;
	fputc('\n', out);
	for (i = 0; i < depth; i++)
		fputs("  ", out);
}

static void put_string(const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* A comma if needed, the indentation, and "key": inside an object. */
static void member(const char *key)
{
	if (depth && has_member[depth])
		fputc(',', out);
	if (depth) {
		has_member[depth] = true;
		indent();
	}
	if (key) {
		put_string(key);
		fputs(pretty ? ": " : ":", out);
	}
}

static void open_container(const char *key, char c)
{
	member(key);
	fputc(c, out);
	if (depth + 1 < DEPTH_MAX)
		depth++;
	has_member[depth] = false;
}

static void close_container(char c)
{
	bool any = has_member[depth];

	if (depth)
		depth--;
	if (any)
		indent();
	fputc(c, out);
}

void json_begin_obj(const char *key)
{
	open_container(key, '{');
}

void json_end_obj(void)
{
	close_container('}');
}

void json_begin_arr(const char *key)
{
	open_container(key, '[');
}

void json_end_arr(void)
{
	close_container(']');
}

void json_str(const char *key, const char *v)
{
	member(key);
	put_string(v);
}

void json_u64(const char *key, __u64 v)
{
	member(key);
	fprintf(out, "%llu", v);
}

void json_s64(const char *key, __s64 v)
{
	member(key);
	fprintf(out, "%lld", v);
}

void json_bool(const char *key, bool v)
{
	member(key);
	fputs(v ? "true" : "false", out);
}

void json_null(const char *key)
{
	member(key);
	fputs("null", out);
}

void json_hex64(const char *key, __u64 v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016llx", v);
	json_str(key, buf);
}

void json_hexbytes(const char *key, const uint8_t *p, size_t n)
{
	char buf[2 * 64 + 1];
	size_t i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * n] = '\0';
	json_str(key, buf);
}

void json_done(void)
{
	fputc('\n', out);
	fflush(out);
	depth = 0;
	has_member[0] = false;
}
