/*
 * fuzz_cookie.c - libFuzzer harness for cookie.c (RFC 6265 §5.4 parsing,
 * §4.1.1 building).
 *
 * The whole input is one Cookie header for cookie_parse, checked against
 * the jar's invariants. The same bytes also make a cookie_spec (byte 0:
 * flags, byte 1: Max-Age/Expires seed, then name, value, path and domain
 * separated by NUL bytes) for cookie_build, whose output must be a clean
 * header line that parses back to the same name and value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/cookie.h"
#include "http/http.h"
#include "base/utf8.h"

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_jar: what every successfully parsed jar must satisfy. */
static void check_jar(const struct cookie_jar *jar)
{
	size_t i, j, dups = 0;

	ENSURE(jar->n <= COOKIE_PAIRS_MAX);
	for (i = 0; i < jar->n; i++) {
		const struct cookie_pair *p = &jar->pairs[i];
		size_t nl = strlen(p->name), vl = strlen(p->value);
		int seen = 0;

		ENSURE(nl > 0 && nl <= COOKIE_NAME_MAX);
		ENSURE(nl + vl <= COOKIE_SIZE_MAX);
		ENSURE(!strchr(p->name, ';') && !strchr(p->name, '='));
		ENSURE(!strchr(p->value, ';'));
		ENSURE(p->name[0] != ' ' && p->name[0] != '\t');
		ENSURE(p->name[nl - 1] != ' ' && p->name[nl - 1] != '\t');
		ENSURE(vl == 0 || (p->value[0] != ' ' && p->value[0] != '\t'));
		ENSURE(vl == 0 || (p->value[vl - 1] != ' ' &&
				   p->value[vl - 1] != '\t'));
		ENSURE(utf8_valid(p->name, nl) && utf8_valid(p->value, vl));
		for (j = 0; j < i; j++)
			if (strcmp(jar->pairs[j].name, p->name) == 0)
				seen = 1;
		ENSURE(p->duplicate == seen);
		dups += (size_t)seen;
		if (!seen)
			ENSURE(cookie_get(jar, p->name) == p->value);
		ENSURE(cookie_count(jar, p->name) >= 1);
	}
	ENSURE(dups == jar->n_duplicate);
}

/* fuzz_build: build a spec from the input and check the result. */
static void fuzz_build(const uint8_t *data, size_t size)
{
	struct cookie_spec c;
	struct cookie_jar jar;
	struct buf out;
	const char *why = NULL, *part[4] = { NULL, NULL, NULL, NULL };
	char *copy, *p, *end;
	size_t i, k, nl, vl;
	enum err e;

	if (size < 2)
		return;
	copy = malloc(size - 2 + 1);
	if (!copy)
		return;
	memcpy(copy, data + 2, size - 2);
	copy[size - 2] = '\0';
	end = copy + (size - 2);
	for (p = copy, k = 0; k < 4 && p <= end; k++) {
		part[k] = p;
		p += strlen(p) + 1;
	}
	memset(&c, 0, sizeof(c));
	c.name = part[0];
	c.value = part[1];
	c.path = part[2];
	c.domain = part[3];
	c.has_max_age = data[0] & 1;
	c.max_age = (long)(int8_t)data[1] * 1000L;
	c.has_expires = (data[0] >> 1) & 1;
	c.expires = (time_t)((int64_t)(int8_t)data[1] * 100000000LL);
	c.secure = (data[0] >> 2) & 1;
	c.http_only = (data[0] >> 3) & 1;
	c.same_site = (enum cookie_samesite)((data[0] >> 4) & 7);

	buf_init(&out);
	if (buf_puts(&out, "X") != ERR_OK)
		abort();
	e = cookie_build(&c, &out, &why);
	if (e != ERR_OK) {
		ENSURE(why != NULL && why[0] != '\0');
		ENSURE(out.len == 1);
		goto out;
	}
	ENSURE(why == NULL);
	nl = strlen(c.name);
	vl = c.value ? strlen(c.value) : 0;
	ENSURE(out.len > 1 + nl);
	ENSURE(memcmp(out.data + 1, c.name, nl) == 0);
	ENSURE(out.data[1 + nl] == '=');
	/* A header line: no control byte, nothing but ASCII. */
	for (i = 1; i < out.len; i++) {
		unsigned char ch = (unsigned char)out.data[i];

		ENSURE(ch >= 0x20 && ch < 0x7f);
	}
	/* name=value parses back to exactly one pair. */
	ENSURE(cookie_parse(out.data + 1, nl + 1 + vl, &jar) == ERR_OK);
	ENSURE(jar.n == 1);
	ENSURE(strcmp(jar.pairs[0].name, c.name) == 0);
	ENSURE(strcmp(jar.pairs[0].value, c.value ? c.value : "") == 0);
	cookie_jar_free(&jar);
	if (c.same_site == SAMESITE_NONE)
		ENSURE(c.secure);
out:
	buf_cleanup(&out);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cookie_jar jar;
	enum err e = cookie_parse((const char *)data, size, &jar);

	if (e == ERR_OK) {
		check_jar(&jar);
	} else {
		ENSURE(e == ERR_INVAL || e == ERR_TOOBIG || e == ERR_NOMEM);
		ENSURE(jar.pairs == NULL && jar.n == 0 &&
		       jar.n_duplicate == 0);
	}
	cookie_jar_free(&jar);
	fuzz_build(data, size);
	return 0;
}
