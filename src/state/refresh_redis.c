/*
 * refresh_redis.c - refresh families, the blacklist and the token events
 * in Redis. See refresh_redis.h for the keys.
 *
 * The outcome numbers the rotate script answers are enum refresh_outcome
 * (REFRESH_OK 0 ... REFRESH_PAIR_MISMATCH 5).
 */
#include "state/refresh_redis.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kv.h"
#include "base/log.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#define KEY_MAX        96
#define LOGIN_TRIES    8      /* ids drawn before a login gives up */
#define FAMILY_PREFIX  "family:"
#define EVENTS_SUFFIX  ":events"

/* ---- Lua helpers, pasted into the scripts that use them --------------- */

/* extend(k, t): the TTL of k to at least t seconds. */
#define LUA_EXTEND \
	"local function extend(k, t)\n" \
	"  if redis.call('TTL', k) < t then redis.call('EXPIRE', k, t) end\n" \
	"end\n"

/* event(fk, ek, at, kind, detail): push an event on ek, newest first,
 * keep REFRESH_EVENTS_MAX, and give ek the TTL of its family fk. */
#define LUA_EVENT \
	"local function event(fk, ek, at, kind, detail)\n" \
	"  redis.call('LPUSH', ek, cjson.encode({at = tonumber(at), " \
	"kind = kind, detail = detail}))\n" \
	"  redis.call('LTRIM', ek, 0, " STR(REFRESH_EVENTS_MAX) " - 1)\n" \
	"  local t = redis.call('TTL', fk)\n" \
	"  if t < 1 then t = 1 end\n" \
	"  redis.call('EXPIRE', ek, t)\n" \
	"end\n"

/* blacklist(k, exp, now): refuse the access token of key k until exp
 * (plus the verifier's leeway); a longer entry already there stays. */
#define LUA_BLACKLIST \
	"local function blacklist(k, exp, now)\n" \
	"  local t = tonumber(exp) + " STR(TOKEN_LEEWAY) " - tonumber(now)\n" \
	"  if t <= 0 then return end\n" \
	"  if redis.call('TTL', k) < t then " \
	"redis.call('SET', k, exp, 'EX', t) end\n" \
	"end\n"

/* revoke(fk, ek, now, kind, detail): revoke family fk if live, blacklist
 * its last access token, record the event; 1 when revoked now. */
#define LUA_REVOKE LUA_EVENT LUA_BLACKLIST \
	"local function revoke(fk, ek, now, kind, detail)\n" \
	"  local f = redis.call('HMGET', fk, 'revoked_at', 'access_jti', " \
	"'access_exp')\n" \
	"  if f[1] ~= '0' then return 0 end\n" \
	"  redis.call('HSET', fk, 'revoked_at', now, 'reason', kind)\n" \
	"  if f[2] and f[2] ~= '' then\n" \
	"    blacklist('blacklist:' .. f[2], f[3] or '0', now)\n" \
	"  end\n" \
	"  event(fk, ek, now, kind, detail)\n" \
	"  return 1\n" \
	"end\n"

/* families(uk, uid, field...): the families in set uk, newest first, as
 * {id, {user, field...}}; members whose family is gone or belongs to
 * another user leave the set. */
#define LUA_FAMILIES \
	"local function families(uk, uid, ...)\n" \
	"  local out = {}\n" \
	"  for _, id in ipairs(redis.call('ZREVRANGE', uk, 0, -1)) do\n" \
	"    local v = redis.call('HMGET', 'family:' .. id, 'user', ...)\n" \
	"    if v[1] == uid then out[#out + 1] = {id, v}\n" \
	"    else redis.call('ZREM', uk, id) end\n" \
	"  end\n" \
	"  return out\n" \
	"end\n"

/*
 * Start a family: KEYS family, events, token, user set; ARGV ttl, now,
 * family id, login detail, then the family's field pairs. 0 when the id
 * is taken (draw another), 1 when done.
 */
static struct kv_script login_lua = { "refresh login",
	LUA_EXTEND LUA_EVENT
	"if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
	"local ttl = tonumber(ARGV[1])\n"
	"redis.call('DEL', KEYS[2])\n"
	"redis.call('HSET', KEYS[1], unpack(ARGV, 5))\n"
	"redis.call('EXPIRE', KEYS[1], ttl)\n"
	"redis.call('HSET', KEYS[3], 'family', ARGV[3], 'created', ARGV[2], "
	"'expires', tonumber(ARGV[2]) + ttl, 'spent', '0', 'used_at', '0')\n"
	"redis.call('EXPIRE', KEYS[3], ttl)\n"
	"event(KEYS[1], KEYS[2], ARGV[2], 'login', ARGV[4])\n"
	/* Scored by created; within one second each login 1/1024 above the
	 * one before (exact in a double), so the newest is first as in the
	 * SQLite id order. */
	"local s = tonumber(ARGV[2])\n"
	"local top = redis.call('ZREVRANGEBYSCORE', KEYS[4], '(' .. (s + 1), "
	"s, 'WITHSCORES', 'LIMIT', 0, 1)\n"
	"if top[2] then s = math.min(tonumber(top[2]) + 1 / 1024, "
	"s + 1023 / 1024) end\n"
	"redis.call('ZADD', KEYS[4], string.format('%.10f', s), ARGV[3])\n"
	"extend(KEYS[4], ttl)\n"
	"return 1\n", "" };

/*
 * The rotation, checks and spend in one step (refresh_rotate's rules, in
 * the order of the SQLite code). KEYS token, family, events, new token,
 * user set; ARGV family id, user id, now, ttl, pair ('0' none, '1' with
 * a jti, '2' without), pair jti, pair user, new jti, new exp. Answers
 * {outcome, user, alg, bound, access_jti, access_exp, created,
 * last_used, revoked_at}, the family as it was before this step; just
 * {1} (unknown) when the token is gone or no longer of that family.
 */
static struct kv_script rotate_lua = { "refresh rotate",
	LUA_EXTEND LUA_REVOKE
	"if redis.call('HGET', KEYS[1], 'family') ~= ARGV[1] then "
	"return {1} end\n"
	"local f = redis.call('HMGET', KEYS[2], 'user', 'alg', 'bound', "
	"'access_jti', 'access_exp', 'created', 'last_used', 'revoked_at')\n"
	"if f[1] ~= ARGV[2] then return {1} end\n"
	"local function answer(o)\n"
	"  return {o, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]}\n"
	"end\n"
	"local now = tonumber(ARGV[3])\n"
	"if f[8] ~= '0' then return answer(3) end\n"
	"local t = redis.call('HMGET', KEYS[1], 'expires', 'spent')\n"
	"if t[2] == '1' then\n"
	"  revoke(KEYS[2], KEYS[3], ARGV[3], 'reuse', "
	"'a spent refresh token was presented again')\n"
	"  return answer(4)\n"
	"end\n"
	"if now >= tonumber(t[1]) then return answer(2) end\n"
	"if f[3] == '1' and (ARGV[5] ~= '1' or ARGV[7] ~= f[1] or "
	"ARGV[6] ~= f[4]) then\n"
	"  revoke(KEYS[2], KEYS[3], ARGV[3], 'pair_mismatch', ARGV[5] == '0' "
	"and 'no access token came with it' or "
	"'another access token came with it')\n"
	"  return answer(5)\n"
	"end\n"
	"local ttl = tonumber(ARGV[4])\n"
	"redis.call('HSET', KEYS[1], 'spent', '1', 'used_at', ARGV[3])\n"
	"redis.call('HSET', KEYS[4], 'family', ARGV[1], 'created', ARGV[3], "
	"'expires', now + ttl, 'spent', '0', 'used_at', '0')\n"
	"redis.call('EXPIRE', KEYS[4], ttl)\n"
	"redis.call('HSET', KEYS[2], 'access_jti', ARGV[8], 'access_exp', "
	"ARGV[9], 'last_used', ARGV[3])\n"
	"extend(KEYS[2], ttl)\n"
	"event(KEYS[2], KEYS[3], ARGV[3], 'refresh', '')\n"
	"extend(KEYS[5], ttl)\n"
	"return answer(0)\n", "" };

/* Revoke one family: KEYS family, events; ARGV user ('' for any), now,
 * kind, detail. -1 when it is gone or another user's, else revoke(). */
static struct kv_script revoke_lua = { "refresh revoke",
	LUA_REVOKE
	"local u = redis.call('HGET', KEYS[1], 'user')\n"
	"if not u or (ARGV[1] ~= '' and u ~= ARGV[1]) then return -1 end\n"
	"return revoke(KEYS[1], KEYS[2], ARGV[2], ARGV[3], ARGV[4])\n", "" };

/* The newest ARGV[2] families of set KEYS[1] (user ARGV[1]), flat: id,
 * alg, bound, created, last_used, revoked_at, reason, ua, addr. */
#define LIST_WORDS 9
static struct kv_script list_lua = { "refresh families",
	LUA_FAMILIES
	"local out = {}\n"
	"for i, m in ipairs(families(KEYS[1], ARGV[1], 'alg', 'bound', "
	"'created', 'last_used', 'revoked_at', 'reason', 'ua', 'addr')) do\n"
	"  if i > tonumber(ARGV[2]) then break end\n"
	"  out[#out + 1] = m[1]\n"
	"  for j = 2, " STR(LIST_WORDS) " do out[#out + 1] = m[2][j] or '' "
	"end\n"
	"end\n"
	"return out\n", "" };

/* How many families of set KEYS[1] (user ARGV[1]) are not revoked. */
static struct kv_script count_lua = { "refresh live count",
	LUA_FAMILIES
	"local n = 0\n"
	"for _, m in ipairs(families(KEYS[1], ARGV[1], 'revoked_at')) do\n"
	"  if m[2][2] == '0' then n = n + 1 end\n"
	"end\n"
	"return n\n", "" };

/* Blacklist KEYS[1] until ARGV[1] (exp) at ARGV[2] (now). */
static struct kv_script blacklist_lua = { "refresh blacklist",
	LUA_BLACKLIST
	"blacklist(KEYS[1], ARGV[1], ARGV[2])\n"
	"return 1\n", "" };

/* ---- keys ------------------------------------------------------------- */

static void token_key(const unsigned char h[REFRESH_HASH_BYTES],
		      char out[KEY_MAX])
{
	char hex[2 * REFRESH_HASH_BYTES + 1];

	sodium_bin2hex(hex, sizeof(hex), h, REFRESH_HASH_BYTES);
	snprintf(out, KEY_MAX, "refresh:%s", hex);
}

static void family_key(long long id, char out[KEY_MAX])
{
	snprintf(out, KEY_MAX, FAMILY_PREFIX "%lld", id);
}

static void events_key(long long id, char out[KEY_MAX])
{
	snprintf(out, KEY_MAX, FAMILY_PREFIX "%lld" EVENTS_SUFFIX, id);
}

static void user_key(long long user_id, char out[KEY_MAX])
{
	snprintf(out, KEY_MAX, "user:%lld:families", user_id);
}

/* "blacklist:<jti>"; 0 when jti is too long to be one (TOKEN_JTI_MAX). */
static int blacklist_key(const char *jti, char out[KEY_MAX])
{
	if (!jti || strlen(jti) >= TOKEN_JTI_MAX)
		return 0;
	snprintf(out, KEY_MAX, "blacklist:%s", jti);
	return 1;
}

/* A random positive 48-bit family id. */
static long long new_family_id(void)
{
	unsigned char b[6];
	long long id;
	size_t i;

	do {
		randombytes_buf(b, sizeof(b));
		for (id = 0, i = 0; i < sizeof(b); i++)
			id = id << 8 | b[i];
	} while (id == 0);
	return id;
}

/* ---- replies ---------------------------------------------------------- */


/* Fill fam (id) from elements i.. of r: user, alg, bound, access_jti,
 * access_exp, created, last_used, revoked_at. */
static void read_family(const redisReply *r, int i, long long id,
			struct refresh_family *fam)
{
	char alg[8];

	memset(fam, 0, sizeof(*fam));
	fam->id = id;
	fam->user_id = kv_reply_ll(r, i, 0);
	kv_reply_copy(r, i + 1, alg, sizeof(alg));
	fam->alg = token_alg_parse(alg) == TOKEN_RS256 ?
		TOKEN_RS256 : TOKEN_HS256;
	fam->bound = kv_reply_ll(r, i + 2, 0) != 0;
	kv_reply_copy(r, i + 3, fam->access_jti, sizeof(fam->access_jti));
	fam->access_exp = kv_reply_ll(r, i + 4, 0);
	fam->created = kv_reply_ll(r, i + 5, 0);
	fam->last_used = kv_reply_ll(r, i + 6, 0);
	fam->revoked_at = kv_reply_ll(r, i + 7, 0);
}

/* The family of token hash h into fam. ERR_NOTFOUND when the token or
 * its family is gone. */
static enum err lookup(struct db *db, const unsigned char h[REFRESH_HASH_BYTES],
		       struct refresh_family *fam)
{
	char key[KEY_MAX];
	struct kv_args a;
	redisReply *r;
	long long id;
	enum err e;

	memset(fam, 0, sizeof(*fam));
	token_key(h, key);
	kv_args_init(&a);
	kv_arg(&a, "HGET");
	kv_arg(&a, key);
	kv_arg(&a, "family");
	if ((e = kv_run(db->kv, &a, &r)))
		return e;
	id = kv_reply_ll(r, -1, 0);
	kv_reply_free(r);
	if (id <= 0)
		return ERR_NOTFOUND;
	family_key(id, key);
	kv_args_init(&a);
	kv_arg(&a, "HMGET");
	kv_arg(&a, key);
	kv_arg(&a, "user");
	kv_arg(&a, "alg");
	kv_arg(&a, "bound");
	kv_arg(&a, "access_jti");
	kv_arg(&a, "access_exp");
	kv_arg(&a, "created");
	kv_arg(&a, "last_used");
	kv_arg(&a, "revoked_at");
	if ((e = kv_run(db->kv, &a, &r)))
		return e;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 8)
		e = ERR_UNAVAILABLE;
	else if (!kv_reply_str(r, 0, NULL))
		e = ERR_NOTFOUND;
	else
		read_family(r, 0, id, fam);
	kv_reply_free(r);
	return e;
}

/* ---- the back end ----------------------------------------------------- */

enum err refr_login(struct db *db, long long user_id, enum token_alg alg,
		    int bound, const char *access_jti, long long access_exp,
		    const char *user_agent, const char *client_addr,
		    long long now, long long ttl,
		    char out[REFRESH_TOKEN_LEN + 1], long long *family_id)
{
	char fk[KEY_MAX], ek[KEY_MAX], tk[KEY_MAX], uk[KEY_MAX];
	unsigned char h[REFRESH_HASH_BYTES];
	struct kv_args a;
	long long id, done = 0;
	enum err e = ERR_OK;
	int tries;

	*family_id = 0;
	refresh_new_token(out, h);
	token_key(h, tk);
	user_key(user_id, uk);
	for (tries = 0; tries < LOGIN_TRIES && !e && !done; tries++) {
		id = new_family_id();
		family_key(id, fk);
		events_key(id, ek);
		kv_args_init(&a);
		kv_arg(&a, fk);
		kv_arg(&a, ek);
		kv_arg(&a, tk);
		kv_arg(&a, uk);
		kv_arg_int(&a, ttl);
		kv_arg_int(&a, now);
		kv_arg_int(&a, id);
		kv_arg(&a, bound ? "pair binding on" : "");
		kv_arg(&a, "user");
		kv_arg_int(&a, user_id);
		kv_arg(&a, "alg");
		kv_arg(&a, token_alg_name(alg));
		kv_arg(&a, "bound");
		kv_arg_int(&a, !!bound);
		kv_arg(&a, "access_jti");
		kv_arg(&a, access_jti);
		kv_arg(&a, "access_exp");
		kv_arg_int(&a, access_exp);
		kv_arg(&a, "created");
		kv_arg_int(&a, now);
		kv_arg(&a, "last_used");
		kv_arg_int(&a, now);
		kv_arg(&a, "revoked_at");
		kv_arg(&a, "0");
		kv_arg(&a, "reason");
		kv_arg(&a, "");
		kv_arg(&a, "ua");
		kv_arg_bin(&a, user_agent ? user_agent : "",
			   refresh_ua_len(user_agent));
		kv_arg(&a, "addr");
		kv_arg(&a, client_addr ? client_addr : "");
		if (!(e = kv_eval_int(db->kv, &login_lua, 4, &a, &done)) && done)
			*family_id = id;
	}
	if (!e && !done) {
		log_msg("error", "refresh login: no free family id in %d tries",
			LOGIN_TRIES);
		e = ERR_INTERNAL;
	}
	if (e)
		sodium_memzero(out, REFRESH_TOKEN_LEN + 1);
	return e;
}

/* The pair argument of the rotate script (see rotate_lua). */
static const char *pair_word(const struct refresh_pair *pair)
{
	if (!pair || !pair->present)
		return "0";
	return pair->jti ? "1" : "2";
}

enum err refr_rotate(struct db *db, const char *presented,
		     const struct refresh_pair *pair, const char *new_jti,
		     long long new_exp, long long now, long long ttl,
		     char out[REFRESH_TOKEN_LEN + 1],
		     struct refresh_family *fam,
		     enum refresh_outcome *outcome)
{
	char tk[KEY_MAX], fk[KEY_MAX], ek[KEY_MAX], nk[KEY_MAX], uk[KEY_MAX];
	unsigned char h[REFRESH_HASH_BYTES], nh[REFRESH_HASH_BYTES];
	struct kv_args a;
	redisReply *r;
	long long o, id, uid;
	enum err e;

	out[0] = '\0';
	memset(fam, 0, sizeof(*fam));
	*outcome = REFRESH_UNKNOWN;
	if (!refresh_token_shape_ok(presented))
		return ERR_OK;
	refresh_token_hash(presented, h);
	/* Which family (and so which keys, the user's set among them)
	 * first; the script checks again that the token is still of that
	 * family and the family still that user's before it decides. */
	e = lookup(db, h, fam);
	id = fam->id;
	uid = fam->user_id;
	memset(fam, 0, sizeof(*fam));
	if (e == ERR_NOTFOUND)
		return ERR_OK;
	if (e)
		return e;
	token_key(h, tk);
	family_key(id, fk);
	events_key(id, ek);
	user_key(uid, uk);
	refresh_new_token(out, nh);
	token_key(nh, nk);
	kv_args_init(&a);
	kv_arg(&a, tk);
	kv_arg(&a, fk);
	kv_arg(&a, ek);
	kv_arg(&a, nk);
	kv_arg(&a, uk);
	kv_arg_int(&a, id);
	kv_arg_int(&a, uid);
	kv_arg_int(&a, now);
	kv_arg_int(&a, ttl);
	kv_arg(&a, pair_word(pair));
	kv_arg(&a, pair && pair->present && pair->jti ? pair->jti : "");
	kv_arg_int(&a, pair && pair->present ? pair->user_id : 0);
	kv_arg(&a, new_jti);
	kv_arg_int(&a, new_exp);
	if ((e = kv_eval(db->kv, &rotate_lua, 5, &a, &r)))
		goto fail;
	o = kv_reply_int(r, 0, -1);
	if (r->type != REDIS_REPLY_ARRAY || o < REFRESH_OK ||
	    o > REFRESH_PAIR_MISMATCH ||
	    (o != REFRESH_UNKNOWN && r->elements != 9)) {
		kv_reply_free(r);
		log_msg("error", "redis %s: unexpected reply", rotate_lua.name);
		e = ERR_UNAVAILABLE;
		goto fail;
	}
	if (o != REFRESH_UNKNOWN)
		read_family(r, 1, id, fam);
	kv_reply_free(r);
	*outcome = (enum refresh_outcome)o;
	switch (*outcome) {
	case REFRESH_OK:
		fam->last_used = now;
		snprintf(fam->access_jti, sizeof(fam->access_jti), "%s",
			 new_jti);
		fam->access_exp = new_exp;
		return ERR_OK;
	case REFRESH_REUSED:
	case REFRESH_PAIR_MISMATCH:
		fam->revoked_at = now;      /* the script revoked it */
		break;
	default:
		break;
	}
	sodium_memzero(out, REFRESH_TOKEN_LEN + 1);
	return ERR_OK;
fail:
	sodium_memzero(out, REFRESH_TOKEN_LEN + 1);
	memset(fam, 0, sizeof(*fam));
	*outcome = REFRESH_UNKNOWN;
	return e;
}

enum err refr_find(struct db *db, const char *presented,
		   struct refresh_family *fam)
{
	unsigned char h[REFRESH_HASH_BYTES];

	memset(fam, 0, sizeof(*fam));
	if (!refresh_token_shape_ok(presented))
		return ERR_NOTFOUND;
	refresh_token_hash(presented, h);
	return lookup(db, h, fam);
}

/* One run of revoke_lua on family id; *changed 1 when revoked now, and
 * ERR_NOTFOUND when it is gone or not user_id's (0: anyone's). */
static enum err revoke_one(struct db *db, long long id, long long user_id,
			   const char *kind, long long now, int *changed)
{
	char fk[KEY_MAX], ek[KEY_MAX];
	struct kv_args a;
	long long done;
	enum err e;

	*changed = 0;
	family_key(id, fk);
	events_key(id, ek);
	kv_args_init(&a);
	kv_arg(&a, fk);
	kv_arg(&a, ek);
	if (user_id)
		kv_arg_int(&a, user_id);
	else
		kv_arg(&a, "");
	kv_arg_int(&a, now);
	kv_arg(&a, kind);
	kv_arg(&a, "");
	if ((e = kv_eval_int(db->kv, &revoke_lua, 2, &a, &done)))
		return e;
	if (done < 0)
		return ERR_NOTFOUND;
	*changed = done == 1;
	return ERR_OK;
}

enum err refr_revoke(struct db *db, long long family_id, long long user_id,
		     const char *kind, long long now, int *changed)
{
	int ch = 0;
	enum err e;

	if (changed)
		*changed = 0;
	/* SQLite matches user_id exactly; 0 is nobody's there too. */
	if (user_id <= 0 || family_id <= 0)
		return ERR_NOTFOUND;
	if ((e = revoke_one(db, family_id, user_id, kind, now, &ch)))
		return e;
	if (changed)
		*changed = ch;
	return ERR_OK;
}

struct revoke_walk {
	struct db  *db;
	const char *kind;
	long long   now;
	int         total;
};

/* A family id from "family:<digits>" (key, len); 0 for any other key,
 * the events lists among them. */
static long long id_of_key(const char *key, size_t len)
{
	size_t plen = sizeof(FAMILY_PREFIX) - 1, i;
	char buf[24], *end;
	long long id;

	if (len <= plen || len - plen >= sizeof(buf) ||
	    memcmp(key, FAMILY_PREFIX, plen))
		return 0;
	for (i = plen; i < len; i++)
		if (key[i] < '0' || key[i] > '9')
			return 0;
	memcpy(buf, key + plen, len - plen);
	buf[len - plen] = '\0';
	errno = 0;
	id = strtoll(buf, &end, 10);
	return errno || *end ? 0 : id;
}

/* kv_scan callback: revoke one family of anyone. */
static enum err revoke_key(const char *key, size_t len, void *arg)
{
	struct revoke_walk *w = arg;
	long long id = id_of_key(key, len);
	int ch;
	enum err e;

	if (id <= 0)
		return ERR_OK;
	e = revoke_one(w->db, id, 0, w->kind, w->now, &ch);
	if (e == ERR_NOTFOUND)      /* expired during the walk */
		return ERR_OK;
	w->total += ch;
	return e;
}

enum err refr_revoke_all(struct db *db, long long user_id, const char *kind,
			 long long now, int *count)
{
	struct revoke_walk w = { db, kind, now, 0 };
	char uk[KEY_MAX];
	struct kv_args a;
	redisReply *r;
	size_t i;
	int ch;
	enum err e = ERR_OK;

	if (count)
		*count = 0;
	if (!user_id) {
		e = kv_scan(db->kv, FAMILY_PREFIX "*", revoke_key, &w);
	} else {
		user_key(user_id, uk);
		kv_args_init(&a);
		kv_arg(&a, "ZRANGE");
		kv_arg(&a, uk);
		kv_arg(&a, "0");
		kv_arg(&a, "-1");
		if ((e = kv_run(db->kv, &a, &r)))
			return e;
		if (r->type != REDIS_REPLY_ARRAY)
			e = ERR_UNAVAILABLE;
		/* Each family is its own script: a family is revoked whole
		 * or not at all, and a failure stops with the rest live. */
		for (i = 0; !e && i < r->elements; i++) {
			e = revoke_one(db, kv_reply_ll(r, (int)i, 0), user_id,
				       kind, now, &ch);
			if (e == ERR_NOTFOUND)
				e = ERR_OK;
			w.total += ch;
		}
		kv_reply_free(r);
	}
	if (count)
		*count = e ? 0 : w.total;
	return e;
}

enum err refr_live_count(struct db *db, long long user_id, long long *n)
{
	char uk[KEY_MAX];
	struct kv_args a;

	user_key(user_id, uk);
	kv_args_init(&a);
	kv_arg(&a, uk);
	kv_arg_int(&a, user_id);
	return kv_eval_int(db->kv, &count_lua, 1, &a, n);
}

/* String element i of r as (p, *len) for json_pack "s%", "" when nil. */
static const char *str_at(const redisReply *r, int i, size_t *len)
{
	const char *p = kv_reply_str(r, i, len);

	if (!p) {
		*len = 0;
		return "";
	}
	return p;
}

/* One family as family_json in refresh.c shows it, from the LIST_WORDS
 * words at i of the list script's answer. */
static json_t *family_json(const redisReply *r, int i)
{
	long long revoked = kv_reply_ll(r, i + 5, 0);
	size_t alg_n, reason_n, ua_n, addr_n;
	const char *alg = str_at(r, i + 1, &alg_n);
	const char *reason = str_at(r, i + 6, &reason_n);
	const char *ua = str_at(r, i + 7, &ua_n);
	const char *addr = str_at(r, i + 8, &addr_n);

	return json_pack("{s:I, s:s%, s:b, s:I, s:I, s:o, s:s%, s:s%, s:s%}",
			 "id", (json_int_t)kv_reply_ll(r, i, 0),
			 "alg", alg, alg_n,
			 "bound", kv_reply_ll(r, i + 2, 0) != 0,
			 "created", (json_int_t)kv_reply_ll(r, i + 3, 0),
			 "last_used", (json_int_t)kv_reply_ll(r, i + 4, 0),
			 "revoked_at", revoked ?
			 json_integer(revoked) : json_null(),
			 "revoked_reason", reason, reason_n,
			 "user_agent", ua, ua_n,
			 "client_addr", addr, addr_n);
}

enum err refr_families_json(struct db *db, long long user_id, json_t **out)
{
	char uk[KEY_MAX];
	struct kv_args a;
	redisReply *r;
	json_t *list, *f;
	size_t i;
	enum err e;

	*out = NULL;
	user_key(user_id, uk);
	kv_args_init(&a);
	kv_arg(&a, uk);
	kv_arg_int(&a, user_id);
	kv_arg_int(&a, REFRESH_LIST_MAX);
	if ((e = kv_eval(db->kv, &list_lua, 1, &a, &r)))
		return e;
	if (r->type != REDIS_REPLY_ARRAY || r->elements % LIST_WORDS) {
		kv_reply_free(r);
		log_msg("error", "redis %s: unexpected reply", list_lua.name);
		return ERR_UNAVAILABLE;
	}
	if (!(list = json_array())) {
		kv_reply_free(r);
		return ERR_NOMEM;
	}
	for (i = 0; i < r->elements; i += LIST_WORDS)
		if (!(f = family_json(r, (int)i)) ||
		    json_array_append_new(list, f)) {
			kv_reply_free(r);
			json_decref(list);
			return ERR_NOMEM;
		}
	kv_reply_free(r);
	*out = list;
	return ERR_OK;
}

/* One stored event as event_json in refresh.c shows it: {at, kind,
 * detail}; NULL (logged) for an entry that is not such an object. */
static json_t *event_json(const char *p, size_t len)
{
	json_error_t jerr;
	json_t *v = json_loadb(p, len, 0, &jerr), *out = NULL;
	json_t *at = json_object_get(v, "at");
	const char *kind = json_string_value(json_object_get(v, "kind"));
	const char *detail = json_string_value(json_object_get(v, "detail"));

	if (json_is_number(at) && kind && detail)
		out = json_pack("{s:I, s:s, s:s}", "at",
				(json_int_t)json_number_value(at), "kind",
				kind, "detail", detail);
	else
		log_msg("warn", "refresh event in redis is not {at, kind, "
			"detail}");
	json_decref(v);
	return out;
}

enum err refr_events_json(struct db *db, long long family_id, json_t **out)
{
	char ek[KEY_MAX];
	struct kv_args a;
	redisReply *r;
	json_t *list, *ev;
	const char *p;
	size_t i, len;
	enum err e;

	*out = NULL;
	events_key(family_id, ek);
	kv_args_init(&a);
	kv_arg(&a, "LRANGE");
	kv_arg(&a, ek);
	kv_arg(&a, "0");
	kv_arg_int(&a, REFRESH_EVENTS_MAX - 1);
	if ((e = kv_run(db->kv, &a, &r)))
		return e;
	if (r->type != REDIS_REPLY_ARRAY) {
		kv_reply_free(r);
		return ERR_UNAVAILABLE;
	}
	if (!(list = json_array())) {
		kv_reply_free(r);
		return ERR_NOMEM;
	}
	for (i = 0; i < r->elements; i++) {
		if (!(p = kv_reply_str(r, (int)i, &len)) ||
		    !(ev = event_json(p, len)))
			continue;       /* logged; the others still show */
		if (json_array_append_new(list, ev)) {
			kv_reply_free(r);
			json_decref(list);
			return ERR_NOMEM;
		}
	}
	kv_reply_free(r);
	*out = list;
	return ERR_OK;
}

enum err refr_blacklist_add(struct db *db, const char *jti, long long exp,
			    long long now)
{
	char key[KEY_MAX];
	struct kv_args a;
	long long done;

	/* SQLite keeps a jti of any length; no verified token carries one
	 * that long, so it could never be looked up. */
	if (!blacklist_key(jti, key))
		return ERR_OK;
	kv_args_init(&a);
	kv_arg(&a, key);
	kv_arg_int(&a, exp);
	kv_arg_int(&a, now);
	return kv_eval_int(db->kv, &blacklist_lua, 1, &a, &done);
}

enum err refr_blacklisted(struct db *db, const char *jti, int *yes)
{
	char key[KEY_MAX];
	struct kv_args a;
	redisReply *r;
	enum err e;

	*yes = 0;
	if (!blacklist_key(jti, key))
		return ERR_OK;
	kv_args_init(&a);
	kv_arg(&a, "EXISTS");
	kv_arg(&a, key);
	if ((e = kv_run(db->kv, &a, &r)))
		return e;
	*yes = kv_reply_int(r, -1, 0) > 0;
	kv_reply_free(r);
	return ERR_OK;
}

/* ---- what the store holds (S-J10) --------------------------------------- */

/*
 * The records of a token (KEYS[1], '' for none) and a blacklist entry
 * (KEYS[2], '' for none), read in one step: each {role, key, type, TTL,
 * size, value words}. The family, its events and its user's index come
 * from the token's family field.
 */
static struct kv_script stored_lua = { "refresh stored",
	"local out = {}\n"
	"local function add(role, k, t, n, v)\n"
	"  out[#out + 1] = {role, k, t, redis.call('TTL', k), n, v}\n"
	"end\n"
	"if KEYS[1] ~= '' then\n"
	"  local fid = redis.call('HGET', KEYS[1], 'family')\n"
	"  if fid then\n"
	"    add('token', KEYS[1], 'hash', 0, redis.call('HGETALL', KEYS[1]))\n"
	"    local fk = 'family:' .. fid\n"
	"    local f = redis.call('HGETALL', fk)\n"
	"    if #f > 0 then\n"
	"      add('family', fk, 'hash', 0, f)\n"
	"      local ek = fk .. ':events'\n"
	"      local n = redis.call('LLEN', ek)\n"
	"      if n > 0 then add('events', ek, 'list', n, "
	"redis.call('LRANGE', ek, 0, " STR(REFRESH_EVENTS_MAX) " - 1)) end\n"
	"      local uk = 'user:' .. redis.call('HGET', fk, 'user') .. "
	"':families'\n"
	"      n = redis.call('ZCARD', uk)\n"
	"      if n > 0 then add('index', uk, 'zset', n, "
	"redis.call('ZREVRANGE', uk, 0, " STR(REFRESH_LIST_MAX) " - 1, "
	"'WITHSCORES')) end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"if KEYS[2] ~= '' then\n"
	"  local v = redis.call('GET', KEYS[2])\n"
	"  if v then add('blacklist', KEYS[2], 'string', 1, {v}) end\n"
	"end\n"
	"return out\n", "" };

/* Element i of r as a new JSON string (not UTF-8: a marker). */
static json_t *word_json(const redisReply *r, size_t i)
{
	size_t len;
	const char *p = kv_reply_str(r, (int)i, &len);
	json_t *s = p ? json_stringn(p, len) : json_null();

	return s ? s : json_string("(not UTF-8)");
}

/* The value words v of a record of type t as JSON: a hash as an object,
 * a sorted set as [[member, score]...], a list as an array of strings,
 * a string as a string. NULL on failure. */
static json_t *record_value(const char *t, const redisReply *v)
{
	int hash = !strcmp(t, "hash"), zset = !strcmp(t, "zset");
	json_t *o = hash ? json_object() : json_array();
	size_t i;

	if (!strcmp(t, "string")) {
		json_decref(o);
		return v->elements ? word_json(v, 0) : json_null();
	}
	for (i = 0; o && i < v->elements; i += hash || zset ? 2 : 1) {
		const char *name = kv_reply_str(v, (int)i, NULL);

		if (hash) {
			if (!name || i + 1 >= v->elements ||
			    json_object_set_new(o, name, word_json(v, i + 1)))
				goto fail;
		} else if (json_array_append_new(o, zset ?
			   json_pack("[o, o]", word_json(v, i),
				     i + 1 < v->elements ?
				     word_json(v, i + 1) : json_null()) :
			   word_json(v, i))) {
			goto fail;
		}
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

enum err refr_stored_json(struct db *db,
			  const unsigned char *h, const char *jti,
			  json_t *records)
{
	char tk[KEY_MAX] = "", bk[KEY_MAX] = "";
	struct kv_args a;
	redisReply *r;
	json_t *rec;
	size_t i;
	enum err e;

	if (h)
		token_key(h, tk);
	if (jti && !blacklist_key(jti, bk))
		bk[0] = '\0';
	kv_args_init(&a);
	kv_arg(&a, tk);
	kv_arg(&a, bk);
	if ((e = kv_eval(db->kv, &stored_lua, 2, &a, &r)))
		return e;
	e = r->type == REDIS_REPLY_ARRAY ? ERR_OK : ERR_UNAVAILABLE;
	for (i = 0; !e && i < r->elements; i++) {
		const redisReply *x = r->element[i];
		const char *type;

		if (x->type != REDIS_REPLY_ARRAY || x->elements != 6 ||
		    x->element[5]->type != REDIS_REPLY_ARRAY ||
		    !(type = kv_reply_str(x, 2, NULL))) {
			e = ERR_UNAVAILABLE;
			break;
		}
		rec = json_pack("{s:o, s:o, s:s, s:I, s:I, s:o*}",
				"role", word_json(x, 0), "key", word_json(x, 1),
				"type", type,
				"ttl", (json_int_t)kv_reply_int(x, 3, -2),
				"size", (json_int_t)kv_reply_int(x, 4, 0),
				"value", record_value(type, x->element[5]));
		if (!rec || !json_object_get(rec, "value") ||
		    json_array_append_new(records, rec))
			e = ERR_NOMEM;
	}
	if (e == ERR_UNAVAILABLE)
		log_msg("error", "redis %s: unexpected reply", stored_lua.name);
	kv_reply_free(r);
	return e;
}
