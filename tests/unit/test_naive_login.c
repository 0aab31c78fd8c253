/*
 * test_naive_login.c - the cookie-only login of S-C5, INSECURE BY
 * DESIGN: it sets plain cookies and believes whatever comes back. These
 * rows pin that behaviour (so the lesson keeps working) and its bounds.
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

#include "unsafe/naive_login.h"
#include "unit.h"

static void test_set_and_clear(void **state)
{
	struct response res;

	(void)state;
	response_init(&res);
	assert_int_equal(naive_login_set(&res, "alice"), ERR_OK);
	assert_int_equal(res.n_set_cookies, 2);
	assert_string_equal(res.set_cookies[0],
			    "user=alice; Path=/cookies/tamper/; SameSite=Lax");
	assert_string_equal(res.set_cookies[1],
			    "role=user; Path=/cookies/tamper/; SameSite=Lax");
	assert_int_equal(naive_login_set(&res, "Al ice"), ERR_INVAL);
	assert_int_equal(naive_login_set(&res, NULL), ERR_INVAL);
	assert_int_equal(res.n_set_cookies, 2);
	assert_int_equal(naive_login_clear(&res), ERR_OK);
	assert_string_equal(res.set_cookies[3],
			    "role=; Max-Age=0; Path=/cookies/tamper/; "
			    "SameSite=Lax");
	response_cleanup(&res);
}

static void test_read_believes_the_browser(void **state)
{
	static const struct {
		const char *hdr, *user, *role;
		int both, admin;
	} rows[] = {
		{ "user=alice; role=user", "alice", "user", 1, 0 },
		{ "user=alice; role=admin", "alice", "admin", 1, 1 },
		{ "role=admin", "", "admin", 0, 1 },
		{ "user=alice; role=Admin", "alice", "Admin", 1, 0 },
		{ "", "", "", 0, 0 },
		{ "user=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; role=x",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x", 1, 0 },
		{ "user=" "\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80"
		  "\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80"
		  "\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80; role=x",
		  "\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80"
		  "\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80\xea\xb9\x80"
		  "\xea\xb9\x80\xea\xb9\x80", "x", 1, 0 },
	};
	char user[NAIVE_FIELD_MAX + 1], role[NAIVE_FIELD_MAX + 1];
	struct cookie_jar jar;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(cookie_parse(rows[i].hdr, strlen(rows[i].hdr), &jar) ==
		      ERR_OK, i);
		CHECK(naive_login_read(&jar, user, role) == rows[i].both, i);
		CHECK(!strcmp(user, rows[i].user), i);
		CHECK(!strcmp(role, rows[i].role), i);
		CHECK(naive_login_is_admin(role) == rows[i].admin, i);
		cookie_jar_free(&jar);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_clear),
		cmocka_unit_test(test_read_believes_the_browser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
