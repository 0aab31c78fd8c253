/*
 * test_cookieval.c - percent-encoded text in cookie values (S-H1):
 * round trips, Korean text, and hostile rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "lessons/cookieval.h"
#include "unit.h"

static void test_encode_table(void **state)
{
	static const struct { const char *in; enum err e; const char *out; }
	rows[] = {
		{ "alice", ERR_OK, "alice" },
		{ "김 철수", ERR_OK, "%EA%B9%80%20%EC%B2%A0%EC%88%98" },
		{ "a;b=c,\"d\"\\", ERR_OK, "a%3Bb%3Dc%2C%22d%22%5C" },
		{ "-_.~", ERR_OK, "-_.~" },
		{ "", ERR_INVAL, NULL }, { NULL, ERR_INVAL, NULL },
		{ "a\tb", ERR_INVAL, NULL }, { "a\x7f", ERR_INVAL, NULL },
		{ "\xff", ERR_INVAL, NULL }, { "\xc0\xaf", ERR_INVAL, NULL },
	};
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		buf_init(&b);
		CHECK(cookieval_encode(rows[i].in, &b) == rows[i].e, i);
		if (rows[i].out)
			CHECK(b.data && !strcmp(b.data, rows[i].out), i);
		else
			CHECK(b.len == 0, i);
		buf_cleanup(&b);
	}
}

static void test_limits(void **state)
{
	char *s = repeat('x', COOKIEVAL_TEXT_MAX + 1), *out;
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(cookieval_encode(s, &b), ERR_TOOBIG);
	s[COOKIEVAL_TEXT_MAX] = '\0';
	assert_int_equal(cookieval_encode(s, &b), ERR_OK);
	assert_int_equal(cookieval_decode(b.data, &out), ERR_OK);
	assert_string_equal(out, s);
	free(out);
	buf_cleanup(&b);
	free(s);
}

static void test_decode_table(void **state)
{
	static const struct { const char *in; enum err e; const char *out; }
	rows[] = {
		{ "%EA%B9%80", ERR_OK, "김" }, { "plain", ERR_OK, "plain" },
		{ "a+b", ERR_OK, "a+b" },
		{ "%zz", ERR_INVAL, NULL }, { "%4", ERR_INVAL, NULL },
		{ "%00", ERR_INVAL, NULL }, { "%FF", ERR_INVAL, NULL },
		{ "%09", ERR_INVAL, NULL }, { "", ERR_INVAL, NULL },
		{ NULL, ERR_INVAL, NULL },
	};
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(cookieval_decode(rows[i].in, &out) == rows[i].e, i);
		if (rows[i].out)
			CHECK(out && !strcmp(out, rows[i].out), i);
		else
			CHECK(out == NULL, i);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_decode_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
