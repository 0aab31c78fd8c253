/*
 * test_session.c - sessions, CSRF and auth against a real SQLite file:
 * ID shape and hashing, idle and absolute expiry, login rotation that
 * keeps the data, read-modify-write updates, destroy, purge, the CSRF
 * binding, Argon2id verification and the throttle.
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
#include "site/csrf.h"
#include "base/db.h"
#include "state/session.h"
#include "unit.h"

static const struct session_config cfg = { 100, 1000, 5000 };

static void test_create_and_load(void **state)
{
	struct unit_db *f = *state;
	struct session s, t;
	enum session_miss miss;
	unsigned char h[32];
	char id[SESSION_ID_LEN + 1];

	session_init(&s);
	session_init(&t);
	assert_int_equal(session_create(f->db, &cfg, 1000, "UA", "127.0.0.1",
					&s), ERR_OK);
	assert_int_equal(strlen(s.id), SESSION_ID_LEN);
	assert_int_equal(strspn(s.id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
				"klmnopqrstuvwxyz0123456789-_"), SESSION_ID_LEN);
	crypto_generichash(h, 32, (const unsigned char *)s.id, strlen(s.id),
			   NULL, 0);
	assert_memory_equal(h, s.id_hash, 32);
	assert_int_equal(s.idle_expires, 1100);
	assert_int_equal(s.absolute_expires, 2000);
	snprintf(id, sizeof(id), "%s", s.id);

	assert_int_equal(session_load(f->db, id, 1050, &t, &miss), ERR_OK);
	assert_int_equal(t.last_seen, 1000);   /* loading writes nothing */
	assert_int_equal(t.idle_expires, 1100);
	assert_int_equal(session_touch(f->db, &t, 1050), ERR_OK);
	assert_int_equal(session_load(f->db, id, 1050, &t, &miss), ERR_OK);
	assert_int_equal(t.last_seen, 1050);
	assert_int_equal(t.idle_expires, 1150);
	assert_string_equal(t.id, "");   /* not re-issued */
	/* idle deadline passed: gone, and the row is deleted */
	assert_int_equal(session_load(f->db, id, 1150, &t, &miss),
			 ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_IDLE);
	assert_int_equal(session_load(f->db, id, 1151, &t, &miss),
			 ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_UNKNOWN);
	session_cleanup(&s);
	session_cleanup(&t);
}

static void test_absolute(void **state)
{
	struct unit_db *f = *state;
	struct session s, t;
	enum session_miss miss;
	char id[SESSION_ID_LEN + 1];
	long long now;

	session_init(&s);
	session_init(&t);
	assert_int_equal(session_create(f->db, &cfg, 0, "", "", &s), ERR_OK);
	snprintf(id, sizeof(id), "%s", s.id);
	/* keep it busy: idle never passes, absolute (1000) still does */
	for (now = 90; now < 1000; now += 90) {
		assert_int_equal(session_load(f->db, id, now, &t, &miss),
				 ERR_OK);
		assert_int_equal(session_touch(f->db, &t, now), ERR_OK);
	}
	assert_true(t.idle_expires <= t.absolute_expires);
	assert_int_equal(session_load(f->db, id, 1000, &t, &miss),
			 ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_ABSOLUTE);
	session_cleanup(&s);
	session_cleanup(&t);
}

static void test_malformed_ids(void **state)
{
	static const char *const bad[] = {
		"", "short", "' OR 1=1 --",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  /* 44 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",    /* 42 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",   /* padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",   /* not url-safe */
	};
	struct unit_db *f = *state;
	struct session t;
	enum session_miss miss;
	size_t i;

	session_init(&t);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(session_load(f->db, bad[i], 0, &t, &miss),
				 ERR_NOTFOUND);
		assert_int_equal(miss, SESSION_MISS_MALFORMED);
	}
	/* well-formed but unknown */
	assert_int_equal(session_load(f->db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				      "AAAAAAAAAAAAA", 0, &t, &miss),
			 ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_UNKNOWN);
}

static enum err add_cart(json_t *data, void *arg)
{
	json_int_t n = json_integer_value(json_object_get(data, "n"));

	(void)arg;
	return json_object_set_new(data, "n", json_integer(n + 1)) ?
		ERR_NOMEM : ERR_OK;
}

static enum err refuse(json_t *data, void *arg)
{
	(void)arg;
	json_object_set_new(data, "half", json_true());
	return ERR_INVAL;
}

static void test_login_rotates_and_keeps_data(void **state)
{
	struct unit_db *f = *state;
	struct session s, t;
	enum session_miss miss;
	char old_id[SESSION_ID_LEN + 1], old_hex[9];
	json_t *login;

	session_init(&s);
	session_init(&t);
	assert_int_equal(db_exec(f->db, "INSERT INTO users (id, username, "
				 "display_name, password_hash, created) "
				 "VALUES (7, 'user7', 'U', 'x', 0)", ""),
			 ERR_OK);
	assert_int_equal(session_create(f->db, &cfg, 10, "", "", &s), ERR_OK);
	snprintf(old_id, sizeof(old_id), "%s", s.id);
	session_hash_hex(s.id_hash, old_hex);
	assert_int_equal(session_update(f->db, &s, add_cart, NULL), ERR_OK);
	assert_int_equal(session_update(f->db, &s, add_cart, NULL), ERR_OK);
	assert_int_equal(session_update(f->db, &s, refuse, NULL), ERR_INVAL);
	assert_null(json_object_get(s.data, "half"));

	assert_int_equal(session_login(f->db, &s, &cfg, 20, 7, 1), ERR_OK);
	assert_int_equal(strlen(s.id), SESSION_ID_LEN);
	assert_string_not_equal(s.id, old_id);
	assert_int_equal(s.user_id, 7);
	assert_int_equal(s.absolute_expires, 20 + cfg.remember_ttl);
	assert_int_equal(s.idle_expires, 20 + cfg.remember_ttl);
	/* the pre-login ID is dead */
	assert_int_equal(session_load(f->db, old_id, 21, &t, &miss),
			 ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_UNKNOWN);
	/* the new one carries the data and the login record */
	assert_int_equal(session_load(f->db, s.id, 21, &t, &miss), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(t.data, "n")), 2);
	login = json_object_get(t.data, "login");
	assert_string_equal(json_string_value(json_object_get(login,
					"rotated_from")), old_hex);
	assert_int_equal(t.persistent, 1);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM sessions"),
			 1);

	assert_int_equal(session_rotate(f->db, &s), ERR_OK);
	assert_int_equal(session_destroy(f->db, &s), ERR_OK);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM sessions"),
			 0);
	session_cleanup(&t);
}

static void test_purge(void **state)
{
	struct unit_db *f = *state;
	struct session s;
	int n = -1;

	session_init(&s);
	assert_int_equal(session_create(f->db, &cfg, 0, "", "", &s), ERR_OK);
	assert_int_equal(session_create(f->db, &cfg, 500, "", "", &s), ERR_OK);
	assert_int_equal(session_purge(f->db, 100, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(session_purge(f->db, 100, &n), ERR_OK);
	assert_int_equal(n, 0);
	session_cleanup(&s);
}

static void test_csrf(void **state)
{
	unsigned char key[32], a[32], b[32];
	char ta[CSRF_TOKEN_LEN + 1], tb[CSRF_TOKEN_LEN + 1];

	(void)state;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(a, sizeof(a));
	randombytes_buf(b, sizeof(b));
	csrf_init(key);
	csrf_token(a, ta);
	csrf_token(b, tb);
	assert_int_equal(strlen(ta), CSRF_TOKEN_LEN);
	assert_int_equal(csrf_check(a, ta), ERR_OK);
	assert_int_equal(csrf_check(b, ta), ERR_FORBIDDEN);
	assert_int_equal(csrf_check(a, tb), ERR_FORBIDDEN);
	assert_int_equal(csrf_check(a, NULL), ERR_FORBIDDEN);
	assert_int_equal(csrf_check(a, ""), ERR_FORBIDDEN);
	ta[5] ^= 1;
	assert_int_equal(csrf_check(a, ta), ERR_FORBIDDEN);
	ta[5] ^= 1;
	/* a longer string with the right prefix is not the token */
	{
		char longer[CSRF_TOKEN_LEN + 2];

		snprintf(longer, sizeof(longer), "%sA", ta);
		assert_int_equal(csrf_check(a, longer), ERR_FORBIDDEN);
	}
}


/* Would a login of username be let through at now? A claim given back at
 * once (auth_throttle_release), so nothing is recorded. */
static enum err throttle_probe(struct db *db, const char *username,
			       long long now, long long *retry)
{
	long long attempt;
	enum err e = auth_throttle_claim(db, username, now, retry, &attempt);

	if (e == ERR_OK)
		e = auth_throttle_release(db, username, attempt);
	return e;
}
static void test_auth(void **state)
{
	struct unit_db *f = *state;
	struct user u;
	long long retry, attempt;
	int i;

	assert_int_equal(auth_create_user(f->db, "carol", "Carol", "user",
					  "carol-password", 0), ERR_OK);
	assert_int_equal(auth_create_user(f->db, "carol", "Carol", "user",
					  "x", 0), ERR_FORBIDDEN);
	assert_int_equal(auth_create_user(f->db, "Bad Name", "B", "user",
					  "x", 0), ERR_INVAL);
	assert_int_equal(auth_create_user(f->db, "dave", "D", "root",
					  "x", 0), ERR_INVAL);
	assert_int_equal(auth_verify(f->db, "carol", "carol-password", &u),
			 ERR_OK);
	assert_string_equal(u.username, "carol");
	assert_string_equal(u.role, "user");
	assert_int_equal(auth_verify(f->db, "carol", "wrong", &u), ERR_AUTH);
	assert_int_equal(u.id, 0);
	assert_int_equal(auth_verify(f->db, "nobody", "wrong", &u), ERR_AUTH);
	assert_int_equal(auth_verify(f->db, "' OR 1=1 --", "x", &u),
			 ERR_INVAL);
	assert_int_equal(auth_verify(f->db, "ab", "x", &u), ERR_INVAL);

	/* issue 10 §4: each claim checks and records in one step, so the
	 * sixth is refused before any password work */
	for (i = 0; i < AUTH_FAIL_MAX; i++) {
		assert_int_equal(auth_throttle_claim(f->db, "carol", 1000 + i,
						     &retry, &attempt), ERR_OK);
		assert_true(attempt > 0);
	}
	assert_int_equal(auth_throttle_claim(f->db, "carol", 1010, &retry,
					     &attempt), ERR_THROTTLED);
	assert_int_equal(attempt, 0);
	assert_int_equal(retry, 1000 + AUTH_FAIL_WINDOW - 1010);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM "
				    "login_failures"), AUTH_FAIL_MAX);
	assert_int_equal(throttle_probe(f->db, "carol", 1010, &retry),
			 ERR_THROTTLED);
	assert_int_equal(retry, 1000 + AUTH_FAIL_WINDOW - 1010);
	assert_int_equal(throttle_probe(f->db, "bob", 1010, &retry),
			 ERR_OK);
	/* the oldest failure leaves the window: one more try is allowed */
	assert_int_equal(throttle_probe(f->db, "carol",
					     1000 + AUTH_FAIL_WINDOW, &retry),
			 ERR_OK);
	assert_int_equal(auth_throttle_clear(f->db, "carol"), ERR_OK);
	assert_int_equal(throttle_probe(f->db, "carol", 1010, &retry),
			 ERR_OK);
	assert_int_equal(auth_user_by_id(f->db, 999, &u), ERR_NOTFOUND);

	/* auth_login: the throttle around auth_verify */
	for (i = 0; i < AUTH_FAIL_MAX; i++)
		assert_int_equal(auth_login(f->db, "carol", "wrong", 2000 + i,
					    &u, &retry), ERR_AUTH);
	assert_int_equal(auth_login(f->db, "carol", "carol-password", 2010,
				    &u, &retry), ERR_THROTTLED);
	assert_int_equal(retry, 2000 + AUTH_FAIL_WINDOW - 2010);
	assert_int_equal(u.id, 0);
	assert_int_equal(auth_login(f->db, "carol", "carol-password",
				    2000 + AUTH_FAIL_WINDOW, &u, &retry),
			 ERR_OK);
	assert_string_equal(u.username, "carol");
	/* success cleared the failures */
	assert_int_equal(throttle_probe(f->db, "carol", 2000 +
					     AUTH_FAIL_WINDOW, &retry),
			 ERR_OK);
	/* malformed usernames are refused and never recorded */
	assert_int_equal(auth_login(f->db, "' OR 1=1", "x", 3000, &u, &retry),
			 ERR_INVAL);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM "
				    "login_failures"), 0);
}

/* S-S7: listing and revoking by user, revoke-all, the live count. */
static void test_list_and_revoke(void **state)
{
	struct unit_db *f = *state;
	struct session a, b, c, g;
	struct session_info list[SESSION_LIST_MAX];
	struct user alice, bob;
	unsigned char h[SESSION_HASH_BYTES];
	char hex[2 * SESSION_HASH_BYTES + 1];
	long long total, users;
	size_t n;
	int k;

	session_init(&a);
	session_init(&b);
	session_init(&c);
	session_init(&g);
	assert_int_equal(auth_create_user(f->db, "alice", "Alice", "user",
					  "alice-password", 1), ERR_OK);
	assert_int_equal(auth_create_user(f->db, "bob", "Bob", "user",
					  "bob-password", 1), ERR_OK);
	assert_int_equal(auth_verify(f->db, "alice", "alice-password", &alice),
			 ERR_OK);
	assert_int_equal(auth_verify(f->db, "bob", "bob-password", &bob),
			 ERR_OK);
	assert_int_equal(session_create(f->db, &cfg, 10, "Firefox/128.0",
					"10.0.0.1", &a), ERR_OK);
	assert_int_equal(session_create(f->db, &cfg, 11, "curl/8.5.0",
					"10.0.0.2", &b), ERR_OK);
	assert_int_equal(session_create(f->db, &cfg, 12, "UA", "10.0.0.3",
					&c), ERR_OK);
	assert_int_equal(session_create(f->db, &cfg, 13, "UA", "10.0.0.4",
					&g), ERR_OK);
	assert_int_equal(session_login(f->db, &a, &cfg, 20, alice.id, 0),
			 ERR_OK);
	assert_int_equal(session_login(f->db, &b, &cfg, 21, alice.id, 0),
			 ERR_OK);
	assert_int_equal(session_login(f->db, &c, &cfg, 22, bob.id, 0),
			 ERR_OK);
	assert_int_equal(session_list_user(f->db, alice.id, 30, list, &n),
			 ERR_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(list[0].id_hash, b.id_hash, SESSION_HASH_BYTES);
	assert_string_equal(list[0].user_agent, "curl/8.5.0");
	assert_string_equal(list[1].client_addr, "10.0.0.1");
	assert_int_equal(session_count_live(f->db, 30, &total, &users), ERR_OK);
	assert_int_equal(total, 4);
	assert_int_equal(users, 3);
	/* Nobody revokes another user's session. */
	assert_int_equal(session_revoke(f->db, alice.id, c.id_hash),
			 ERR_NOTFOUND);
	assert_int_equal(session_revoke(f->db, alice.id, b.id_hash), ERR_OK);
	assert_int_equal(session_revoke(f->db, alice.id, b.id_hash),
			 ERR_NOTFOUND);
	assert_int_equal(session_create(f->db, &cfg, 31, "UA", "x", &b),
			 ERR_OK);
	assert_int_equal(session_login(f->db, &b, &cfg, 31, alice.id, 0),
			 ERR_OK);
	assert_int_equal(session_revoke_others(f->db, alice.id, a.id_hash, &k),
			 ERR_OK);
	assert_int_equal(k, 1);
	assert_int_equal(session_list_user(f->db, alice.id, 32, list, &n),
			 ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(session_list_user(f->db, alice.id, 20 + 1000, list,
					   &n), ERR_OK);
	assert_int_equal(n, 0);                       /* expired: not live */
	session_hash_hex_full(a.id_hash, hex);
	assert_int_equal(session_hash_from_hex(hex, h), ERR_OK);
	assert_memory_equal(h, a.id_hash, SESSION_HASH_BYTES);
	hex[63] = 'g';
	assert_int_equal(session_hash_from_hex(hex, h), ERR_INVAL);
	hex[63] = '\0';
	assert_int_equal(session_hash_from_hex(hex, h), ERR_INVAL);
	assert_int_equal(session_hash_from_hex(NULL, h), ERR_INVAL);
	assert_int_equal(session_revoke_all(f->db, &k), ERR_OK);
	assert_int_equal(k, 3);
	assert_int_equal(unit_count(f->db, "SELECT count(*) FROM sessions"), 0);
	session_cleanup(&a);
	session_cleanup(&b);
	session_cleanup(&c);
	session_cleanup(&g);
}

static void test_ua_summary(void **state)
{
	static const struct { const char *ua, *want; } rows[] = {
		{ "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
		  "Firefox/128.0", "Firefox 128 · Linux" },
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
		  " (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 "
		  "Edg/126.0.0.0", "Edge 126 · Windows" },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
		  "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
		  "Mobile/15E148 Safari/604.1", "Safari 17 · iOS" },
		{ "curl/8.5.0", "curl 8" },
		{ "", "?" },
		{ "<script>alert(1)</script>", "?" },
		{ "Chrome/99999999999", "Chrome 99999" },
	};
	char out[SESSION_UA_SUMMARY_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		session_ua_summary(rows[i].ua, out, sizeof(out));
		if (strcmp(out, rows[i].want))
			print_error("got %s\n", out);
		CHECK(!strcmp(out, rows[i].want), i);
	}
	assert_string_equal(session_ua_summary(NULL, out, sizeof(out)), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_DB_TEST(test_create_and_load),
		UNIT_DB_TEST(test_absolute),
		UNIT_DB_TEST(test_malformed_ids),
		UNIT_DB_TEST(test_login_rotates_and_keeps_data),
		UNIT_DB_TEST(test_purge),
		cmocka_unit_test(test_csrf),
		UNIT_DB_TEST(test_auth),
		UNIT_DB_TEST(test_list_and_revoke),
		cmocka_unit_test(test_ua_summary),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
