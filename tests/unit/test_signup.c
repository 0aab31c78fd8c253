/*
 * test_signup.c - the signup wizard's rules (S-S6) and the account module:
 * password and email rules, step order, the code (format, attempts,
 * expiry, resend), and account creation in one transaction.
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

#include "state/account.h"
#include "state/auth.h"
#include "base/db.h"
#include "state/session.h"
#include "lessons/signup.h"
#include "unit.h"

static const struct session_config cfg = { 1000, 5000, 5000 };

static void test_password_rules(void **state)
{
	char *s11 = repeat('x', 11), *s12 = repeat('x', 12);
	char *s128 = repeat('x', 128), *s129 = repeat('x', 129);
	char ko12[64], ko11[64];
	size_t i;

	(void)state;
	for (i = 0; i < 12; i++)
		memcpy(ko12 + 3 * i, "한", 3);     /* 3 bytes, 1 character */
	ko12[36] = '\0';
	memcpy(ko11, ko12, 33);
	ko11[33] = '\0';
	assert_false(account_password_valid(s11));
	assert_true(account_password_valid(s12));
	assert_true(account_password_valid(s128));
	assert_false(account_password_valid(s129));
	assert_true(account_password_valid(ko12));
	assert_false(account_password_valid(ko11));
	assert_false(account_password_valid("tab\there is bad"));
	assert_false(account_password_valid(NULL));
	free(s11);
	free(s12);
	free(s128);
	free(s129);
}

static void test_email_rules(void **state)
{
	static const struct { const char *in; int ok; } rows[] = {
		{ "a@b.co", 1 }, { "first.last+tag@example.com", 1 },
		{ "x@sub-domain.example.org", 1 },
		{ "", 0 }, { "plain", 0 }, { "@b.co", 0 }, { "a@", 0 },
		{ "a@b", 0 }, { "a@@b.co", 0 }, { "a b@c.co", 0 },
		{ "a@b..co", 0 }, { "a@.b.co", 0 }, { "a@b.co.", 0 },
		{ "a@b_c.co", 0 }, { "<a>@b.co", 0 }, { "a\"b@c.co", 0 },
		{ NULL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++)
		CHECK(account_email_valid(rows[i].in) == rows[i].ok, i);
}

static void test_code_format(void **state)
{
	(void)state;
	assert_true(signup_code_valid_format("012345"));
	assert_false(signup_code_valid_format("12345"));
	assert_false(signup_code_valid_format("1234567"));
	assert_false(signup_code_valid_format("12345a"));
	assert_false(signup_code_valid_format(""));
	assert_false(signup_code_valid_format(NULL));
}

/* The code the demo inbox got last. */
static const char *inbox_code(const struct session *s)
{
	return json_string_value(json_object_get(json_array_get(
		json_object_get(s->data, "signup_inbox"), 0), "code"));
}

static void test_steps_and_code(void **state)
{
	struct unit_db *f = *state;
	char hash[AUTH_HASH_MAX], code[8], bad[8];
	enum signup_code_result r;
	struct session s;
	long long expires;
	char *dump;
	int left, i;

	session_init(&s);
	assert_int_equal(session_create(f->db, &cfg, 100, "UA", "::1", &s),
			 ERR_OK);
	assert_int_equal(signup_first_incomplete(s.data), SIGNUP_DETAILS);
	assert_int_equal(signup_send_code(f->db, &s, 100), ERR_INVAL);
	/* No hash yet and none given: refused. */
	assert_int_equal(signup_save_details(f->db, &s, "newbie", "n@e.co",
					     NULL, 100), ERR_INVAL);
	assert_int_equal(auth_hash_password("a long enough pw", hash),
			 ERR_OK);
	assert_int_equal(signup_save_details(f->db, &s, "newbie", "n@e.co",
					     hash, 100), ERR_OK);
	assert_int_equal(signup_first_incomplete(s.data), SIGNUP_VERIFY);
	dump = json_dumps(s.data, 0);
	assert_non_null(dump);
	assert_null(strstr(dump, "a long enough pw"));   /* only the hash */
	free(dump);
	snprintf(code, sizeof(code), "%s", inbox_code(&s));
	snprintf(bad, sizeof(bad), "%s", strcmp(code, "000000") ? "000000" :
		 "111111");
	for (i = 0; i < SIGNUP_CODE_ATTEMPTS; i++) {
		assert_int_equal(signup_check_code(f->db, &s, bad, 101, &r),
				 ERR_OK);
		assert_int_equal(r, SIGNUP_CODE_WRONG);
	}
	signup_code_state(s.data, &left, &expires);
	assert_int_equal(left, 0);
	assert_int_equal(signup_check_code(f->db, &s, code, 101, &r), ERR_OK);
	assert_int_equal(r, SIGNUP_CODE_LOCKED);
	/* A new code: attempts and deadline reset. */
	assert_int_equal(signup_send_code(f->db, &s, 200), ERR_OK);
	signup_code_state(s.data, &left, &expires);
	assert_int_equal(left, SIGNUP_CODE_ATTEMPTS);
	assert_int_equal(expires, 200 + SIGNUP_CODE_TTL);
	snprintf(code, sizeof(code), "%s", inbox_code(&s));
	assert_int_equal(signup_check_code(f->db, &s, code,
					   200 + SIGNUP_CODE_TTL, &r), ERR_OK);
	assert_int_equal(r, SIGNUP_CODE_EXPIRED);
	assert_int_equal(signup_check_code(f->db, &s, code, 201, &r), ERR_OK);
	assert_int_equal(r, SIGNUP_CODE_OK);
	assert_int_equal(signup_first_incomplete(s.data), SIGNUP_AGREE);
	assert_int_equal(signup_check_code(f->db, &s, code, 202, &r), ERR_OK);
	assert_int_equal(r, SIGNUP_CODE_NONE);
	/* Same email again: still verified, password kept. */
	assert_int_equal(signup_save_details(f->db, &s, "newbie2", "n@e.co",
					     NULL, 203), ERR_OK);
	assert_int_equal(signup_first_incomplete(s.data), SIGNUP_AGREE);
	assert_string_equal(signup_get(s.data, "password_hash"), hash);
	/* Another email: step 2 again. */
	assert_int_equal(signup_save_details(f->db, &s, "newbie2", "m@e.co",
					     NULL, 204), ERR_OK);
	assert_int_equal(signup_first_incomplete(s.data), SIGNUP_VERIFY);
	assert_int_equal(signup_abandon(f->db, &s), ERR_OK);
	assert_null(json_object_get(s.data, "signup"));
	assert_null(json_object_get(s.data, "signup_inbox"));
	session_cleanup(&s);
}

static long long count_users(struct db *db)
{
	return unit_count(db, "SELECT count(*) FROM users");
}

static void test_account_create(void **state)
{
	struct unit_db *f = *state;
	char hash[AUTH_HASH_MAX];
	struct account_new a;
	struct user u;
	long long id, before = count_users(f->db);

	assert_int_equal(auth_hash_password("brand new password", hash),
			 ERR_OK);
	memset(&a, 0, sizeof(a));
	a.username = "fresh_one";
	a.email = "fresh@example.com";
	a.password_hash = hash;
	a.verified_at = a.agreed_at = 5;
	assert_int_equal(account_create(f->db, &a, 6, &id), ERR_OK);
	assert_true(id > 0);
	assert_int_equal(auth_verify(f->db, "fresh_one", "brand new password",
				     &u), ERR_OK);
	assert_int_equal(account_create(f->db, &a, 7, &id), ERR_FORBIDDEN);
	assert_int_equal(id, 0);
	a.username = "other_one";
	a.email = "not an email";
	assert_int_equal(account_create(f->db, &a, 7, &id), ERR_INVAL);
	a.email = "ok@example.com";
	a.password_hash = "plain text";
	assert_int_equal(account_create(f->db, &a, 7, &id), ERR_INVAL);
	assert_int_equal(count_users(f->db), before + 1);
	assert_int_equal(auth_hash_password("another password!", hash),
			 ERR_OK);
	assert_int_equal(account_set_password(f->db, u.id, hash), ERR_OK);
	assert_int_equal(auth_verify(f->db, "fresh_one", "another password!",
				     &u), ERR_OK);
	assert_int_equal(account_set_password(f->db, 99999, hash),
			 ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_email_rules),
		cmocka_unit_test(test_code_format),
		UNIT_DB_TEST(test_steps_and_code),
		UNIT_DB_TEST(test_account_create),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
