/*
 * test_cart.c - the cart module (S-S5) against a real SQLite file: field
 * parsers, the sort allowlist, price formatting, the guest cart in the
 * session, the user cart table, the merge at login (capped at 99), and the
 * race lab's two stores run one after the other.
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

#include "state/auth.h"
#include "lessons/cart.h"
#include "base/db.h"
#include "lessons/race.h"
#include "unsafe/race_naive.h"
#include "state/session.h"
#include "unit.h"

static const struct session_config cfg = { 100, 1000, 5000 };

/* The database fixture first, so unit_db_teardown releases it all. */
struct fixture {
	struct unit_db t;
	long long      uid;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct user u;

	assert_non_null(f);
	assert_int_equal(unit_db_open(&f->t), 0);
	assert_int_equal(auth_create_user(f->t.db, "carter", "Carter", "user",
					  "carter-password", 1), ERR_OK);
	assert_int_equal(auth_verify(f->t.db, "carter", "carter-password", &u),
			 ERR_OK);
	f->uid = u.id;
	*state = f;
	return 0;
}

static void test_parse_qty(void **state)
{
	static const struct { const char *in; int ok, v; } rows[] = {
		{ "1", 1, 1 }, { "99", 1, 99 }, { "42", 1, 42 },
		{ "0", 0, 0 }, { "100", 0, 0 }, { "-1", 0, 0 }, { "+1", 0, 0 },
		{ "01", 0, 0 }, { " 1", 0, 0 }, { "1 ", 0, 0 }, { "", 0, 0 },
		{ "1.0", 0, 0 }, { "1e1", 0, 0 }, { "abc", 0, 0 },
		{ "999999999999999999999", 0, 0 }, { NULL, 0, 0 },
	};
	size_t i;
	int q;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		q = -7;
		CHECK(cart_parse_qty(rows[i].in, &q) == rows[i].ok, i);
		if (rows[i].ok)
			CHECK(q == rows[i].v, i);
	}
}

static void test_parse_id(void **state)
{
	static const struct { const char *in; int ok; long long v; } rows[] = {
		{ "1", 1, 1 }, { "12", 1, 12 }, { "999999999", 1, 999999999 },
		{ "1000000000", 0, 0 }, { "0", 0, 0 }, { "07", 0, 0 },
		{ "-3", 0, 0 }, { "3a", 0, 0 }, { "", 0, 0 }, { NULL, 0, 0 },
	};
	long long id;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(cart_parse_id(rows[i].in, &id) == rows[i].ok, i);
		if (rows[i].ok)
			CHECK(id == rows[i].v, i);
	}
}

static void test_sort_allowlist(void **state)
{
	static const struct { const char *in; enum cart_sort s; int ok; } rows[] = {
		{ "name", CART_SORT_NAME, 1 },
		{ "price-asc", CART_SORT_PRICE_ASC, 1 },
		{ "price-desc", CART_SORT_PRICE_DESC, 1 },
		{ NULL, CART_SORT_NAME, 0 }, { "", CART_SORT_NAME, 0 },
		{ "Price-asc", CART_SORT_NAME, 0 },
		{ "price-asc ", CART_SORT_NAME, 0 },
		{ "price", CART_SORT_NAME, 0 },
	};
	size_t i;
	int ok;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(cart_sort_from_cookie(rows[i].in, &ok) == rows[i].s, i);
		CHECK(ok == rows[i].ok, i);
	}
	assert_string_equal(cart_sort_name(CART_SORT_PRICE_DESC), "price-desc");
}

static void test_format_krw(void **state)
{
	char out[32];

	(void)state;
	assert_string_equal(cart_format_krw(0, out), "0");
	assert_string_equal(cart_format_krw(999, out), "999");
	assert_string_equal(cart_format_krw(1000, out), "1,000");
	assert_string_equal(cart_format_krw(12900, out), "12,900");
	assert_string_equal(cart_format_krw(1234567, out), "1,234,567");
}

static void test_catalogue(void **state)
{
	struct fixture *f = *state;
	struct product list[CART_PRODUCTS_MAX], p;
	size_t n, i;

	assert_int_equal(cart_catalogue(f->t.db, CART_SORT_PRICE_ASC, LANG_EN,
					list, &n), ERR_OK);
	assert_int_equal(n, 12);
	for (i = 1; i < n; i++)
		CHECK(list[i - 1].price_krw <= list[i].price_krw, i);
	assert_int_equal(cart_product(f->t.db, 3, &p), ERR_OK);
	assert_string_equal(p.sku, "doenjang");
	assert_string_equal(cart_product_name(&p, LANG_KO), "된장 500g");
	assert_int_equal(cart_product(f->t.db, 99, &p), ERR_NOTFOUND);
}

static void test_guest_cart(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct cart c;

	session_init(&s);
	assert_int_equal(session_create(f->t.db, &cfg, 10, "UA", "::1", &s),
			 ERR_OK);
	assert_int_equal(cart_guest_add(f->t.db, &s, 3, 2), ERR_OK);
	assert_int_equal(cart_guest_add(f->t.db, &s, 3, 97), ERR_OK);
	assert_int_equal(cart_guest_add(f->t.db, &s, 3, 1), ERR_INVAL);
	assert_int_equal(cart_guest_add(f->t.db, &s, 4, 0), ERR_INVAL);
	assert_int_equal(cart_guest_add(f->t.db, &s, 4, 100), ERR_INVAL);
	cart_guest_read(s.data, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.lines[0].qty, 99);
	assert_int_equal(cart_guest_remove(f->t.db, &s, 4, 1), ERR_NOTFOUND);
	assert_int_equal(cart_guest_remove(f->t.db, &s, 3, 9), ERR_OK);
	cart_guest_read(s.data, &c);
	assert_int_equal(c.lines[0].qty, 90);
	assert_int_equal(cart_guest_remove(f->t.db, &s, 3, 99), ERR_OK);
	cart_guest_read(s.data, &c);
	assert_int_equal(c.n, 0);
	assert_int_equal(cart_guest_add(f->t.db, &s, 5, 1), ERR_OK);
	assert_int_equal(cart_guest_clear(f->t.db, &s), ERR_OK);
	assert_null(json_object_get(s.data, "cart"));
	session_cleanup(&s);
}

static void test_user_cart_and_merge(void **state)
{
	struct fixture *f = *state;
	struct session s;
	struct cart c;
	json_t *items;
	int merged;

	session_init(&s);
	assert_int_equal(cart_user_add(f->t.db, f->uid, 1, 98), ERR_OK);
	assert_int_equal(cart_user_add(f->t.db, f->uid, 1, 2), ERR_INVAL);
	assert_int_equal(cart_user_remove(f->t.db, f->uid, 2, 1), ERR_NOTFOUND);
	assert_int_equal(session_create(f->t.db, &cfg, 10, "UA", "::1", &s),
			 ERR_OK);
	assert_int_equal(cart_guest_add(f->t.db, &s, 1, 5), ERR_OK);
	assert_int_equal(cart_guest_add(f->t.db, &s, 2, 3), ERR_OK);
	assert_int_equal(session_login(f->t.db, &s, &cfg, 20, f->uid, 0),
			 ERR_OK);
	assert_int_equal(cart_merge_at_login(f->t.db, &s, f->uid, 20, &merged),
			 ERR_OK);
	assert_int_equal(merged, 2);
	assert_null(json_object_get(s.data, "cart"));
	items = json_object_get(json_object_get(s.data, "cart_merge"),
				"items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(cart_user_read(f->t.db, f->uid, &c), ERR_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.lines[0].product_id, 1);
	assert_int_equal(c.lines[0].qty, 99);       /* 98 + 5, capped */
	assert_int_equal(c.lines[1].qty, 3);
	/* Nothing left to merge: no record. */
	assert_int_equal(cart_merge_at_login(f->t.db, &s, f->uid, 30, &merged),
			 ERR_OK);
	assert_int_equal(merged, 0);
	assert_null(json_object_get(s.data, "cart_merge"));
	assert_int_equal(cart_user_clear(f->t.db, f->uid), ERR_OK);
	assert_int_equal(cart_user_read(f->t.db, f->uid, &c), ERR_OK);
	assert_int_equal(c.n, 0);
	session_cleanup(&s);
}

static void test_race_sequential(void **state)
{
	struct fixture *f = *state;
	struct session s;
	long long safe, naive;
	int i;

	session_init(&s);
	assert_int_equal(session_create(f->t.db, &cfg, 10, "UA", "::1", &s),
			 ERR_OK);
	/* One at a time, both stores count right: the naive one only loses
	 * updates when requests overlap (the integration test races it). */
	for (i = 0; i < 3; i++) {
		assert_int_equal(race_safe_add(f->t.db, &s), ERR_OK);
		assert_int_equal(race_naive_add(f->t.db, &s), ERR_OK);
	}
	race_counts(s.data, &safe, &naive);
	assert_int_equal(safe, 3);
	assert_int_equal(naive, 3);
	assert_int_equal(race_reset(f->t.db, &s), ERR_OK);
	race_counts(s.data, &safe, &naive);
	assert_int_equal(safe + naive, 0);
	session_cleanup(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_qty),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_sort_allowlist),
		cmocka_unit_test(test_format_krw),
		cmocka_unit_test_setup_teardown(test_catalogue, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_guest_cart, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_user_cart_and_merge, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_race_sequential, setup,
						unit_db_teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
