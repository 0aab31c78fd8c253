/*
 * test_signed.c - signed cookie values (S-C5): round trips, every kind
 * of edit refused, malformed values, the pair helpers, and a known
 * answer computed independently (HMAC-SHA-512-256 of "cookie\0" ||
 * payload).
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

#include "state/signed.h"
#include "unit.h"

static const unsigned char key[32] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
};

static char *make(const char *payload)
{
	struct buf b;

	buf_init(&b);
	assert_int_equal(signed_make(payload, &b), ERR_OK);
	return buf_steal(&b);
}

static void test_round_trip_and_known_answer(void **state)
{
	char out[SIGNED_PAYLOAD_MAX + 1];
	unsigned char mac[32];
	char b64[SIGNED_TAG_LEN + 1];
	char *v;

	(void)state;
	signed_init(key);
	v = make("alice.user");
	crypto_auth_hmacsha512256(mac, (const unsigned char *)
				  "cookie\0alice.user", 17, key);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(strlen(v), 10 + 1 + SIGNED_TAG_LEN);
	assert_memory_equal(v, "alice.user.", 11);
	assert_string_equal(v + 11, b64);
	assert_int_equal(signed_verify(v, out, sizeof(out)), SIGNED_OK);
	assert_string_equal(out, "alice.user");
	free(v);
}

static void test_edits_refused(void **state)
{
	char out[SIGNED_PAYLOAD_MAX + 1];
	char *v, *t;
	size_t i, n;

	(void)state;
	signed_init(key);
	v = make("alice.user");
	n = strlen(v);
	/* Flip every byte in turn to another base64url or payload byte. */
	for (i = 0; i < n; i++) {
		if (v[i] == '.')
			continue;
		t = strdup(v);
		t[i] = t[i] == 'a' ? 'b' : 'a';
		CHECK(signed_verify(t, out, sizeof(out)) != SIGNED_OK, i);
		CHECK(out[0] == '\0', i);
		free(t);
	}
	/* Another key: refused. */
	{
		unsigned char k2[32] = { 9 };

		signed_init(k2);
		assert_int_equal(signed_verify(v, out, sizeof(out)),
				 SIGNED_BAD_TAG);
	}
	free(v);
}

static void test_malformed(void **state)
{
	static const struct { const char *v; enum signed_why want; } rows[] = {
		{ NULL, SIGNED_MISSING }, { "", SIGNED_MISSING },
		{ "noseparator", SIGNED_MALFORMED },
		{ "alice.user.", SIGNED_MALFORMED },
		{ ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  SIGNED_MALFORMED },
		{ "a.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  SIGNED_MALFORMED },
		{ "a.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  SIGNED_MALFORMED },
		{ "a.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		  SIGNED_MALFORMED },
		{ "a b.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  SIGNED_MALFORMED },
		{ "a.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
		  SIGNED_MALFORMED },
		{ "a.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		  SIGNED_BAD_TAG },
	};
	char out[SIGNED_PAYLOAD_MAX + 1];
	size_t i;

	(void)state;
	signed_init(key);
	for (i = 0; i < NROWS(rows); i++)
		CHECK(signed_verify(rows[i].v, out, sizeof(out)) ==
		      rows[i].want, i);
}

static void test_payload_limits(void **state)
{
	struct buf b;
	char *big = repeat('p', SIGNED_PAYLOAD_MAX + 1);

	(void)state;
	signed_init(key);
	buf_init(&b);
	assert_int_equal(signed_make(big, &b), ERR_INVAL);
	big[SIGNED_PAYLOAD_MAX] = '\0';
	assert_int_equal(signed_make(big, &b), ERR_OK);
	assert_int_equal(signed_make("", &b) == ERR_INVAL, 1);
	assert_int_equal(signed_make("a;b", &b) == ERR_INVAL, 1);
	assert_int_equal(signed_make("a b", &b) == ERR_INVAL, 1);
	assert_int_equal(b.len, SIGNED_PAYLOAD_MAX + 1 + SIGNED_TAG_LEN);
	buf_cleanup(&b);
	free(big);
}

static void test_pairs(void **state)
{
	char a[SIGNED_FIELD_MAX + 1], bb[SIGNED_FIELD_MAX + 1];
	struct buf b;
	char *v;

	(void)state;
	signed_init(key);
	buf_init(&b);
	assert_int_equal(signed_pair_make("alice", "user", &b), ERR_OK);
	assert_int_equal(signed_pair_read(b.data, a, bb), SIGNED_OK);
	assert_string_equal(a, "alice");
	assert_string_equal(bb, "user");
	buf_cleanup(&b);
	assert_int_equal(signed_pair_make("Alice", "user", &b), ERR_INVAL);
	assert_int_equal(signed_pair_make("a.b", "user", &b), ERR_INVAL);
	assert_int_equal(signed_pair_make("", "user", &b), ERR_INVAL);
	assert_int_equal(signed_pair_make("alice", NULL, &b), ERR_INVAL);
	/* A valid signature over a payload that is not a pair. */
	v = make("justone");
	assert_int_equal(signed_pair_read(v, a, bb), SIGNED_MALFORMED);
	assert_string_equal(a, "");
	free(v);
	v = make("a.b.c");
	assert_int_equal(signed_pair_read(v, a, bb), SIGNED_MALFORMED);
	free(v);
	assert_string_equal(signed_why_key(SIGNED_BAD_TAG),
			    "tamper.why.bad_tag");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_known_answer),
		cmocka_unit_test(test_edits_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_payload_limits),
		cmocka_unit_test(test_pairs),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
