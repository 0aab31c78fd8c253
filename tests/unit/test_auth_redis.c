/*
 * test_auth_redis.c - the login throttle of auth.h on its Redis back end
 * (unit_redis.h): one table of claims, releases and clears at explicit
 * times, run on Redis and on a SQLite file, which must answer alike; the
 * key of auth_redis.h (throttle:<username>, a sorted set with a TTL of
 * at most AUTH_FAIL_WINDOW); and auth_login through it.
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
#include "unit.h"
#include "unit_redis.h"

/* 'c' claim, 'r' release the last attempt claimed, 'x' clear. */
static const struct {
	const char *user;
	char        op;
	long long   now;
	enum err    want;
	long long   retry;          /* for ERR_THROTTLED */
} steps[] = {
	{ "carol", 'c', 2000, ERR_OK, 0 },
	{ "carol", 'c', 2001, ERR_OK, 0 },
	{ "carol", 'c', 2002, ERR_OK, 0 },
	{ "carol", 'c', 2003, ERR_OK, 0 },
	{ "carol", 'c', 2004, ERR_OK, 0 },
	{ "carol", 'c', 2010, ERR_THROTTLED, 2000 + AUTH_FAIL_WINDOW - 2010 },
	{ "dave", 'c', 2010, ERR_OK, 0 },       /* another username */
	{ "carol", 'c', 2899, ERR_THROTTLED, 1 },
	{ "carol", 'c', 2900, ERR_OK, 0 },      /* 2000 left the window */
	{ "carol", 'c', 2900, ERR_THROTTLED, 1 },
	{ "carol", 'c', 2901, ERR_OK, 0 },      /* and 2001 */
	{ "carol", 'c', 2902, ERR_OK, 0 },
	{ "carol", 'c', 2902, ERR_THROTTLED, 2003 + AUTH_FAIL_WINDOW - 2902 },
	{ "carol", 'x', 2903, ERR_OK, 0 },
	{ "carol", 'c', 2903, ERR_OK, 0 },
	{ "carol", 'c', 2904, ERR_OK, 0 },
	{ "carol", 'r', 2904, ERR_OK, 0 },      /* given back */
	{ "carol", 'c', 2905, ERR_OK, 0 },
	{ "carol", 'c', 2906, ERR_OK, 0 },
	{ "carol", 'c', 2907, ERR_OK, 0 },
	{ "carol", 'c', 2908, ERR_OK, 0 },
	{ "carol", 'c', 2909, ERR_THROTTLED, 2903 + AUTH_FAIL_WINDOW - 2909 },
	{ "carol", 'r', 2909, ERR_OK, 0 },      /* releases 2908's */
	{ "carol", 'c', 2910, ERR_OK, 0 },
	{ "carol", 'c', 2911, ERR_THROTTLED, 2903 + AUTH_FAIL_WINDOW - 2911 },
	{ "carol", 'c', 99999, ERR_OK, 0 },     /* long after: all gone */
};

static void throttle_rows(struct db *db)
{
	long long retry, attempt, last = 0;
	size_t i;
	enum err e;

	for (i = 0; i < NROWS(steps); i++) {
		retry = attempt = -1;
		switch (steps[i].op) {
		case 'c':
			e = auth_throttle_claim(db, steps[i].user,
						steps[i].now, &retry,
						&attempt);
			if (e != steps[i].want || (e == ERR_THROTTLED &&
						   retry != steps[i].retry))
				print_error("claim at %lld: err %d retry "
					    "%lld\n", steps[i].now, (int)e,
					    retry);
			CHECK(e == steps[i].want, i);
			if (e == ERR_OK) {
				CHECK(attempt > 0, i);
				CHECK(retry == 0, i);
				last = attempt;
			} else {
				CHECK(attempt == 0, i);
				CHECK(retry == steps[i].retry, i);
			}
			break;
		case 'r':
			CHECK(auth_throttle_release(db, steps[i].user, last) ==
			      steps[i].want, i);
			break;
		default:
			CHECK(auth_throttle_clear(db, steps[i].user) ==
			      steps[i].want, i);
			break;
		}
	}
}

static void test_throttle_both_stores(void **state)
{
	struct unit_redis *t = *state;
	struct unit_keys k;
	struct unit_db sq;
	redisReply *r;
	long long ttl;

	throttle_rows(t->u.db);
	unit_redis_keys(t, "*", &k);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.key[0], "throttle:carol");
	assert_string_equal(k.key[1], "throttle:dave");
	unit_keys_free(&k);
	r = unit_redis_cmd(t, "TYPE", "throttle:carol", (const char *)NULL);
	assert_string_equal(r->str, "zset");
	freeReplyObject(r);
	/* the attempt at 99999 is the only one left */
	assert_int_equal(unit_redis_int(t, "ZCARD", "throttle:carol"), 1);
	ttl = unit_redis_int(t, "TTL", "throttle:carol");
	assert_true(ttl > 0 && ttl <= AUTH_FAIL_WINDOW);
	unit_redis_check_all(t, NULL, NULL);

	assert_int_equal(unit_db_open(&sq), 0);
	throttle_rows(sq.db);
	unit_db_close(&sq);
}

/* auth_login on Redis: failures are counted there, a success clears. */
static void test_login(void **state)
{
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct user u;
	long long retry;
	int i;

	assert_int_equal(auth_create_user(db, "erin", "Erin", "user",
					  "erin-password", 1), ERR_OK);
	for (i = 0; i < AUTH_FAIL_MAX; i++)
		CHECK(auth_login(db, "erin", "wrong", 3000 + i, &u, &retry) ==
		      ERR_AUTH, i);
	assert_int_equal(unit_redis_int(t, "ZCARD", "throttle:erin"),
			 AUTH_FAIL_MAX);
	/* locked out, the right password too, before any Argon2id work */
	assert_int_equal(auth_login(db, "erin", "erin-password", 3010, &u,
				    &retry), ERR_THROTTLED);
	assert_int_equal(retry, 3000 + AUTH_FAIL_WINDOW - 3010);
	assert_int_equal(u.id, 0);
	assert_int_equal(unit_redis_int(t, "ZCARD", "throttle:erin"),
			 AUTH_FAIL_MAX);
	assert_int_equal(auth_login(db, "erin", "erin-password",
				    3000 + AUTH_FAIL_WINDOW, &u, &retry),
			 ERR_OK);
	assert_string_equal(u.username, "erin");
	assert_int_equal(unit_redis_int(t, "EXISTS", "throttle:erin"), 0);
	/* unknown users are counted alike; malformed ones never */
	assert_int_equal(auth_login(db, "nobody", "x", 4000, &u, &retry),
			 ERR_AUTH);
	assert_int_equal(unit_redis_int(t, "ZCARD", "throttle:nobody"), 1);
	assert_int_equal(auth_login(db, "' OR 1=1", "x", 4000, &u, &retry),
			 ERR_INVAL);
	assert_int_equal(auth_login(db, "a*", "x", 4000, &u, &retry),
			 ERR_INVAL);
	{
		struct unit_keys k;

		unit_redis_keys(t, "*", &k);
		assert_int_equal(k.n, 1);
		assert_string_equal(k.key[0], "throttle:nobody");
		unit_keys_free(&k);
	}
	/* the user row itself is in SQLite, never in Redis */
	assert_int_equal(unit_count(db, "SELECT count(*) FROM users WHERE "
				    "username = 'erin'"), 1);
	assert_int_equal(unit_count(db, "SELECT count(*) FROM "
				    "login_failures"), 0);
	unit_redis_check_all(t, "erin-password", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_REDIS_TEST(test_throttle_both_stores),
		UNIT_REDIS_TEST(test_login),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
