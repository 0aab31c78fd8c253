/*
 * test_token.c - the JWT wrapper, the weak verifier, the forgeries, and
 * refresh-token families against a real key folder and SQLite file:
 * every claim check and refusal reason (table-driven), algorithm pinning
 * by kid, the 4 KB limit, the checklist, rotation, reuse, pair binding,
 * revocation and the blacklist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "state/auth.h"
#include "base/db.h"
#include "unsafe/forge.h"
#include "state/refresh.h"
#include "state/revoke.h"
#include "state/token.h"
#include "state/tokensign.h"
#include "unit.h"
#include "unsafe/weakjwt.h"

#define NOW 1800000000LL

static char keydir[64];
static struct token_signer signer;

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(keydir, sizeof(keydir), "/tmp/test_token_keys_%ld",
		 (long)getpid());
	if (tokensign_create_keys(keydir) ||
	    tokensign_load(keydir, &signer))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	char p[128];
	static const char *const files[] = {
		TOKEN_HS_FILE, TOKENSIGN_PRIVATE_FILE, JWK_PUBLIC_FILE
	};
	size_t i;

	(void)state;
	tokensign_cleanup(&signer);
	for (i = 0; i < NROWS(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", keydir, files[i]);
		unlink(p);
	}
	rmdir(keydir);
	return 0;
}

/* A token from spec defaults with the given changes. */
static char *issue(enum token_alg alg, const char *aud, const char *use,
		   const char *iss, long long iat, long long exp)
{
	struct token_spec s = {
		.alg = alg, .sub = "7", .name = "Alice", .role = "user",
		.jti = "jti-1", .aud = aud, .token_use = use, .iss = iss,
		.iat = iat, .nbf = iat, .exp = exp,
	};
	char *out = NULL;

	assert_int_equal(tokensign_issue(&signer, &s, &out), ERR_OK);
	return out;
}

static void test_keys(void **state)
{
	struct token_keys k;
	struct stat st;
	char p[128];

	(void)state;
	assert_int_equal(token_keys_load(keydir, &k), ERR_OK);
	assert_string_equal(k.hs_kid, signer.keys.hs_kid);
	assert_string_equal(k.rs_kid, signer.keys.rs_kid);
	assert_true(strncmp(k.hs_kid, "hs-", 3) == 0);
	assert_int_equal(strlen(k.rs_kid), 43);
	token_keys_cleanup(&k);
	snprintf(p, sizeof(p), "%s/%s", keydir, TOKENSIGN_PRIVATE_FILE);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Creating again changes nothing. */
	assert_int_equal(tokensign_create_keys(keydir), ERR_OK);
	/* A missing folder is refused. */
	assert_int_equal(token_keys_load("/nonexistent-keys", &k),
			 ERR_NOTFOUND);
}

static void test_short_secret_refused(void **state)
{
	char dir[80], p[128];
	struct token_keys k;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s-short", keydir);
	mkdir(dir, 0700);
	snprintf(p, sizeof(p), "%s/%s", dir, TOKEN_HS_FILE);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("0123456789abcdef", f);     /* 16 bytes */
	fclose(f);
	chmod(p, 0600);
	assert_int_equal(token_keys_load(dir, &k), ERR_INVAL);
	unlink(p);
	rmdir(dir);
}

static void test_claims_table(void **state)
{
	static const struct {
		enum token_alg alg;
		const char *aud, *use, *iss;
		long long iat, exp;
		enum token_reason want;
	} rows[] = {
		{ TOKEN_RS256, NULL, NULL, NULL, NOW, NOW + 900, TOKEN_VALID },
		{ TOKEN_HS256, NULL, NULL, NULL, NOW, NOW + 900, TOKEN_VALID },
		{ TOKEN_HS256, NULL, NULL, NULL, NOW - 100, NOW - 5,
		  TOKEN_VALID },                       /* within the leeway */
		{ TOKEN_HS256, NULL, NULL, NULL, NOW - 100, NOW - TOKEN_LEEWAY,
		  TOKEN_EXPIRED },
		{ TOKEN_RS256, NULL, NULL, NULL, NOW + 60, NOW + 900,
		  TOKEN_NOT_YET_VALID },
		{ TOKEN_RS256, NULL, NULL, NULL, NOW + 5, NOW + 900,
		  TOKEN_VALID },
		{ TOKEN_RS256, "urn:other", NULL, NULL, NOW, NOW + 900,
		  TOKEN_WRONG_AUD },
		{ TOKEN_RS256, NULL, "refresh", NULL, NOW, NOW + 900,
		  TOKEN_WRONG_USE },
		{ TOKEN_HS256, NULL, NULL, "urn:evil", NOW, NOW + 900,
		  TOKEN_WRONG_ISS },
	};
	struct token_claims cl;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		char *t = issue(rows[i].alg, rows[i].aud, rows[i].use,
				rows[i].iss, rows[i].iat, rows[i].exp);

		CHECK(token_verify(&signer.keys, t, NOW, 0, &cl) ==
		      rows[i].want, i);
		if (rows[i].want == TOKEN_VALID) {
			CHECK(cl.user_id == 7, i);
			CHECK(!strcmp(cl.jti, "jti-1"), i);
			CHECK(cl.alg == rows[i].alg, i);
			CHECK(cl.payload != NULL, i);
		} else {
			CHECK(cl.payload == NULL, i);
		}
		token_claims_cleanup(&cl);
		free(t);
	}
}

static void test_ignore_exp(void **state)
{
	struct token_claims cl;
	char *t = issue(TOKEN_HS256, NULL, NULL, NULL, NOW - 9000, NOW - 8000);

	(void)state;
	assert_int_equal(token_verify(&signer.keys, t, NOW, 0, &cl),
			 TOKEN_EXPIRED);
	assert_int_equal(token_verify(&signer.keys, t, NOW, TOKEN_IGNORE_EXP,
				      &cl), TOKEN_VALID);
	token_claims_cleanup(&cl);
	free(t);
}

static void test_hostile_tokens(void **state)
{
	static const struct {
		const char *tok;
		enum token_reason want;
	} rows[] = {
		{ "", TOKEN_MALFORMED },
		{ "a.b", TOKEN_MALFORMED },
		{ "a.b.c.d", TOKEN_MALFORMED },
		{ "...", TOKEN_MALFORMED },
		{ "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", TOKEN_ALG_NOT_ALLOWED },
		{ "eyJhbGciOiJuT25FIn0.eyJzdWIiOiIxIn0.", TOKEN_ALG_NOT_ALLOWED },
		{ "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.AAAA",
		  TOKEN_UNKNOWN_KID },
		{ "eyJhbGciOiJIUzI1NiJ9.bm90anNvbg.AAAA", TOKEN_MALFORMED },
		{ "W10.e30.", TOKEN_MALFORMED },              /* [] header */
		{ "eyJhbGciOiJIUzI1NiJ9.e30.A=", TOKEN_MALFORMED },
		{ NULL, TOKEN_MALFORMED },
	};
	struct token_claims cl;
	char *big;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(token_verify(&signer.keys, rows[i].tok, NOW, 0, &cl) ==
		      rows[i].want, i);
		CHECK(cl.payload == NULL, i);
	}
	big = repeat('a', TOKEN_MAX + 1);
	assert_int_equal(token_verify(&signer.keys, big, NOW, 0, &cl),
			 TOKEN_TOO_LARGE);
	free(big);
}

static void test_forgeries_and_weak_verifier(void **state)
{
	static const struct {
		enum forge_kind kind;
		enum token_reason real;
		int weak;
	} rows[] = {
		{ FORGE_TAMPERED,     TOKEN_BAD_SIGNATURE,   0 },
		{ FORGE_NONE,         TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_NONE_MIXED,   TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_HS256_PUBKEY, TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_HS512,        TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_EXPIRED,      TOKEN_EXPIRED,         1 },
		{ FORGE_WRONG_AUD,    TOKEN_WRONG_AUD,       1 },
		{ FORGE_NOT_YET_VALID, TOKEN_NOT_YET_VALID,  1 },
	};
	struct token_claims cl;
	char *t;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(forge_token(&signer, rows[i].kind, NOW, &t) == ERR_OK, i);
		CHECK(token_verify(&signer.keys, t, NOW, 0, &cl) ==
		      rows[i].real, i);
		CHECK(weakjwt_accepts(&signer.keys, t) == rows[i].weak, i);
		CHECK(forge_kind_parse(forge_kind_name(rows[i].kind)) ==
		      (int)rows[i].kind, i);
		free(t);
	}
	assert_int_equal(forge_kind_parse("nope"), -1);
	assert_int_equal(forge_kind_parse(NULL), -1);
}

static void test_checklist(void **state)
{
	json_t *list = NULL, *row;
	char *t = issue(TOKEN_RS256, "urn:other", NULL, NULL, NOW, NOW - 100);
	size_t i, fails = 0;

	(void)state;
	assert_int_equal(token_checklist(&signer.keys, t, NOW, &list),
			 TOKEN_WRONG_AUD);
	assert_int_equal(json_array_size(list), 14);
	json_array_foreach(list, i, row)
		if (json_is_false(json_object_get(row, "ok")))
			fails++;
	assert_int_equal(fails, 2);            /* aud and exp, both shown */
	json_decref(list);
	free(t);
	assert_int_equal(token_checklist(&signer.keys, "x", NOW, &list),
			 TOKEN_MALFORMED);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
}

/* ---- refresh families ---------------------------------------------------- */

/* The database fixture first, so unit_db_teardown releases it all. */
struct fixture {
	struct unit_db t;
	long long      uid;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	sqlite3_stmt *st;

	if (!f || unit_db_open(&f->t) ||
	    auth_create_user(f->t.db, "alice", "Alice", "user", "pw", NOW))
		return -1;
	st = db_stmt(f->t.db, "SELECT id FROM users WHERE username = 'alice'");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return -1;
	f->uid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*state = f;
	return 0;
}

static void test_rotation_and_reuse(void **state)
{
	struct fixture *f = *state;
	char t1[REFRESH_TOKEN_LEN + 1], t2[REFRESH_TOKEN_LEN + 1];
	char t3[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	enum refresh_outcome o;
	long long fid;
	int yes;

	assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_RS256, 0, "a1",
				       NOW + 900, "UA", "127.0.0.1", NOW,
				       3600, t1, &fid), ERR_OK);
	assert_int_equal(strlen(t1), REFRESH_TOKEN_LEN);
	assert_int_equal(refresh_rotate(f->t.db, t1, NULL, "a2", NOW + 960,
					NOW + 60, 3600, t2, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_OK);
	assert_int_equal(fam.id, fid);
	assert_string_equal(fam.access_jti, "a2");
	assert_string_not_equal(t1, t2);
	/* Replay of t1: the family is revoked, a2 blacklisted, t2 dead. */
	assert_int_equal(refresh_rotate(f->t.db, t1, NULL, "a3", NOW + 990,
					NOW + 90, 3600, t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_REUSED);
	assert_string_equal(t3, "");
	assert_int_equal(refresh_blacklisted(f->t.db, "a2", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(refresh_rotate(f->t.db, t2, NULL, "a4", NOW + 990,
					NOW + 90, 3600, t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_REVOKED);
	/* Garbage and unknown tokens. */
	assert_int_equal(refresh_rotate(f->t.db, "x", NULL, "a5", 0, NOW, 3600,
					t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_UNKNOWN);
	assert_int_equal(refresh_rotate(f->t.db, NULL, NULL, "a5", 0, NOW, 3600,
					t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_UNKNOWN);
}

static void test_expiry_and_pair(void **state)
{
	struct fixture *f = *state;
	char t1[REFRESH_TOKEN_LEN + 1], t2[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	struct refresh_pair good = { 1, "p1", 0 }, bad = { 1, "zz", 0 };
	enum refresh_outcome o;
	long long fid;

	good.user_id = bad.user_id = f->uid;
	assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_HS256, 0, "e1",
				       NOW + 900, "", "", NOW, 10, t1, &fid),
			 ERR_OK);
	assert_int_equal(refresh_rotate(f->t.db, t1, NULL, "e2", 0, NOW + 10,
					10, t2, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_EXPIRED);
	/* A bound family. */
	assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_HS256, 1, "p1",
				       NOW + 900, "", "", NOW, 3600, t1, &fid),
			 ERR_OK);
	assert_int_equal(refresh_rotate(f->t.db, t1, &good, "p2", NOW + 900,
					NOW, 3600, t2, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_OK);
	assert_int_equal(refresh_rotate(f->t.db, t2, &bad, "p3", NOW + 900,
					NOW, 3600, t1, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_PAIR_MISMATCH);
	assert_true(fam.revoked_at != 0);
}

static void test_revoke_all(void **state)
{
	struct fixture *f = *state;
	char t[4][REFRESH_TOKEN_LEN + 1], out[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	enum refresh_outcome o;
	json_t *list = NULL;
	struct token_claims cl;
	struct revoke_report rep;
	struct revoke_state st;
	long long fid;
	int i, yes = 0;
	enum err e;

	memset(&cl, 0, sizeof(cl));
	for (i = 0; i < 4; i++) {
		char jti[16];

		snprintf(jti, sizeof(jti), "r%d", i);
		assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_RS256, 0,
					       jti, NOW + 900, "", "", NOW,
					       3600, t[i], &fid), ERR_OK);
	}
	/* issue 10 §2: one remedy for every credential of the user */
	cl.user_id = f->uid;
	snprintf(cl.jti, sizeof(cl.jti), "live");
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e), TOKEN_VALID);
	assert_int_equal(e, ERR_OK);
	assert_int_equal(db_begin(f->t.db), ERR_OK);
	assert_int_equal(db_finish(f->t.db, revoke_user_locked(
		f->t.db, f->uid, NULL, "logout_all", NOW, &rep)), ERR_OK);
	assert_int_equal(rep.families, 4);
	assert_int_equal(rep.accounts, 1);
	assert_int_equal(revoke_state(f->t.db, f->uid, &st), ERR_OK);
	assert_int_equal(st.token_version, 1);
	assert_int_equal(st.cut_at, NOW);
	assert_string_equal(st.cut_reason, "logout_all");
	/* a token of the old version is refused; one of the new passes */
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e),
			 TOKEN_SUPERSEDED);
	cl.ver = 1;
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e), TOKEN_VALID);
	cl.user_id = f->uid + 1000;
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e),
			 TOKEN_NO_ACCOUNT);
	assert_int_equal(e, ERR_OK);
	assert_int_equal(db_begin(f->t.db), ERR_OK);
	assert_int_equal(db_finish(f->t.db, revoke_user_locked(
		f->t.db, f->uid + 1000, NULL, "x", NOW, &rep)), ERR_NOTFOUND);
	for (i = 0; i < 4; i++) {
		assert_int_equal(refresh_rotate(f->t.db, t[i], NULL, "x", 0,
						NOW, 3600, out, &fam, &o),
				 ERR_OK);
		assert_int_equal(o, REFRESH_REVOKED);
	}
	assert_int_equal(refresh_blacklisted(f->t.db, "r3", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(refresh_families_json(f->t.db, f->uid, &list), ERR_OK);
	assert_int_equal(json_array_size(list), 4);
	json_decref(list);
	/* Another user's family cannot be revoked by id. */
	assert_int_equal(refresh_revoke(f->t.db, fid, f->uid + 1, "revoke", NOW,
					NULL), ERR_NOTFOUND);
	/* The purge forgets what is past its deadline. */
	assert_int_equal(refresh_purge(f->t.db, NOW + 100000), ERR_OK);
	assert_int_equal(refresh_blacklisted(f->t.db, "r3", &yes), ERR_OK);
	assert_int_equal(yes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_short_secret_refused),
		cmocka_unit_test(test_claims_table),
		cmocka_unit_test(test_ignore_exp),
		cmocka_unit_test(test_hostile_tokens),
		cmocka_unit_test(test_forgeries_and_weak_verifier),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test_setup_teardown(test_rotation_and_reuse, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_expiry_and_pair, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_revoke_all, setup,
						unit_db_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
