/*
 * costs.c - on-demand cost measurements for S-X2. See costs.h.
 */
#include "lessons/costs.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "lessons/nodestore.h"
#include "state/jwk.h"
#include "base/log.h"
#include "state/refresh.h"
#include "state/signed.h"
#include "state/token.h"
#include "state/tokensign.h"

#define REPS_FAST  2000   /* reads and verifications */
#define REPS_WRITE  300   /* session touches: each one commits */

static struct token_signer signer;    /* throwaway keys, once per process */
static int                 have_signer;

const char *costs_op_name(enum cost_op op)
{
	static const char *const names[COST_OPS] = {
		"signed_cookie", "session_lookup", "session_touch",
		"jwt_hs256", "jwt_rs256", "blacklist", "node_lookup",
		"redis_lookup"
	};

	return op < COST_OPS ? names[op] : "unknown";
}

/* Remove the files tokensign_create_keys made, and the folder. */
static void remove_keys(const char *dir)
{
	static const char *const files[] = {
		TOKEN_HS_FILE, TOKENSIGN_PRIVATE_FILE, JWK_PUBLIC_FILE
	};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The throwaway signing keys: made in a private temporary folder, loaded,
 * and the files removed at once. */
static enum err ensure_signer(void)
{
	char dir[] = "/tmp/costs-keys-XXXXXX";
	unsigned char key[32];
	enum err e;

	if (have_signer)
		return ERR_OK;
	if (!mkdtemp(dir))
		return ERR_INTERNAL;
	e = tokensign_create_keys(dir);
	if (!e)
		e = tokensign_load(dir, &signer);
	remove_keys(dir);
	if (e)
		return e;
	randombytes_buf(key, sizeof(key));
	signed_init(key);
	sodium_memzero(key, sizeof(key));
	have_signer = 1;
	return ERR_OK;
}

static enum err make_token(enum token_alg alg, long long now, char **out)
{
	char jti[TOKEN_JTI_MAX];
	struct token_spec spec;

	memset(&spec, 0, sizeof(spec));
	token_random_id(jti);
	spec.alg = alg;
	spec.sub = "1";
	spec.name = "Alice";
	spec.role = "user";
	spec.jti = jti;
	spec.iat = spec.nbf = now;
	spec.exp = now + 900;
	return tokensign_issue(&signer, &spec, out);
}

static void result(struct cost_report *r, enum cost_op op, long ops,
		   double t0)
{
	r->op[op].ops = ops;
	r->op[op].us_per_op = (clock_mono_us() - t0) / (double)ops;
}

/* Verify a token reps times; ERR_CRYPTO if it ever fails to verify. */
static enum err time_verify(struct cost_report *r, enum cost_op op,
			    const char *tok, long long now)
{
	struct token_claims cl;
	double t0 = clock_mono_us();
	long i;

	for (i = 0; i < REPS_FAST; i++) {
		if (token_verify(&signer.keys, tok, now, 0, &cl) !=
		    TOKEN_VALID)
			return ERR_CRYPTO;
		token_claims_cleanup(&cl);
	}
	result(r, op, REPS_FAST, t0);
	return ERR_OK;
}

/*
 * Time session_load on a throwaway session of db's store into op, and
 * session_touch into COST_SESSION_TOUCH when touch is set; the session
 * is deleted again.
 */
static enum err time_session(struct db *db, const struct session_config *cfg,
			     long long now, struct cost_report *r,
			     enum cost_op op, int touch)
{
	struct session s, t;
	enum session_miss miss;
	double t0;
	long i;
	enum err e;

	session_init(&s);
	session_init(&t);
	if ((e = session_create(db, cfg, now, "costs lab", "", &s)))
		goto out;
	t0 = clock_mono_us();
	for (i = 0; i < REPS_FAST; i++)
		if ((e = session_load(db, s.id, now, &t, &miss)))
			goto out;
	result(r, op, REPS_FAST, t0);
	if (touch) {
		t0 = clock_mono_us();
		for (i = 0; i < REPS_WRITE; i++)   /* a new second: writes */
			if ((e = session_touch(db, &t, now + 1 + i)))
				goto out;
		result(r, COST_SESSION_TOUCH, REPS_WRITE, t0);
	}
out:
	if (s.data && session_destroy(db, &s))
		log_msg("warn", "costs: throwaway session not deleted");
	session_cleanup(&s);
	session_cleanup(&t);
	return e;
}

/* The SQLite figures even when the site keeps sessions in Redis: the
 * sessions table is made by the migrations either way, and db->kv is
 * the one switch session.c reads. Put back before returning; this
 * process serves one request at a time. */
static enum err time_sqlite(struct db *db, const struct session_config *cfg,
			    long long now, struct cost_report *r, int touch)
{
	struct kv *kv = db->kv;
	enum err e;

	db->kv = NULL;
	e = time_session(db, cfg, now, r, COST_SESSION_LOOKUP, touch);
	db->kv = kv;
	return e;
}

/* nodestore_find on a throwaway node-memory session (S-X3's store). */
static enum err time_node(struct cost_report *r, long long now)
{
	char id[SESSION_ID_LEN + 1];
	struct node_session ns;
	double t0;
	long i;
	enum err e;

	if ((e = nodestore_create("costs", now, id)))
		return e;
	t0 = clock_mono_us();
	for (i = 0; i < REPS_FAST; i++)
		if (!nodestore_find(id, &ns)) {
			e = ERR_INTERNAL;
			break;
		}
	nodestore_remove(id);
	if (!e)
		result(r, COST_NODE_LOOKUP, REPS_FAST, t0);
	return e;
}

/* The three lookups; with touch, SQLite's touch as well. */
static enum err time_lookups(struct db *db, const struct session_config *cfg,
			     long long now, struct cost_report *r, int touch)
{
	enum err e;

	if ((e = time_node(r, now)) ||
	    (e = time_sqlite(db, cfg, now, r, touch)))
		return e;
	if (db->kv)
		return time_session(db, cfg, now, r, COST_REDIS_LOOKUP, 0);
	return ERR_OK;
}

enum err costs_measure_lookups(struct db *db,
			       const struct session_config *cfg,
			       long long now, struct cost_report *r)
{
	memset(r, 0, sizeof(*r));
	return time_lookups(db, cfg, now, r, 0);
}

enum err costs_measure(struct db *db, const struct session_config *cfg,
		       long long now, struct cost_report *r)
{
	struct buf cookie;
	char *hs = NULL, *rs = NULL, payload[SIGNED_PAYLOAD_MAX + 1];
	char jti[TOKEN_JTI_MAX];
	double t0;
	long i;
	int listed;
	enum err e;

	memset(r, 0, sizeof(*r));
	buf_init(&cookie);
	if ((e = ensure_signer()) ||
	    (e = signed_make("alice.user", &cookie)) ||
	    (e = make_token(TOKEN_HS256, now, &hs)) ||
	    (e = make_token(TOKEN_RS256, now, &rs)))
		goto out;

	t0 = clock_mono_us();
	for (i = 0; i < REPS_FAST; i++)
		if (signed_verify(cookie.data, payload, sizeof(payload)) !=
		    SIGNED_OK) {
			e = ERR_CRYPTO;
			goto out;
		}
	result(r, COST_SIGNED_COOKIE, REPS_FAST, t0);

	if ((e = time_lookups(db, cfg, now, r, 1)) ||
	    (e = time_verify(r, COST_JWT_HS256, hs, now)) ||
	    (e = time_verify(r, COST_JWT_RS256, rs, now)))
		goto out;

	token_random_id(jti);
	t0 = clock_mono_us();
	for (i = 0; i < REPS_FAST; i++)
		if ((e = refresh_blacklisted(db, jti, &listed)))
			goto out;
	result(r, COST_BLACKLIST, REPS_FAST, t0);

	r->bytes_session = strlen("sid=") + SESSION_ID_LEN;
	r->bytes_signed = strlen("user=") + cookie.len;
	r->bytes_hs256 = strlen("Authorization: Bearer ") + strlen(hs);
	r->bytes_rs256 = strlen("Authorization: Bearer ") + strlen(rs);
out:
	buf_cleanup(&cookie);
	free(hs);
	free(rs);
	return e;
}
