/*
 * test_compare.c - the cookie-only pane of S-X1: the signed login (user,
 * role, expiry) and the signed cart bound to its user; round trips, the
 * expiry, every refusal, the line rules and the size limit.
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

#include "lessons/compare.h"
#include "unit.h"

static const unsigned char key[32] = {
	9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
};

static char *sign(const char *payload)
{
	struct buf b;

	buf_init(&b);
	assert_int_equal(signed_make(payload, &b), ERR_OK);
	return buf_steal(&b);
}

static void test_login_round_trip_and_expiry(void **state)
{
	struct compare_login l;
	struct buf b;

	(void)state;
	signed_init(key);
	buf_init(&b);
	assert_int_equal(compare_login_make("alice", "user", 1000, &b), ERR_OK);
	assert_memory_equal(b.data, "cmp.alice.user.1000.", 20);
	assert_int_equal(compare_login_read(b.data, 999, &l), COMPARE_OK);
	assert_string_equal(l.user, "alice");
	assert_string_equal(l.role, "user");
	assert_int_equal(l.exp, 1000);
	/* exp is the first second it no longer holds */
	assert_int_equal(compare_login_read(b.data, 1000, &l),
			 COMPARE_EXPIRED);
	assert_string_equal(l.user, "alice");
	buf_cleanup(&b);
}

static void test_login_refusals(void **state)
{
	static const struct {
		const char      *payload;   /* signed as is */
		enum compare_why why;
	} rows[] = {
		{ "alice.admin",             COMPARE_MALFORMED },  /* S-C5 pair */
		{ "cmp.alice.user",          COMPARE_MALFORMED },
		{ "cmp.alice.user.5.6",      COMPARE_MALFORMED },
		{ "cmx.alice.user.5000",     COMPARE_MALFORMED },
		{ "cmp.al.user.5000",        COMPARE_MALFORMED },  /* too short */
		{ "cmp.alice.User.5000",     COMPARE_MALFORMED },
		{ "cmp.alice.user.05000",    COMPARE_MALFORMED },
		{ "cmp.alice.user.-5",       COMPARE_MALFORMED },
		{ "cmp.alice.user.0",        COMPARE_MALFORMED },
		{ "cmp.alice.user.99999999999999", COMPARE_MALFORMED },
		{ "cmpcart.alice.1-1",       COMPARE_MALFORMED },
		{ "cmp.alice.admin.5000",    COMPARE_OK },
	};
	struct compare_login l;
	size_t i;
	char *v;

	(void)state;
	signed_init(key);
	for (i = 0; i < NROWS(rows); i++) {
		v = sign(rows[i].payload);
		CHECK(compare_login_read(v, 10, &l) == rows[i].why, i);
		if (rows[i].why != COMPARE_OK)
			CHECK(l.user[0] == '\0' && l.exp == 0, i);
		free(v);
	}
	assert_int_equal(compare_login_read(NULL, 10, &l), COMPARE_MISSING);
	assert_int_equal(compare_login_read("", 10, &l), COMPARE_MISSING);
	assert_int_equal(compare_login_read("cmp.alice.user.5000", 10, &l),
			 COMPARE_MALFORMED);
	v = sign("cmp.alice.user.5000");
	v[4] = 'b';                                 /* alice -> blice */
	assert_int_equal(compare_login_read(v, 10, &l), COMPARE_BAD_TAG);
	free(v);
}

static void test_login_make_rejects(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(compare_login_make("al", "user", 5, &b), ERR_INVAL);
	assert_int_equal(compare_login_make("alice", "", 5, &b), ERR_INVAL);
	assert_int_equal(compare_login_make("alice", "a.b", 5, &b), ERR_INVAL);
	assert_int_equal(compare_login_make("alice", "user", 0, &b),
			 ERR_INVAL);
	assert_int_equal(compare_login_make(NULL, "user", 5, &b), ERR_INVAL);
	assert_int_equal(compare_login_make("alice", NULL, 5, &b), ERR_INVAL);
	/* a role of 33 bytes; an expiry past 9999-12-31 */
	assert_int_equal(compare_login_make(
		"alice", "abcdefghijklmnopqrstuvwxyz0123456", 5, &b), ERR_INVAL);
	assert_int_equal(compare_login_make("alice", "user", 253402300800LL,
					    &b), ERR_INVAL);
	assert_int_equal(compare_login_make("alice", "user", -1, &b),
			 ERR_INVAL);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
}

static void test_cart_round_trip_and_rules(void **state)
{
	struct cart c, back;
	struct buf b;
	size_t i;

	(void)state;
	signed_init(key);
	memset(&c, 0, sizeof(c));
	assert_int_equal(compare_cart_add(&c, 3, 2), ERR_OK);
	assert_int_equal(compare_cart_add(&c, 3, 97), ERR_OK);
	assert_int_equal(compare_cart_add(&c, 3, 1), ERR_INVAL);  /* 100 */
	assert_int_equal(compare_cart_add(&c, 4, 0), ERR_INVAL);
	assert_int_equal(compare_cart_add(&c, 4, 100), ERR_INVAL);
	assert_int_equal(compare_cart_add(&c, 999999999, 1), ERR_OK);
	assert_int_equal(compare_cart_add(&c, 1000000000, 1), ERR_INVAL);
	assert_int_equal(compare_cart_add(&c, 0, 1), ERR_INVAL);
	assert_int_equal(c.n, 2);
	buf_init(&b);
	assert_int_equal(compare_cart_make("alice", &c, &b), ERR_OK);
	assert_memory_equal(b.data, "cmpcart.alice.3-99_999999999-1.", 31);
	assert_int_equal(compare_cart_read(b.data, "alice", &back), COMPARE_OK);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.lines[0].product_id, 3);
	assert_int_equal(back.lines[0].qty, 99);
	assert_int_equal(back.lines[1].product_id, 999999999);
	assert_int_equal(compare_cart_read(b.data, "bob", &back),
			 COMPARE_OTHER_USER);
	assert_int_equal(back.n, 0);
	buf_cleanup(&b);
	/* the most lines, at the longest ids and quantities, still fit */
	memset(&c, 0, sizeof(c));
	for (i = 0; i < COMPARE_CART_LINES_MAX; i++)
		assert_int_equal(compare_cart_add(&c, 999999980 + (long long)i,
						  99), ERR_OK);
	assert_int_equal(compare_cart_add(&c, 5, 1), ERR_TOOBIG);
	buf_init(&b);
	assert_int_equal(compare_cart_make(
		"abcdefghijklmnopqrstuvwxyz012345", &c, &b), ERR_OK);
	assert_int_equal(compare_cart_read(
		b.data, "abcdefghijklmnopqrstuvwxyz012345", &back),
		COMPARE_OK);
	assert_int_equal(back.n, COMPARE_CART_LINES_MAX);
	buf_cleanup(&b);
	memset(&c, 0, sizeof(c));
	buf_init(&b);
	assert_int_equal(compare_cart_make("alice", &c, &b), ERR_INVAL);
	/* a cart for a user of a bad shape, or for nobody */
	assert_int_equal(compare_cart_add(&c, 1, 1), ERR_OK);
	assert_int_equal(compare_cart_make("Alice", &c, &b), ERR_INVAL);
	assert_int_equal(compare_cart_make("al", &c, &b), ERR_INVAL);
	assert_int_equal(compare_cart_make(NULL, &c, &b), ERR_INVAL);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
}

static void test_cart_refusals(void **state)
{
	static const char *const bad[] = {
		"cmpcart.alice.",           /* empty line list */
		"cmpcart.alice.1-1_",
		"cmpcart.alice.1-1_1-2",    /* a product twice */
		"cmpcart.alice.1-0",
		"cmpcart.alice.1-100",
		"cmpcart.alice.0-1",
		"cmpcart.alice.01-1",
		"cmpcart.alice.1",
		"cmpcart.alice.1-1.2",
		"cmp.alice.user.5000",      /* a login is not a cart */
		"cmpcart.a.1-1",
		"cmpcart.alice.1-1_2-1_3-1_4-1_5-1_6-1_7-1_8-1_9-1_10-1_"
		"11-1_12-1_13-1",           /* one line too many */
	};
	struct cart c;
	size_t i;
	char *v;

	(void)state;
	signed_init(key);
	for (i = 0; i < NROWS(bad); i++) {
		v = sign(bad[i]);
		CHECK(compare_cart_read(v, "alice", &c) == COMPARE_MALFORMED, i);
		CHECK(c.n == 0, i);
		free(v);
	}
	assert_int_equal(compare_cart_read(NULL, "alice", &c),
			 COMPARE_MISSING);
	/* a good cart read for no user belongs to nobody */
	v = sign("cmpcart.alice.1-1");
	assert_int_equal(compare_cart_read(v, NULL, &c), COMPARE_OTHER_USER);
	CHECK(c.n == 0, 0);
	free(v);
	v = sign("cmpcart.alice.1-1");
	v[15] = '9';                               /* 1-1 -> 1-9 */
	assert_int_equal(compare_cart_read(v, "alice", &c), COMPARE_BAD_TAG);
	free(v);
	assert_string_equal(compare_why_name(COMPARE_OTHER_USER), "other_user");
	assert_string_equal(compare_why_key(COMPARE_EXPIRED),
			    "compare.why.expired");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_round_trip_and_expiry),
		cmocka_unit_test(test_login_refusals),
		cmocka_unit_test(test_login_make_rejects),
		cmocka_unit_test(test_cart_round_trip_and_rules),
		cmocka_unit_test(test_cart_refusals),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
