/*
 * test_refresh_redis.c - refresh.h on its Redis back end (unit_redis.h):
 * login, rotation, replay of a spent token (the family is revoked),
 * racing rotations with one token (exactly one wins), pair binding,
 * revoke one and all, the families and events JSON, and the blacklist
 * with its TTL of exp + TOKEN_LEEWAY - now. The rules that are the same
 * in both stores run as one table on Redis and on a SQLite file. Behind
 * the interface, hiredis checks the keys of refresh_redis.h: only token
 * hashes, never a raw refresh token, and a TTL on every key.
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

#include "state/refresh.h"
#include "unit.h"
#include "unit_redis.h"

#define TTL 600

/* "refresh:<64 hex>" of a raw token, computed here. */
static void token_key(const char *tok, char out[8 + 64 + 1])
{
	unit_redis_hashed_key("refresh", tok, out, 8 + 64 + 1);
}

/* Field k of element i of array a, as a string (NULL) or an integer. */
static const char *at_str(const json_t *a, size_t i, const char *k)
{
	return json_string_value(json_object_get(json_array_get(a, i), k));
}

static long long at_int(const json_t *a, size_t i, const char *k)
{
	return json_integer_value(json_object_get(json_array_get(a, i), k));
}

/* Users 5 and 6 in a SQLite file (the families' foreign key wants them). */
static void add_users(struct db *db)
{
	assert_int_equal(db_exec(db, "INSERT INTO users (id, username, "
				 "display_name, password_hash, created) VALUES "
				 "(5, 'user5', 'U5', 'x', 0), "
				 "(6, 'user6', 'U6', 'x', 0)", ""), ERR_OK);
}

/* A plain login of user uid at now, access token jti until exp. */
static long long login(struct db *db, long long uid, int bound,
		       const char *jti, long long exp, long long now,
		       char out[REFRESH_TOKEN_LEN + 1])
{
	long long fid;

	assert_int_equal(refresh_login(db, uid, TOKEN_HS256, bound, jti, exp,
				       "UA/1", "10.0.0.5", now, TTL, out,
				       &fid), ERR_OK);
	assert_int_equal(strlen(out), REFRESH_TOKEN_LEN);
	assert_true(fid > 0);
	return fid;
}

/* refresh_rotate with no pair; the outcome. */
static enum refresh_outcome rotate(struct db *db, const char *tok,
				   const char *jti, long long exp,
				   long long now,
				   char out[REFRESH_TOKEN_LEN + 1],
				   struct refresh_family *fam)
{
	enum refresh_outcome o;

	assert_int_equal(refresh_rotate(db, tok, NULL, jti, exp, now, TTL,
					out, fam, &o), ERR_OK);
	if (o != REFRESH_OK)
		assert_string_equal(out, "");
	return o;
}

static void test_login_layout(void **state)
{
	static const struct { const char *field, *want; } fam_fields[] = {
		{ "user", "5" }, { "alg", "HS256" }, { "bound", "0" },
		{ "access_jti", "jti-0" }, { "access_exp", "1300" },
		{ "created", "1000" }, { "last_used", "1000" },
		{ "revoked_at", "0" }, { "reason", "" }, { "ua", "UA/1" },
		{ "addr", "10.0.0.5" },
	};
	static const struct { const char *field, *want; } tok_fields[] = {
		{ "created", "1000" }, { "expires", "1600" }, { "spent", "0" },
		{ "used_at", "0" },
	};
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	char tok[REFRESH_TOKEN_LEN + 1], tk[80], fk[48], ek[48], v[64];
	struct refresh_family fam;
	struct unit_keys k;
	json_t *ev;
	long long fid, n, ttl;
	size_t i;

	fid = login(db, 5, 0, "jti-0", 1300, 1000, tok);
	assert_true(fid < (1LL << 48));
	token_key(tok, tk);
	snprintf(fk, sizeof(fk), "family:%lld", fid);
	snprintf(ek, sizeof(ek), "family:%lld:events", fid);
	unit_redis_keys(t, "*", &k);
	assert_int_equal(k.n, 4);
	assert_string_equal(k.key[0], fk);
	assert_string_equal(k.key[1], ek);
	assert_string_equal(k.key[2], tk);
	assert_string_equal(k.key[3], "user:5:families");
	unit_keys_free(&k);
	for (i = 0; i < NROWS(fam_fields); i++) {
		unit_redis_hget(t, fk, fam_fields[i].field, v, sizeof(v));
		if (strcmp(v, fam_fields[i].want))
			print_error("%s = %s\n", fam_fields[i].field, v);
		CHECK(!strcmp(v, fam_fields[i].want), i);
	}
	for (i = 0; i < NROWS(tok_fields); i++) {
		unit_redis_hget(t, tk, tok_fields[i].field, v, sizeof(v));
		CHECK(!strcmp(v, tok_fields[i].want), i);
	}
	unit_redis_hget(t, tk, "family", v, sizeof(v));
	assert_int_equal(strtoll(v, NULL, 10), fid);
	ttl = unit_redis_int(t, "TTL", tk);
	assert_true(ttl > TTL - 10 && ttl <= TTL);
	ttl = unit_redis_int(t, "TTL", fk);
	assert_true(ttl > TTL - 10 && ttl <= TTL);
	assert_int_equal(unit_redis_int(t, "LLEN", ek), 1);
	unit_redis_check_all(t, tok, NULL);

	assert_int_equal(refresh_find(db, tok, &fam), ERR_OK);
	assert_int_equal(fam.id, fid);
	assert_int_equal(fam.user_id, 5);
	assert_int_equal(fam.alg, TOKEN_HS256);
	assert_int_equal(fam.bound, 0);
	assert_string_equal(fam.access_jti, "jti-0");
	assert_int_equal(fam.access_exp, 1300);
	assert_int_equal(fam.created, 1000);
	assert_int_equal(fam.revoked_at, 0);
	assert_int_equal(refresh_live_count(db, 5, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(refresh_live_count(db, 6, &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(refresh_events_json(db, fid, &ev), ERR_OK);
	assert_int_equal(json_array_size(ev), 1);
	assert_string_equal(at_str(ev, 0, "kind"), "login");
	assert_int_equal(at_int(ev, 0, "at"), 1000);
	json_decref(ev);
	/* a well-shaped token that was never issued */
	assert_int_equal(refresh_find(db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				      "AAAAAAAA", &fam), ERR_NOTFOUND);
	assert_int_equal(fam.id, 0);
	assert_int_equal(refresh_find(db, NULL, &fam), ERR_NOTFOUND);
}

static void test_rotate_and_replay(void **state)
{
	struct unit_redis *t = *state;
	struct db *db = t->u.db;
	char t0[REFRESH_TOKEN_LEN + 1], t1[REFRESH_TOKEN_LEN + 1];
	char t2[REFRESH_TOKEN_LEN + 1], out[REFRESH_TOKEN_LEN + 1];
	char tk[80], v[32];
	struct refresh_family fam;
	json_t *ev, *fams;
	long long fid, n, ttl, pttl;
	static const char *const kinds[] = {
		"reuse", "refresh", "refresh", "login"
	};
	static const long long ats[] = { 1250, 1200, 1100, 1000 };
	size_t i;

	fid = login(db, 5, 0, "jti-0", 1300, 1000, t0);
	assert_int_equal(rotate(db, t0, "jti-1", 1400, 1100, t1, &fam),
			 REFRESH_OK);
	assert_int_equal(fam.id, fid);
	assert_string_equal(fam.access_jti, "jti-1");
	assert_int_equal(fam.access_exp, 1400);
	assert_int_equal(fam.last_used, 1100);
	assert_string_not_equal(t1, t0);
	token_key(t0, tk);
	unit_redis_hget(t, tk, "spent", v, sizeof(v));
	assert_string_equal(v, "1");
	unit_redis_hget(t, tk, "used_at", v, sizeof(v));
	assert_string_equal(v, "1100");
	/* a spent token stays until its own expiry, so a replay is seen */
	assert_true(unit_redis_int(t, "TTL", tk) > 0);
	token_key(t1, tk);
	unit_redis_hget(t, tk, "expires", v, sizeof(v));
	assert_string_equal(v, "1700");
	assert_int_equal(rotate(db, t1, "jti-2", 1500, 1200, t2, &fam),
			 REFRESH_OK);
	/* the spent t0 again: a replay, and the family is revoked */
	assert_int_equal(rotate(db, t0, "jti-x", 1550, 1250, out, &fam),
			 REFRESH_REUSED);
	assert_int_equal(fam.id, fid);
	assert_int_equal(fam.revoked_at, 1250);
	/* ...which blacklists its last access token until exp + leeway */
	ttl = unit_redis_int(t, "TTL", "blacklist:jti-2");
	pttl = unit_redis_int(t, "PTTL", "blacklist:jti-2");
	assert_true(ttl >= 1500 + TOKEN_LEEWAY - 1250 - 1 &&
		    ttl <= 1500 + TOKEN_LEEWAY - 1250);
	assert_true(pttl > (1500 + TOKEN_LEEWAY - 1250 - 2) * 1000LL &&
		    pttl <= (1500 + TOKEN_LEEWAY - 1250) * 1000LL);
	assert_int_equal(unit_redis_int(t, "EXISTS", "blacklist:jti-x"), 0);
	/* every token of a revoked family is refused, the live one too */
	assert_int_equal(rotate(db, t2, "jti-y", 1600, 1260, out, &fam),
			 REFRESH_REVOKED);
	assert_int_equal(rotate(db, t1, "jti-z", 1600, 1260, out, &fam),
			 REFRESH_REVOKED);
	assert_int_equal(refresh_live_count(db, 5, &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(refresh_events_json(db, fid, &ev), ERR_OK);
	assert_int_equal(json_array_size(ev), NROWS(kinds));
	for (i = 0; i < NROWS(kinds); i++) {
		json_t *e = json_array_get(ev, i);

		CHECK(!strcmp(json_string_value(json_object_get(e, "kind")),
			      kinds[i]), i);
		CHECK(json_integer_value(json_object_get(e, "at")) == ats[i],
		      i);
	}
	assert_string_equal(at_str(ev, 0, "detail"),
		"a spent refresh token was presented again");
	json_decref(ev);
	assert_int_equal(refresh_families_json(db, 5, &fams), ERR_OK);
	assert_int_equal(json_array_size(fams), 1);
	assert_int_equal(at_int(fams, 0, "revoked_at"), 1250);
	assert_string_equal(at_str(fams, 0, "revoked_reason"), "reuse");
	json_decref(fams);
	unit_redis_check_all(t, t0, NULL);
	unit_redis_check_all(t, t1, NULL);
	unit_redis_check_all(t, t2, NULL);
}

/* The outcomes both stores give alike: expiry edges, hostile tokens. */
static void outcome_rows(struct db *db)
{
	static const struct { long long at; enum refresh_outcome want; }
	times[] = {
		{ 1000, REFRESH_OK }, { 1000 + TTL - 1, REFRESH_OK },
		{ 1000 + TTL, REFRESH_EXPIRED },
		{ 1000 + TTL + 1, REFRESH_EXPIRED },
		{ 999999, REFRESH_EXPIRED },
	};
	static const char *const unknown[] = {
		"", "short", "*", "refresh:*", "' OR 1=1 --",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	char tok[REFRESH_TOKEN_LEN + 1], out[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	enum refresh_outcome o;
	size_t i;

	for (i = 0; i < NROWS(times); i++) {
		login(db, 5, 0, "j", 1300, 1000, tok);
		o = rotate(db, tok, "k", 1400, times[i].at, out, &fam);
		if (o != times[i].want)
			print_error("at %lld: %s\n", times[i].at,
				    refresh_outcome_text(o));
		CHECK(o == times[i].want, i);
		CHECK(fam.id > 0, i);
		/* an expired token is not spent: the family stays live */
		CHECK(fam.revoked_at == 0, i);
	}
	for (i = 0; i < NROWS(unknown); i++) {
		o = rotate(db, unknown[i], "k", 1400, 1000, out, &fam);
		CHECK(o == REFRESH_UNKNOWN, i);
		CHECK(fam.id == 0, i);
	}
	assert_int_equal(refresh_rotate(db, NULL, NULL, "k", 1400, 1000, TTL,
					out, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_UNKNOWN);
}

static void test_outcomes(void **state)
{
	struct unit_redis *t = *state;
	struct unit_db sq;

	outcome_rows(t->u.db);
	unit_redis_check_all(t, NULL, NULL);
	assert_int_equal(unit_db_open(&sq), 0);
	add_users(sq.db);
	outcome_rows(sq.db);
	unit_db_close(&sq);
}

/* Pair binding (S-J5), the same on both stores. */
static void pair_rows(struct db *db)
{
	static const struct {
		int         present;
		const char *jti;
		long long   uid;
		const char *detail;
	} bad[] = {
		{ 0, NULL, 0, "no access token came with it" },
		{ 1, "jti-other", 5, "another access token came with it" },
		{ 1, "jti-b", 6, "another access token came with it" },
		{ 1, NULL, 5, "another access token came with it" },
	};
	char tok[REFRESH_TOKEN_LEN + 1], out[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	struct refresh_pair pair;
	enum refresh_outcome o;
	json_t *ev;
	long long fid;
	size_t i;

	for (i = 0; i < NROWS(bad); i++) {
		fid = login(db, 5, 1, "jti-b", 1300, 1000, tok);
		/* the right pair first: the family moves to jti-c */
		pair.present = 1;
		pair.jti = "jti-b";
		pair.user_id = 5;
		assert_int_equal(refresh_rotate(db, tok, &pair, "jti-c", 1400,
						1100, TTL, out, &fam, &o),
				 ERR_OK);
		CHECK(o == REFRESH_OK, i);
		memcpy(tok, out, sizeof(tok));
		pair.present = bad[i].present;
		pair.jti = bad[i].jti;
		pair.user_id = bad[i].uid;
		if (bad[i].jti && !strcmp(bad[i].jti, "jti-b"))
			pair.jti = "jti-c";    /* the right jti, wrong user */
		assert_int_equal(refresh_rotate(db, tok, &pair, "jti-d", 1500,
						1200, TTL, out, &fam, &o),
				 ERR_OK);
		CHECK(o == REFRESH_PAIR_MISMATCH, i);
		CHECK(fam.revoked_at == 1200, i);
		CHECK(out[0] == '\0', i);
		assert_int_equal(refresh_events_json(db, fid, &ev), ERR_OK);
		CHECK(!strcmp(at_str(ev, 0, "kind"), "pair_mismatch"), i);
		CHECK(!strcmp(at_str(ev, 0, "detail"), bad[i].detail), i);
		json_decref(ev);
		/* and its last access token is on the blacklist */
		{
			int yes;

			assert_int_equal(refresh_blacklisted(db, "jti-c",
							     &yes), ERR_OK);
			CHECK(yes == 1, i);
		}
	}
}

static void test_pair(void **state)
{
	struct unit_redis *t = *state;
	struct unit_db sq;

	pair_rows(t->u.db);
	unit_redis_check_all(t, NULL, NULL);
	assert_int_equal(unit_db_open(&sq), 0);
	add_users(sq.db);
	pair_rows(sq.db);
	unit_db_close(&sq);
}

/*
 * Two processes, each with its own connection, rotate one token at
 * once: exactly one REFRESH_OK, the other REFRESH_REUSED (which revokes
 * the family). The children wait on a pipe so that they start together,
 * report their outcome as one byte, and use no cmocka call.
 */
#define RACERS 2
#define ROUNDS 8

static void racer(const char *path, const char *tok, int go, int res)
{
	char out[REFRESH_TOKEN_LEN + 1], c;
	struct refresh_family fam;
	enum refresh_outcome o = REFRESH_UNKNOWN;
	struct db *db = NULL;
	unsigned char byte = 0xff;

	if (!db_open(path, &db) && !store_open(db) && db->kv &&
	    read(go, &c, 1) == 0 &&
	    !refresh_rotate(db, tok, NULL, "jti-race", 1400, 1100, TTL, out,
			    &fam, &o))
		byte = (unsigned char)o;
	if (write(res, &byte, 1) != 1)
		byte = 0xff;
	db_close(db);
	_exit(0);
}

static void test_race(void **state)
{
	struct unit_redis *t = *state;
	char tok[REFRESH_TOKEN_LEN + 1];
	int go[2], res[2], round, i, counts[8], status;
	unsigned char byte;
	pid_t pids[RACERS];
	long long n;

	for (round = 0; round < ROUNDS; round++) {
		login(t->u.db, 5, 0, "jti-0", 1300, 1000, tok);
		assert_int_equal(pipe(go), 0);
		assert_int_equal(pipe(res), 0);
		for (i = 0; i < RACERS; i++) {
			pids[i] = fork();
			assert_true(pids[i] >= 0);
			if (pids[i] == 0) {
				close(go[1]);
				close(res[0]);
				racer(t->u.path, tok, go[0], res[1]);
			}
		}
		close(go[0]);
		close(res[1]);
		close(go[1]);            /* both read EOF: go */
		memset(counts, 0, sizeof(counts));
		for (i = 0; i < RACERS; i++) {
			assert_int_equal(read(res[0], &byte, 1), 1);
			assert_true(byte < 8);
			counts[byte]++;
		}
		close(res[0]);
		for (i = 0; i < RACERS; i++) {
			assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
			assert_true(WIFEXITED(status));
		}
		if (counts[REFRESH_OK] != 1)
			print_error("round %d: %d ok, %d reused\n", round,
				    counts[REFRESH_OK], counts[REFRESH_REUSED]);
		assert_int_equal(counts[REFRESH_OK], 1);
		assert_int_equal(counts[REFRESH_REUSED], RACERS - 1);
		assert_int_equal(refresh_live_count(t->u.db, 5, &n), ERR_OK);
		assert_int_equal(n, 0);
	}
	unit_redis_check_all(t, tok, NULL);
}

/* Revoking one family and all of them, the same on both stores. */
static void revoke_rows(struct db *db)
{
	char tok1[REFRESH_TOKEN_LEN + 1], tok2[REFRESH_TOKEN_LEN + 1];
	char tok3[REFRESH_TOKEN_LEN + 1], out[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	long long f1, f2, f3, n;
	json_t *ev;
	int changed, count, yes;

	f1 = login(db, 5, 0, "jti-r1", 1300, 1000, tok1);
	f2 = login(db, 5, 0, "jti-r2", 1300, 1000, tok2);
	f3 = login(db, 6, 0, "jti-r3", 1300, 1000, tok3);
	(void)f2;
	/* nobody revokes another user's family, or one that is not there */
	changed = 7;
	assert_int_equal(refresh_revoke(db, f1, 6, "logout", 1100, &changed),
			 ERR_NOTFOUND);
	assert_int_equal(changed, 0);
	assert_int_equal(refresh_revoke(db, f1, 0, "logout", 1100, &changed),
			 ERR_NOTFOUND);
	assert_int_equal(refresh_revoke(db, 123, 5, "logout", 1100, &changed),
			 ERR_NOTFOUND);
	assert_int_equal(refresh_blacklisted(db, "jti-r1", &yes), ERR_OK);
	assert_int_equal(yes, 0);
	assert_int_equal(refresh_revoke(db, f1, 5, "logout", 1100, &changed),
			 ERR_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(refresh_revoke(db, f1, 5, "logout", 1101, &changed),
			 ERR_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(refresh_revoke(db, f1, 5, "logout", 1101, NULL),
			 ERR_OK);
	assert_int_equal(refresh_blacklisted(db, "jti-r1", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(refresh_events_json(db, f1, &ev), ERR_OK);
	assert_int_equal(json_array_size(ev), 2);
	assert_string_equal(at_str(ev, 0, "kind"), "logout");
	json_decref(ev);
	assert_int_equal(rotate(db, tok1, "j", 1400, 1102, out, &fam),
			 REFRESH_REVOKED);
	assert_int_equal(refresh_live_count(db, 5, &n), ERR_OK);
	assert_int_equal(n, 1);
	/* all of user 5's, in the caller's transaction */
	assert_int_equal(db_begin(db), ERR_OK);
	assert_int_equal(refresh_revoke_all_locked(db, 5, "logout_all", 1200,
						   &count), ERR_OK);
	assert_int_equal(db_commit(db), ERR_OK);
	assert_int_equal(count, 1);
	assert_int_equal(refresh_live_count(db, 5, &n), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(refresh_live_count(db, 6, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rotate(db, tok2, "j", 1400, 1201, out, &fam),
			 REFRESH_REVOKED);
	assert_int_equal(refresh_blacklisted(db, "jti-r2", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	/* everyone's */
	assert_int_equal(db_begin(db), ERR_OK);
	assert_int_equal(refresh_revoke_all_locked(db, 0, "revoke", 1300,
						   &count), ERR_OK);
	assert_int_equal(db_commit(db), ERR_OK);
	assert_int_equal(count, 1);
	assert_int_equal(refresh_live_count(db, 6, &n), ERR_OK);
	assert_int_equal(n, 0);
	/* f3's access token (exp 1300) was revoked at its exp, while
	 * token_verify still takes it (TOKEN_LEEWAY): it is listed */
	assert_int_equal(refresh_blacklisted(db, "jti-r3", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(db_begin(db), ERR_OK);
	assert_int_equal(refresh_revoke_all_locked(db, 0, "revoke", 1301,
						   &count), ERR_OK);
	assert_int_equal(db_commit(db), ERR_OK);
	assert_int_equal(count, 0);
	/* one second inside the leeway: listed; at its end: not needed */
	f3 = login(db, 6, 0, "jti-r4", 1300, 1000, tok3);
	assert_int_equal(refresh_revoke(db, f3, 6, "logout",
					1300 + TOKEN_LEEWAY - 1, &changed),
			 ERR_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(refresh_blacklisted(db, "jti-r4", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	f3 = login(db, 6, 0, "jti-r5", 1300, 1000, tok3);
	assert_int_equal(refresh_revoke(db, f3, 6, "logout",
					1300 + TOKEN_LEEWAY, &changed),
			 ERR_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(refresh_blacklisted(db, "jti-r5", &yes), ERR_OK);
	assert_int_equal(yes, 0);
}

static void test_revoke(void **state)
{
	struct unit_redis *t = *state;
	struct unit_db sq;

	revoke_rows(t->u.db);
	assert_int_equal(unit_redis_int(t, "EXISTS", "blacklist:jti-r1"), 1);
	assert_int_equal(unit_redis_int(t, "EXISTS", "blacklist:jti-r2"), 1);
	assert_int_equal(unit_redis_int(t, "EXISTS", "blacklist:jti-r3"), 1);
	unit_redis_check_all(t, NULL, NULL);
	assert_int_equal(unit_db_open(&sq), 0);
	add_users(sq.db);
	revoke_rows(sq.db);
	unit_db_close(&sq);
}

/* The JSON the devices page and sitectl read: exact keys and types. */
static void check_family_shape(const json_t *f, size_t row)
{
	static const struct { const char *key; int type; } keys[] = {
		{ "id", JSON_INTEGER }, { "alg", JSON_STRING },
		{ "bound", -1 /* true or false */ },
		{ "created", JSON_INTEGER }, { "last_used", JSON_INTEGER },
		{ "revoked_at", -2 /* integer or null */ },
		{ "revoked_reason", JSON_STRING },
		{ "user_agent", JSON_STRING }, { "client_addr", JSON_STRING },
	};
	size_t i;

	CHECK(json_is_object(f), row);
	CHECK(json_object_size(f) == NROWS(keys), row);
	for (i = 0; i < NROWS(keys); i++) {
		const json_t *v = json_object_get(f, keys[i].key);

		if (!v)
			print_error("family %zu has no %s\n", row,
				    keys[i].key);
		CHECK(v != NULL, row);
		if (keys[i].type == -1)
			CHECK(json_is_boolean(v), row);
		else if (keys[i].type == -2)
			CHECK(json_is_integer(v) || json_is_null(v), row);
		else
			CHECK((int)json_typeof(v) == keys[i].type, row);
	}
}

static void json_rows(struct db *db)
{
	char t1[REFRESH_TOKEN_LEN + 1], t2[REFRESH_TOKEN_LEN + 1];
	char t3[REFRESH_TOKEN_LEN + 1], out[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	long long f1, f2, f3, now;
	json_t *fams, *ev, *e;
	size_t i;
	int r;

	f1 = login(db, 5, 0, "j1", 1300, 1000, t1);
	f2 = login(db, 5, 1, "j2", 1300, 1000, t2);
	f3 = login(db, 5, 0, "j3", 1300, 1001, t3);
	assert_int_equal(rotate(db, t1, "j1b", 1400, 1010, out, &fam),
			 REFRESH_OK);
	assert_int_equal(refresh_revoke(db, f2, 5, "logout", 1020, NULL),
			 ERR_OK);
	assert_int_equal(refresh_families_json(db, 5, &fams), ERR_OK);
	assert_int_equal(json_array_size(fams), 3);
	for (i = 0; i < 3; i++)
		check_family_shape(json_array_get(fams, i), i);
	/* newest first, the same-second logins too */
	assert_int_equal(at_int(fams, 0, "id"), f3);
	assert_int_equal(at_int(fams, 1, "id"), f2);
	assert_int_equal(at_int(fams, 2, "id"), f1);
	e = json_array_get(fams, 1);
	assert_true(json_is_true(json_object_get(e, "bound")));
	assert_int_equal(json_integer_value(json_object_get(e, "revoked_at")),
			 1020);
	assert_string_equal(json_string_value(json_object_get(
		e, "revoked_reason")), "logout");
	e = json_array_get(fams, 2);
	assert_true(json_is_null(json_object_get(e, "revoked_at")));
	assert_string_equal(json_string_value(json_object_get(
		e, "revoked_reason")), "");
	assert_int_equal(json_integer_value(json_object_get(e, "last_used")),
			 1010);
	assert_string_equal(json_string_value(json_object_get(e, "alg")),
			    "HS256");
	assert_string_equal(json_string_value(json_object_get(
		e, "user_agent")), "UA/1");
	assert_string_equal(json_string_value(json_object_get(
		e, "client_addr")), "10.0.0.5");
	json_decref(fams);
	/* nobody's families and events: empty arrays */
	assert_int_equal(refresh_families_json(db, 6, &fams), ERR_OK);
	assert_true(json_is_array(fams));
	assert_int_equal(json_array_size(fams), 0);
	json_decref(fams);
	assert_int_equal(refresh_events_json(db, 424242, &ev), ERR_OK);
	assert_true(json_is_array(ev));
	assert_int_equal(json_array_size(ev), 0);
	json_decref(ev);
	/* events: {at, kind, detail}, newest first, at most
	 * REFRESH_EVENTS_MAX */
	for (now = 1100, r = 0; r < REFRESH_EVENTS_MAX + 5; r++, now++) {
		assert_int_equal(rotate(db, t3, "j3x", 1400, now, out, &fam),
				 REFRESH_OK);
		memcpy(t3, out, sizeof(t3));
	}
	assert_int_equal(refresh_events_json(db, f3, &ev), ERR_OK);
	assert_int_equal(json_array_size(ev), REFRESH_EVENTS_MAX);
	for (i = 0; i < json_array_size(ev); i++) {
		e = json_array_get(ev, i);
		CHECK(json_object_size(e) == 3, i);
		CHECK(json_integer_value(json_object_get(e, "at")) ==
		      now - 1 - (long long)i, i);
		CHECK(!strcmp(json_string_value(json_object_get(e, "kind")),
			      "refresh"), i);
		CHECK(json_is_string(json_object_get(e, "detail")), i);
	}
	json_decref(ev);
	assert_int_equal(refresh_events_json(db, f2, &ev), ERR_OK);
	assert_int_equal(json_array_size(ev), 2);
	e = json_array_get(ev, 1);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
			    "login");
	assert_string_equal(json_string_value(json_object_get(e, "detail")),
			    "pair binding on");
	json_decref(ev);
}

static void test_json_shapes(void **state)
{
	struct unit_redis *t = *state;
	struct unit_db sq;

	json_rows(t->u.db);
	assert_int_equal(unit_redis_int(t, "ZCARD", "user:5:families"), 3);
	unit_redis_check_all(t, NULL, NULL);
	assert_int_equal(unit_db_open(&sq), 0);
	add_users(sq.db);
	json_rows(sq.db);
	unit_db_close(&sq);
}

/* refresh_blacklist_add at explicit times: listed while token_verify
 * would still take the token (now < exp + TOKEN_LEEWAY), for exactly
 * the rest of that time in Redis. */
static const struct {
	long long exp, now;
	long long ttl;          /* 0: nothing written */
} bl_rows[] = {
	{ 1000, 500, 1000 + TOKEN_LEEWAY - 500 },
	{ 1000, 990, 20 },
	{ 1000, 1000, TOKEN_LEEWAY },
	{ 1000, 1000 + TOKEN_LEEWAY - 1, 1 },
	{ 1000, 1000 + TOKEN_LEEWAY, 0 },
	{ 1000, 5000, 0 },
	{ 0, 1000, 0 },
	{ 4000000000LL, 3999999000LL, 1000 + TOKEN_LEEWAY },
};

static void blacklist_rows(struct db *db)
{
	char jti[32];
	size_t i;
	int yes;

	for (i = 0; i < NROWS(bl_rows); i++) {
		snprintf(jti, sizeof(jti), "jti-row-%zu", i);
		CHECK(refresh_blacklist_add(db, jti, bl_rows[i].exp,
					    bl_rows[i].now) == ERR_OK, i);
		CHECK(refresh_blacklisted(db, jti, &yes) == ERR_OK, i);
		CHECK(yes == (bl_rows[i].ttl > 0), i);
	}
	assert_int_equal(refresh_blacklisted(db, "jti-never", &yes), ERR_OK);
	assert_int_equal(yes, 0);
	/* a jti is a word, never a pattern */
	assert_int_equal(refresh_blacklist_add(db, "*", 2000, 1000), ERR_OK);
	assert_int_equal(refresh_blacklisted(db, "*", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(refresh_blacklisted(db, "anything", &yes), ERR_OK);
	assert_int_equal(yes, 0);
}

static void test_blacklist(void **state)
{
	struct unit_redis *t = *state;
	struct unit_db sq;
	char key[48], *longjti;
	long long ttl, pttl;
	size_t i;
	int yes;

	blacklist_rows(t->u.db);
	for (i = 0; i < NROWS(bl_rows); i++) {
		snprintf(key, sizeof(key), "blacklist:jti-row-%zu", i);
		ttl = unit_redis_int(t, "TTL", key);
		pttl = unit_redis_int(t, "PTTL", key);
		if (!bl_rows[i].ttl) {
			CHECK(ttl == -2, i);     /* no such key */
			continue;
		}
		if (ttl != bl_rows[i].ttl)
			print_error("TTL %lld, want %lld\n", ttl,
				    bl_rows[i].ttl);
		CHECK(ttl >= bl_rows[i].ttl - 1 && ttl <= bl_rows[i].ttl, i);
		CHECK(pttl > (bl_rows[i].ttl - 1) * 1000 &&
		      pttl <= bl_rows[i].ttl * 1000, i);
	}
	/* a longer entry already there stays */
	assert_int_equal(refresh_blacklist_add(t->u.db, "jti-long", 2000,
					       1000), ERR_OK);
	assert_int_equal(refresh_blacklist_add(t->u.db, "jti-long", 1100,
					       1000), ERR_OK);
	ttl = unit_redis_int(t, "TTL", "blacklist:jti-long");
	assert_true(ttl > 1000 && ttl <= 1000 + TOKEN_LEEWAY);
	/* a jti no verified token carries: nothing written, not listed */
	longjti = repeat('j', TOKEN_JTI_MAX);
	assert_int_equal(refresh_blacklist_add(t->u.db, longjti, 2000, 1000),
			 ERR_OK);
	assert_int_equal(refresh_blacklisted(t->u.db, longjti, &yes), ERR_OK);
	assert_int_equal(yes, 0);
	free(longjti);
	unit_redis_check_all(t, NULL, NULL);

	assert_int_equal(unit_db_open(&sq), 0);
	blacklist_rows(sq.db);
	assert_int_equal(unit_count(sq.db, "SELECT count(*) FROM "
				    "token_blacklist"), 6);
	unit_db_close(&sq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_REDIS_TEST(test_login_layout),
		UNIT_REDIS_TEST(test_rotate_and_replay),
		UNIT_REDIS_TEST(test_outcomes),
		UNIT_REDIS_TEST(test_pair),
		UNIT_REDIS_TEST(test_race),
		UNIT_REDIS_TEST(test_revoke),
		UNIT_REDIS_TEST(test_json_shapes),
		UNIT_REDIS_TEST(test_blacklist),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
