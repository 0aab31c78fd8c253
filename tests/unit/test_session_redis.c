/*
 * test_session_redis.c - session.h on its Redis back end (db->kv set by
 * store_open, a private redis-server: unit_redis.h): create, load, touch,
 * idle and absolute expiry at explicit times, login and rotate keeping
 * the data, the compare-and-set of session_update, destroy, the per-user
 * list and its revocations. Behind the interface, hiredis checks the
 * layout session_redis.h promises: the key is session:<64 hex of the ID
 * hash>, the raw ID is in no key and no value, and every key has a TTL.
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

#include "state/session.h"
#include "unit.h"
#include "unit_redis.h"

static const struct session_config cfg = { 100, 1000, 5000 };

/* The key session_redis.h names for a raw ID, computed here from the ID
 * itself (BLAKE2b-256, lower-case hex), not by the back end. */
static void key_of_id(const char *id, char out[8 + 64 + 1])
{
	unit_redis_hashed_key("session", id, out, 8 + 64 + 1);
}

static long long hget_ll(struct unit_redis *t, const char *key,
			 const char *field)
{
	char v[32];

	unit_redis_hget(t, key, field, v, sizeof(v));
	return strtoll(v, NULL, 10);
}

static void test_create_layout(void **state)
{
	static const char *const want_fields[] = {
		"user", "created", "last_seen", "idle_ttl", "idle_exp",
		"abs_exp", "persistent", "ua", "addr", "data", "ver",
	};
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct session s, l;
	struct unit_keys k;
	enum session_miss miss;
	char key[80], v[300];
	redisReply *r;
	long long ttl;
	size_t i, n;

	session_init(&s);
	session_init(&l);
	assert_int_equal(session_create(db, &cfg, 1000, "Firefox/128.0",
					"10.0.0.1", &s), ERR_OK);
	assert_int_equal(strlen(s.id), SESSION_ID_LEN);
	key_of_id(s.id, key);
	/* the one key there is, and it is exactly that name */
	unit_redis_keys(t, "*", &k);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.key[0], key);
	unit_keys_free(&k);
	assert_int_equal(strlen(key), 8 + 64);
	assert_int_equal(strspn(key + 8, "0123456789abcdef"), 64);
	/* its fields */
	r = unit_redis_cmd(t, "HLEN", key, (const char *)NULL);
	assert_int_equal(r->integer, NROWS(want_fields));
	freeReplyObject(r);
	for (i = 0; i < NROWS(want_fields); i++) {
		r = unit_redis_cmd(t, "HEXISTS", key, want_fields[i],
				   (const char *)NULL);
		CHECK(r->type == REDIS_REPLY_INTEGER && r->integer == 1, i);
		freeReplyObject(r);
	}
	assert_int_equal(hget_ll(t, key, "user"), 0);
	assert_int_equal(hget_ll(t, key, "created"), 1000);
	assert_int_equal(hget_ll(t, key, "idle_exp"), 1100);
	assert_int_equal(hget_ll(t, key, "abs_exp"), 2000);
	assert_int_equal(hget_ll(t, key, "ver"), 1);
	unit_redis_hget(t, key, "data", v, sizeof(v));
	assert_string_equal(v, "{}");
	unit_redis_hget(t, key, "ua", v, sizeof(v));
	assert_string_equal(v, "Firefox/128.0");
	unit_redis_hget(t, key, "addr", v, sizeof(v));
	assert_string_equal(v, "10.0.0.1");
	/* the TTL is the idle deadline's distance from now */
	ttl = unit_redis_int(t, "TTL", key);
	assert_true(ttl > 90 && ttl <= 100);
	unit_redis_check_all(t, s.id, &n);
	assert_int_equal(n, 1);

	/* load writes nothing; touch moves last_seen and the TTL */
	assert_int_equal(session_load(db, s.id, 1050, &l, &miss), ERR_OK);
	assert_int_equal(miss, SESSION_MISS_NONE);
	assert_memory_equal(l.id_hash, s.id_hash, SESSION_HASH_BYTES);
	assert_string_equal(l.id, "");
	assert_int_equal(l.user_id, 0);
	assert_int_equal(l.created, 1000);
	assert_int_equal(l.last_seen, 1000);
	assert_int_equal(l.idle_expires, 1100);
	assert_int_equal(l.absolute_expires, 2000);
	assert_true(json_is_object(l.data));
	assert_int_equal(hget_ll(t, key, "ver"), 1);
	assert_int_equal(session_touch(db, &l, 1050), ERR_OK);
	assert_int_equal(hget_ll(t, key, "last_seen"), 1050);
	assert_int_equal(hget_ll(t, key, "idle_exp"), 1150);
	ttl = unit_redis_int(t, "TTL", key);
	assert_true(ttl > 90 && ttl <= 100);
	/* a second touch in the same second is a no-op */
	assert_int_equal(unit_redis_int(t, "PERSIST", key), 1);
	assert_int_equal(session_touch(db, &l, 1050), ERR_OK);
	assert_int_equal(unit_redis_int(t, "TTL", key), -1);
	assert_int_equal(session_touch(db, &l, 1051), ERR_OK);
	assert_true(unit_redis_int(t, "TTL", key) > 0);
	assert_int_equal(session_reload(db, &l), ERR_OK);
	assert_int_equal(l.last_seen, 1051);
	assert_int_equal(session_load(db, s.id, 1060, &l, &miss), ERR_OK);
	assert_int_equal(l.idle_expires, 1151);
	unit_redis_check_all(t, s.id, NULL);
	session_cleanup(&s);
	session_cleanup(&l);
}

/*
 * Idle and absolute expiry at explicit times: a session made at 1000
 * (idle 100, absolute 1000), loaded and touched every `step` seconds
 * while before `until`, then loaded at `at`.
 */
static void test_expiry(void **state)
{
	static const struct {
		long long step, until, at;
		enum err want;
		enum session_miss miss;
	} rows[] = {
		{ 0, 0, 1000, ERR_OK, SESSION_MISS_NONE },
		{ 0, 0, 1099, ERR_OK, SESSION_MISS_NONE },
		{ 0, 0, 1100, ERR_NOTFOUND, SESSION_MISS_IDLE },
		{ 0, 0, 1101, ERR_NOTFOUND, SESSION_MISS_IDLE },
		{ 0, 0, 2000, ERR_NOTFOUND, SESSION_MISS_ABSOLUTE },
		{ 0, 0, 999999, ERR_NOTFOUND, SESSION_MISS_ABSOLUTE },
		{ 90, 1990, 1999, ERR_OK, SESSION_MISS_NONE },
		{ 90, 1990, 2000, ERR_NOTFOUND, SESSION_MISS_ABSOLUTE },
		{ 90, 1500, 1549, ERR_OK, SESSION_MISS_NONE },
		{ 90, 1500, 1550, ERR_NOTFOUND, SESSION_MISS_IDLE },
		{ 99, 1990, 1990, ERR_OK, SESSION_MISS_NONE },
		{ 99, 1990, 1991, ERR_NOTFOUND, SESSION_MISS_IDLE },
	};
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct session s, l;
	enum session_miss miss;
	char key[80];
	long long now;
	size_t i;
	enum err e;

	session_init(&s);
	session_init(&l);
	for (i = 0; i < NROWS(rows); i++) {
		assert_int_equal(session_create(db, &cfg, 1000, "", "", &s),
				 ERR_OK);
		key_of_id(s.id, key);
		for (now = 1000 + rows[i].step; rows[i].step &&
		     now < rows[i].until; now += rows[i].step) {
			CHECK(session_load(db, s.id, now, &l, &miss) == ERR_OK,
			      i);
			CHECK(session_touch(db, &l, now) == ERR_OK, i);
			CHECK(l.idle_expires <= l.absolute_expires, i);
		}
		e = session_load(db, s.id, rows[i].at, &l, &miss);
		if (e != rows[i].want || miss != rows[i].miss)
			print_error("at %lld: err %d miss %d\n", rows[i].at,
				    (int)e, (int)miss);
		CHECK(e == rows[i].want, i);
		CHECK(miss == rows[i].miss, i);
		/* a miss deletes the record; a hit keeps it */
		CHECK(unit_redis_int(t, "EXISTS", key) == (e == ERR_OK), i);
		if (e) {
			CHECK(l.data == NULL, i);
			e = session_load(db, s.id, rows[i].at, &l, &miss);
			CHECK(e == ERR_NOTFOUND, i);
			CHECK(miss == SESSION_MISS_UNKNOWN, i);
		}
		unit_redis_check_all(t, s.id, NULL);
		CHECK(session_destroy(db, &s) == ERR_OK, i);
		session_cleanup(&l);
	}
}

/* Malformed IDs never reach Redis as a key, glob or command. */
static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "short", "' OR 1=1 --", "*", "session:*",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	};
	struct unit_redis *t = *state;
	struct session s, l;
	enum session_miss miss;
	size_t i;

	session_init(&s);
	session_init(&l);
	assert_int_equal(session_create(t->u.db, &cfg, 0, "", "", &s), ERR_OK);
	for (i = 0; i < NROWS(bad); i++) {
		CHECK(session_load(t->u.db, bad[i], 1, &l, &miss) ==
		      ERR_NOTFOUND, i);
		CHECK(miss == SESSION_MISS_MALFORMED, i);
	}
	assert_int_equal(session_load(t->u.db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				      "AAAAAAAAAAAAAA", 1, &l, &miss),
			 ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_UNKNOWN);
	/* the real one is still there */
	assert_int_equal(session_load(t->u.db, s.id, 1, &l, &miss), ERR_OK);
	session_cleanup(&s);
	session_cleanup(&l);
}

static enum err add_n(json_t *data, void *arg)
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

static enum err too_big(json_t *data, void *arg)
{
	char *big = repeat('x', SESSION_DATA_MAX);
	int bad;

	(void)arg;
	bad = json_object_set_new(data, "big", json_string(big));
	free(big);
	return bad ? ERR_NOMEM : ERR_OK;
}

static void test_login_and_rotate_keep_data(void **state)
{
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct session s, l;
	enum session_miss miss;
	char id0[SESSION_ID_LEN + 1], id1[SESSION_ID_LEN + 1];
	char key0[80], key1[80], key2[80], hex0[9], set[32];
	json_t *login;
	long long idle, abs_exp, ttl;

	session_init(&s);
	session_init(&l);
	assert_int_equal(session_create(db, &cfg, 1000, "UA", "a", &s),
			 ERR_OK);
	snprintf(id0, sizeof(id0), "%s", s.id);
	key_of_id(id0, key0);
	session_hash_hex(s.id_hash, hex0);
	assert_int_equal(session_update(db, &s, add_n, NULL), ERR_OK);
	assert_int_equal(session_update(db, &s, add_n, NULL), ERR_OK);

	/* login: a fresh ID, the data kept, bound to user 7 */
	assert_int_equal(session_login(db, &s, &cfg, 1010, 7, 0), ERR_OK);
	assert_int_equal(strlen(s.id), SESSION_ID_LEN);
	assert_string_not_equal(s.id, id0);
	snprintf(id1, sizeof(id1), "%s", s.id);
	key_of_id(id1, key1);
	assert_int_equal(unit_redis_int(t, "EXISTS", key0), 0);
	assert_int_equal(unit_redis_int(t, "EXISTS", key1), 1);
	assert_int_equal(session_load(db, id0, 1011, &l, &miss), ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_UNKNOWN);
	assert_int_equal(session_load(db, id1, 1011, &l, &miss), ERR_OK);
	assert_int_equal(l.user_id, 7);
	assert_int_equal(l.created, 1010);
	assert_int_equal(l.idle_expires, 1110);
	assert_int_equal(l.absolute_expires, 2010);
	assert_int_equal(json_integer_value(json_object_get(l.data, "n")), 2);
	login = json_object_get(l.data, "login");
	assert_int_equal(json_integer_value(json_object_get(login, "at")),
			 1010);
	assert_string_equal(json_string_value(json_object_get(
		login, "rotated_from")), hex0);
	assert_true(json_is_false(json_object_get(login, "remember")));
	/* the user's set holds the new hash, with a TTL */
	snprintf(set, sizeof(set), "user:7:sessions");
	assert_int_equal(unit_redis_int(t, "SCARD", set), 1);
	{
		redisReply *r = unit_redis_cmd(t, "SISMEMBER", set, key1 + 8,
					       (const char *)NULL);

		assert_int_equal(r->integer, 1);
		freeReplyObject(r);
	}
	ttl = unit_redis_int(t, "TTL", set);
	assert_true(ttl > 0);

	/* rotate: another ID; data, user and deadlines kept */
	idle = l.idle_expires;
	abs_exp = l.absolute_expires;
	assert_int_equal(session_rotate(db, &l), ERR_OK);
	assert_int_equal(strlen(l.id), SESSION_ID_LEN);
	assert_string_not_equal(l.id, id1);
	key_of_id(l.id, key2);
	assert_int_equal(unit_redis_int(t, "EXISTS", key1), 0);
	assert_int_equal(unit_redis_int(t, "EXISTS", key2), 1);
	assert_int_equal(session_load(db, id1, 1012, &s, &miss), ERR_NOTFOUND);
	assert_int_equal(miss, SESSION_MISS_UNKNOWN);
	assert_int_equal(session_reload(db, &l), ERR_OK);
	assert_int_equal(l.user_id, 7);
	assert_int_equal(l.idle_expires, idle);
	assert_int_equal(l.absolute_expires, abs_exp);
	assert_int_equal(json_integer_value(json_object_get(l.data, "n")), 2);
	assert_non_null(json_object_get(l.data, "login"));
	assert_int_equal(unit_redis_int(t, "SCARD", set), 1);
	{
		redisReply *r = unit_redis_cmd(t, "SMEMBERS", set,
					       (const char *)NULL);

		assert_int_equal(r->elements, 1);
		assert_string_equal(r->element[0]->str, key2 + 8);
		freeReplyObject(r);
	}
	assert_true(unit_redis_int(t, "TTL", key2) > 0);
	unit_redis_check_all(t, id0, NULL);
	unit_redis_check_all(t, id1, NULL);
	unit_redis_check_all(t, l.id, NULL);

	/* "remember me": the long lifetimes, and a TTL to match */
	assert_int_equal(session_login(db, &l, &cfg, 1020, 7, 1), ERR_OK);
	assert_int_equal(l.persistent, 1);
	assert_int_equal(l.idle_expires, 1020 + 5000);
	key_of_id(l.id, key2);
	ttl = unit_redis_int(t, "TTL", key2);
	assert_true(ttl > 4990 && ttl <= 5000);
	assert_int_equal(hget_ll(t, key2, "persistent"), 1);
	assert_true(unit_redis_int(t, "TTL", set) >= ttl);
	unit_redis_check_all(t, l.id, NULL);

	/* a session that is gone cannot be logged in or rotated */
	assert_int_equal(session_destroy(db, &l), ERR_OK);
	assert_int_equal(unit_redis_int(t, "EXISTS", key2), 0);
	assert_int_equal(unit_redis_int(t, "EXISTS", set), 0);
	session_id_hash(id0, l.id_hash);
	assert_int_equal(session_rotate(db, &l), ERR_NOTFOUND);
	assert_string_equal(l.id, "");
	assert_int_equal(session_login(db, &s, &cfg, 1030, 7, 0),
			 ERR_NOTFOUND);
	assert_string_equal(s.id, "");
	session_cleanup(&s);
	session_cleanup(&l);
}

/* The fn of the contended update: on its first call another request
 * (a second struct session on the same ID) writes first. */
struct contend {
	struct db  *db;
	const char *id;
	int         calls;
};

static enum err add_n_contended(json_t *data, void *arg)
{
	struct contend *c = arg;
	struct session other;
	enum session_miss miss;
	enum err e = ERR_OK;

	if (c->calls++ == 0) {
		session_init(&other);
		if (!(e = session_load(c->db, c->id, 1001, &other, &miss)))
			e = session_update(c->db, &other, add_n, NULL);
		session_cleanup(&other);
		if (e)
			return e;
	}
	return add_n(data, NULL);
}

static void test_update_cas(void **state)
{
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct session s;
	struct contend c;
	char key[80], data[64];

	session_init(&s);
	assert_int_equal(session_create(db, &cfg, 1000, "", "", &s), ERR_OK);
	key_of_id(s.id, key);
	assert_int_equal(session_update(db, &s, add_n, NULL), ERR_OK);
	assert_int_equal(hget_ll(t, key, "ver"), 2);
	unit_redis_hget(t, key, "data", data, sizeof(data));
	assert_string_equal(data, "{\"n\":1}");

	/* Another write lands between our read and our write: ours is
	 * refused by ver and done again on the new data, so neither is
	 * lost (n goes 1 -> 3, not 1 -> 2). */
	c.db = db;
	c.id = s.id;
	c.calls = 0;
	assert_int_equal(session_update(db, &s, add_n_contended, &c), ERR_OK);
	assert_int_equal(c.calls, 2);
	assert_int_equal(json_integer_value(json_object_get(s.data, "n")), 3);
	unit_redis_hget(t, key, "data", data, sizeof(data));
	assert_string_equal(data, "{\"n\":3}");
	assert_int_equal(hget_ll(t, key, "ver"), 4);

	/* A write made behind the back end's back moves ver too. */
	assert_int_equal(unit_redis_int(t, "EXISTS", key), 1);
	{
		redisReply *r = unit_redis_cmd(t, "HSET", key, "data",
					       "{\"n\":10}", (const char *)NULL);

		freeReplyObject(r);
		r = unit_redis_cmd(t, "HINCRBY", key, "ver", "1",
				   (const char *)NULL);
		freeReplyObject(r);
	}
	assert_int_equal(session_update(db, &s, add_n, NULL), ERR_OK);
	unit_redis_hget(t, key, "data", data, sizeof(data));
	assert_string_equal(data, "{\"n\":11}");

	/* fn fails: nothing written, s->data as stored */
	assert_int_equal(session_update(db, &s, refuse, NULL), ERR_INVAL);
	assert_null(json_object_get(s.data, "half"));
	unit_redis_hget(t, key, "data", data, sizeof(data));
	assert_string_equal(data, "{\"n\":11}");
	assert_int_equal(hget_ll(t, key, "ver"), 6);
	/* too big: refused, nothing written */
	assert_int_equal(session_update(db, &s, too_big, NULL), ERR_TOOBIG);
	assert_null(json_object_get(s.data, "big"));
	assert_int_equal(hget_ll(t, key, "ver"), 6);
	/* gone: ERR_NOTFOUND, nothing made again */
	assert_int_equal(unit_redis_int(t, "DEL", key), 1);
	assert_int_equal(session_update(db, &s, add_n, NULL), ERR_NOTFOUND);
	assert_int_equal(unit_redis_int(t, "EXISTS", key), 0);
	session_cleanup(&s);
}

/* Hostile User-Agents are one argument each, stored as they came (cut
 * at SESSION_UA_MAX on a UTF-8 boundary). */
static void test_hostile_ua(void **state)
{
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct session s;
	struct session_info list[SESSION_LIST_MAX];
	char key[80], v[SESSION_UA_MAX + 8], ua[400];
	const char *crlf = "x\r\n*1\r\n$8\r\nFLUSHALL\r\n";
	size_t i, n;

	session_init(&s);
	assert_int_equal(session_create(db, &cfg, 1000, crlf, "*", &s), ERR_OK);
	key_of_id(s.id, key);
	unit_redis_hget(t, key, "ua", v, sizeof(v));
	assert_string_equal(v, crlf);
	unit_redis_hget(t, key, "addr", v, sizeof(v));
	assert_string_equal(v, "*");
	assert_int_equal(session_login(db, &s, &cfg, 1000, 3, 0), ERR_OK);
	assert_int_equal(session_list_user(db, 3, 1001, list, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].user_agent, crlf);
	/* "a" and 199 two-byte characters: byte SESSION_UA_MAX falls
	 * inside one, so the cut is one byte short of it */
	ua[0] = 'a';
	for (i = 1; i + 2 < sizeof(ua); i += 2) {
		ua[i] = (char)0xc3;
		ua[i + 1] = (char)0xa9;
	}
	ua[i] = '\0';
	assert_int_equal(session_create(db, &cfg, 1000, ua, "", &s), ERR_OK);
	key_of_id(s.id, key);
	unit_redis_hget(t, key, "ua", v, sizeof(v));
	assert_int_equal(strlen(v), SESSION_UA_MAX - 1);
	assert_memory_equal(v, ua, strlen(v));
	session_cleanup(&s);
}

/* S-S7 on Redis: the devices list, revoke one, others, all; counts. */
static void test_list_and_revoke(void **state)
{
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	struct session a, b, c, g;
	struct session_info list[SESSION_LIST_MAX];
	char set[32];
	long long total, users;
	size_t n;
	int k;

	session_init(&a);
	session_init(&b);
	session_init(&c);
	session_init(&g);
	/* nobody has sessions yet */
	assert_int_equal(session_list_user(db, 1, 10, list, &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(session_count_live(db, 10, &total, &users), ERR_OK);
	assert_int_equal(total, 0);
	assert_int_equal(users, 0);
	assert_int_equal(session_create(db, &cfg, 10, "Firefox/128.0",
					"10.0.0.1", &a), ERR_OK);
	assert_int_equal(session_create(db, &cfg, 11, "curl/8.5.0",
					"10.0.0.2", &b), ERR_OK);
	assert_int_equal(session_create(db, &cfg, 12, "UA", "10.0.0.3", &c),
			 ERR_OK);
	assert_int_equal(session_create(db, &cfg, 13, "UA", "10.0.0.4", &g),
			 ERR_OK);
	assert_int_equal(session_login(db, &a, &cfg, 20, 1, 0), ERR_OK);
	assert_int_equal(session_login(db, &b, &cfg, 21, 1, 0), ERR_OK);
	assert_int_equal(session_login(db, &c, &cfg, 22, 2, 0), ERR_OK);
	assert_int_equal(session_list_user(db, 1, 30, list, &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(list[0].id_hash, b.id_hash, SESSION_HASH_BYTES);
	assert_string_equal(list[0].user_agent, "curl/8.5.0");
	assert_string_equal(list[0].client_addr, "10.0.0.2");
	assert_int_equal(list[0].last_seen, 21);
	assert_int_equal(list[0].idle_expires, 121);
	assert_int_equal(list[0].absolute_expires, 1021);
	assert_memory_equal(list[1].id_hash, a.id_hash, SESSION_HASH_BYTES);
	assert_string_equal(list[1].client_addr, "10.0.0.1");
	assert_int_equal(session_list_user(db, 2, 30, list, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(session_list_user(db, 3, 30, list, &n), ERR_OK);
	assert_int_equal(n, 0);
	/* a touch reorders the list */
	assert_int_equal(session_touch(db, &a, 40), ERR_OK);
	assert_int_equal(session_list_user(db, 1, 41, list, &n), ERR_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(list[0].id_hash, a.id_hash, SESSION_HASH_BYTES);
	/* past the idle deadline: not listed, not counted */
	assert_int_equal(session_list_user(db, 1, 130, list, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(session_count_live(db, 30, &total, &users), ERR_OK);
	assert_int_equal(total, 4);
	assert_int_equal(users, 3);
	assert_int_equal(session_count_live(db, 130, &total, &users), ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(users, 1);

	/* nobody revokes another user's session */
	assert_int_equal(session_revoke(db, 1, c.id_hash), ERR_NOTFOUND);
	assert_int_equal(session_revoke(db, 0, c.id_hash), ERR_NOTFOUND);
	assert_int_equal(session_list_user(db, 2, 30, list, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(session_revoke(db, 1, b.id_hash), ERR_OK);
	assert_int_equal(session_revoke(db, 1, b.id_hash), ERR_NOTFOUND);
	snprintf(set, sizeof(set), "user:1:sessions");
	assert_int_equal(unit_redis_int(t, "SCARD", set), 1);

	/* log out the other devices: two more of user 1, one kept */
	assert_int_equal(session_create(db, &cfg, 31, "UA", "x", &b), ERR_OK);
	assert_int_equal(session_login(db, &b, &cfg, 31, 1, 0), ERR_OK);
	assert_int_equal(session_create(db, &cfg, 32, "UA", "y", &g), ERR_OK);
	assert_int_equal(session_login(db, &g, &cfg, 32, 1, 0), ERR_OK);
	assert_int_equal(session_revoke_others(db, 1, a.id_hash, &k), ERR_OK);
	assert_int_equal(k, 2);
	assert_int_equal(session_list_user(db, 1, 41, list, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_memory_equal(list[0].id_hash, a.id_hash, SESSION_HASH_BYTES);
	assert_int_equal(unit_redis_int(t, "SCARD", set), 1);
	unit_redis_check_all(t, a.id, NULL);
	/* everywhere: keep NULL */
	assert_int_equal(session_revoke_others(db, 1, NULL, &k), ERR_OK);
	assert_int_equal(k, 1);
	assert_int_equal(session_list_user(db, 1, 41, list, &n), ERR_OK);
	assert_int_equal(n, 0);

	/* destroy leaves the user's set */
	assert_int_equal(session_create(db, &cfg, 50, "UA", "z", &g), ERR_OK);
	assert_int_equal(session_login(db, &g, &cfg, 50, 2, 0), ERR_OK);
	snprintf(set, sizeof(set), "user:2:sessions");
	assert_int_equal(unit_redis_int(t, "SCARD", set), 2);
	assert_int_equal(session_destroy(db, &g), ERR_OK);
	assert_null(g.data);
	assert_int_equal(unit_redis_int(t, "SCARD", set), 1);
	assert_int_equal(session_destroy(db, &g), ERR_OK);   /* again: fine */

	/* the admin remedy: every session, guests too (the one made at 13
	 * and this one), and their sets */
	assert_int_equal(session_create(db, &cfg, 60, "", "", &g), ERR_OK);
	assert_int_equal(session_revoke_all(db, &k), ERR_OK);
	assert_int_equal(k, 3);
	unit_redis_check_all(t, NULL, &n);
	assert_int_equal(n, 0);
	assert_int_equal(session_count_live(db, 61, &total, &users), ERR_OK);
	assert_int_equal(total, 0);
	assert_int_equal(session_purge(db, 100000, &k), ERR_OK);
	assert_int_equal(k, 0);
	session_cleanup(&a);
	session_cleanup(&b);
	session_cleanup(&c);
	session_cleanup(&g);
}

/* session_stored_json on Redis: the hash as it is, with its TTL. */
static void test_stored_json(void **state)
{
	struct unit_redis *t = *state;
	struct session s;
	json_t *o, *f;
	char key[80];

	session_init(&s);
	assert_int_equal(session_create(t->u.db, &cfg, 1000, "UA", "a", &s),
			 ERR_OK);
	key_of_id(s.id, key);
	assert_int_equal(session_stored_json(t->u.db, &s, 1000, &o), ERR_OK);
	assert_string_equal(json_string_value(json_object_get(o, "store")),
			    "redis");
	assert_string_equal(json_string_value(json_object_get(o, "key")), key);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
			    "hash");
	assert_true(json_integer_value(json_object_get(o, "ttl")) > 0);
	f = json_object_get(o, "fields");
	assert_int_equal(json_object_size(f), 11);
	assert_string_equal(json_string_value(json_object_get(f, "ver")), "1");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(o, "other"), "store")), "sqlite");
	{
		char *text = json_dumps(o, 0);

		assert_non_null(text);
		assert_null(strstr(text, s.id));
		free(text);
	}
	json_decref(o);
	assert_int_equal(unit_redis_int(t, "DEL", key), 1);
	assert_int_equal(session_stored_json(t->u.db, &s, 1000, &o),
			 ERR_NOTFOUND);
	assert_null(o);
	session_cleanup(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_REDIS_TEST(test_create_layout),
		UNIT_REDIS_TEST(test_expiry),
		UNIT_REDIS_TEST(test_malformed),
		UNIT_REDIS_TEST(test_login_and_rotate_keep_data),
		UNIT_REDIS_TEST(test_update_cas),
		UNIT_REDIS_TEST(test_hostile_ua),
		UNIT_REDIS_TEST(test_list_and_revoke),
		UNIT_REDIS_TEST(test_stored_json),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
