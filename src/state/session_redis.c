/*
 * session_redis.c - sessions in Redis. See session_redis.h.
 *
 * One Redis, not a Cluster: a script may touch the session keys it finds
 * in a user's set.
 */
#include "state/session_redis.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/kv.h"
#include "base/log.h"
#include "base/utf8.h"

/* How many times a compare-and-set of the data is tried before the
 * request gives up with a 503 (each loser re-reads and tries again). */
#define CAS_TRIES 200

static struct kv_script create_lua = { "session create",
	"if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
	"redis.call('HSET', KEYS[1], unpack(ARGV, 2))\n"
	"redis.call('EXPIRE', KEYS[1], ARGV[1])\n"
	"return 1\n", "" };

static struct kv_script touch_lua = { "session touch",
	"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
	"redis.call('HSET', KEYS[1], 'last_seen', ARGV[1], 'idle_exp', "
	"ARGV[2])\n"
	"redis.call('EXPIRE', KEYS[1], ARGV[3])\n"
	"if ARGV[4] == '1' and redis.call('TTL', KEYS[2]) < "
	"tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[2], ARGV[3]) end\n"
	"return 1\n", "" };

/*
 * The one write of a session that exists: compare ver (ARGV[1], '' for
 * any), move it to a new key (KEYS[2], or the same), leave the old user's
 * set (ARGV[5] '1'), set fields (ARGV[7]...), bump ver, set the TTL
 * (ARGV[2], '' keeps it) and join the new user's set (ARGV[6] '1').
 * -2: no such session; -1: ver moved on (try again); else the new ver.
 */
static struct kv_script write_lua = { "session write",
	"local v = redis.call('HGET', KEYS[1], 'ver')\n"
	"if not v then return -2 end\n"
	"if ARGV[1] ~= '' and v ~= ARGV[1] then return -1 end\n"
	"if KEYS[2] ~= KEYS[1] then redis.call('RENAME', KEYS[1], KEYS[2]) "
	"end\n"
	"if ARGV[5] == '1' then redis.call('SREM', KEYS[3], ARGV[3]) end\n"
	"if #ARGV > 6 then redis.call('HSET', KEYS[2], unpack(ARGV, 7)) end\n"
	"local nv = redis.call('HINCRBY', KEYS[2], 'ver', 1)\n"
	"if ARGV[2] ~= '' then redis.call('EXPIRE', KEYS[2], ARGV[2]) end\n"
	"if ARGV[6] == '1' then\n"
	"  redis.call('SADD', KEYS[4], ARGV[4])\n"
	"  local t = redis.call('TTL', KEYS[2])\n"
	"  if redis.call('TTL', KEYS[4]) < t then "
	"redis.call('EXPIRE', KEYS[4], t) end\n"
	"end\n"
	"return nv\n", "" };

/* Delete KEYS[1] when its user is ARGV[2] ('' for any) and drop it from
 * that user's set; 1 when it was deleted. */
static struct kv_script end_lua = { "session end",
	"local u = redis.call('HGET', KEYS[1], 'user')\n"
	"if not u or (ARGV[2] ~= '' and u ~= ARGV[2]) then return 0 end\n"
	"redis.call('DEL', KEYS[1])\n"
	"redis.call('SREM', 'user:' .. u .. ':sessions', ARGV[1])\n"
	"return 1\n", "" };

/* The live sessions in set KEYS[1] at ARGV[1], flat: hex, created,
 * last_seen, idle_exp, abs_exp, persistent, ua, addr; gone ones leave
 * the set. */
static struct kv_script list_lua = { "session list",
	"local out = {}\n"
	"for _, h in ipairs(redis.call('SMEMBERS', KEYS[1])) do\n"
	"  local f = redis.call('HMGET', 'session:' .. h, 'created', "
	"'last_seen', 'idle_exp', 'abs_exp', 'persistent', 'ua', 'addr')\n"
	"  if not f[1] then redis.call('SREM', KEYS[1], h)\n"
	"  elseif tonumber(f[3]) > tonumber(ARGV[1]) and tonumber(f[4]) > "
	"tonumber(ARGV[1]) then\n"
	"    out[#out + 1] = h\n"
	"    for i = 1, 7 do out[#out + 1] = f[i] or '' end\n"
	"  end\n"
	"end\n"
	"return out\n", "" };

/* Delete every session in set KEYS[1] but ARGV[1]; how many existed. */
static struct kv_script others_lua = { "session revoke others",
	"local n = 0\n"
	"for _, h in ipairs(redis.call('SMEMBERS', KEYS[1])) do\n"
	"  if h ~= ARGV[1] then\n"
	"    n = n + redis.call('DEL', 'session:' .. h)\n"
	"    redis.call('SREM', KEYS[1], h)\n"
	"  end\n"
	"end\n"
	"return n\n", "" };

void sessr_key(const unsigned char id_hash[SESSION_HASH_BYTES],
	       char out[SESSION_REDIS_KEY_MAX])
{
	char hex[2 * SESSION_HASH_BYTES + 1];

	session_hash_hex_full(id_hash, hex);
	snprintf(out, SESSION_REDIS_KEY_MAX, SESSION_REDIS_PREFIX "%s", hex);
}

static void index_key(long long user_id, char out[48])
{
	snprintf(out, 48, "user:%lld:sessions", user_id);
}

/* Seconds from now to deadline, at least 1 (a TTL of 0 deletes). */
static long long ttl_to(long long deadline, long long now)
{
	return deadline - now > 0 ? deadline - now : 1;
}

/*
 * The record the last load of this process read (sessr_select), of the
 * session id_hash on kv, kept until this process writes that session:
 * the wire view shows what the store holds without a second round trip.
 * A touch patches it as it patches the hash; any other write drops it.
 */
static struct {
	const struct kv *kv;
	unsigned char    id_hash[SESSION_HASH_BYTES];
	json_t          *rec;
} last;

static void last_drop(void)
{
	json_decref(last.rec);
	last.rec = NULL;
	last.kv = NULL;
}

/* The touch of s (now) in the record of the last load, if it is s's. */
static void last_touched(const struct db *db, const struct session *s,
			 long long now)
{
	json_t *f;
	char v[24];

	if (!last.rec || last.kv != db->kv ||
	    memcmp(last.id_hash, s->id_hash, SESSION_HASH_BYTES))
		return;
	f = json_object_get(last.rec, "fields");
	snprintf(v, sizeof(v), "%lld", s->last_seen);
	if (json_object_set_new(f, "last_seen", json_string(v)))
		goto fail;
	snprintf(v, sizeof(v), "%lld", s->idle_expires);
	if (json_object_set_new(f, "idle_exp", json_string(v)) ||
	    json_object_set_new(last.rec, "ttl",
				json_integer(ttl_to(s->idle_expires, now))))
		goto fail;
	return;
fail:
	last_drop();
}

enum err sessr_create(struct db *db, struct session *s,
		      const char *user_agent, const char *client_addr,
		      long long now)
{
	char key[SESSION_REDIS_KEY_MAX];
	struct kv_args a;
	long long made;
	enum err e;

	sessr_key(s->id_hash, key);
	kv_args_init(&a);
	kv_arg(&a, key);
	kv_arg_int(&a, ttl_to(s->idle_expires, now));
	kv_arg(&a, "user");
	kv_arg(&a, "0");
	kv_arg(&a, "created");
	kv_arg_int(&a, s->created);
	kv_arg(&a, "last_seen");
	kv_arg_int(&a, s->last_seen);
	kv_arg(&a, "idle_ttl");
	kv_arg_int(&a, s->idle_ttl);
	kv_arg(&a, "idle_exp");
	kv_arg_int(&a, s->idle_expires);
	kv_arg(&a, "abs_exp");
	kv_arg_int(&a, s->absolute_expires);
	kv_arg(&a, "persistent");
	kv_arg(&a, "0");
	kv_arg(&a, "ua");
	kv_arg_bin(&a, user_agent ? user_agent : "",
		   utf8_cut(user_agent, SESSION_UA_MAX));
	kv_arg(&a, "addr");
	kv_arg_bin(&a, client_addr ? client_addr : "",
		   utf8_cut(client_addr, SESSION_ADDR_MAX));
	kv_arg(&a, "data");
	kv_arg(&a, "{}");
	kv_arg(&a, "ver");
	kv_arg(&a, "1");
	if ((e = kv_eval_int(db->kv, &create_lua, 1, &a, &made)))
		return e;
	return made == 1 ? ERR_OK : ERR_INTERNAL;
}

/* The key of id_hash's fields and TTL, read in one round trip (a
 * pipeline, cheaper than a script for a read): the record, as
 * sessr_stored_json describes it, into *out. The fields come first: a key
 * that expires or is deleted between the two reads is gone (TTL -2). */
static enum err read_record(struct db *db,
			    const unsigned char id_hash[SESSION_HASH_BYTES],
			    json_t **out)
{
	char key[SESSION_REDIS_KEY_MAX];
	struct kv_args a[2];
	redisReply *r[2], *pairs;
	json_t *o = NULL, *got;
	const char *name, *value;
	size_t i, nlen, vlen;
	long long ttl;
	enum err e;

	*out = NULL;
	sessr_key(id_hash, key);
	kv_args_init(&a[0]);
	kv_arg(&a[0], "HGETALL");
	kv_arg(&a[0], key);
	kv_args_init(&a[1]);
	kv_arg(&a[1], "TTL");
	kv_arg(&a[1], key);
	if ((e = kv_pipeline(db->kv, a, 2, r)))
		return e;
	pairs = r[0];
	ttl = kv_reply_int(r[1], -1, -2);
	e = ERR_UNAVAILABLE;
	if (pairs->type != REDIS_REPLY_ARRAY) {
		log_msg("error", "redis session stored: unexpected reply");
		goto out;
	}
	e = ERR_NOTFOUND;
	if (pairs->elements == 0 || ttl == -2)
		goto out;
	e = ERR_NOMEM;
	if (!(o = json_pack("{s:s, s:s, s:s, s:I, s:{}}", "store", "redis",
			    "key", key, "type", "hash", "ttl",
			    (json_int_t)ttl, "fields")))
		goto out;
	got = json_object_get(o, "fields");
	for (i = 0; i + 1 < pairs->elements; i += 2) {
		json_t *v;
		char *n;
		int bad;

		name = kv_reply_str(pairs, (int)i, &nlen);
		value = kv_reply_str(pairs, (int)i + 1, &vlen);
		if (!name || !value)
			continue;
		/* The values are the site's numbers and JSON, and the
		 * User-Agent and address, cut at a UTF-8 boundary; anything
		 * else is shown as not text rather than failing the page. */
		if (!(v = json_stringn(value, vlen)))
			v = json_string("(not UTF-8)");
		if (!(n = strndup(name, nlen))) {
			json_decref(v);
			goto out;
		}
		bad = json_object_set_new(got, n, v);
		free(n);
		if (bad)
			goto out;
	}
	*out = o;
	o = NULL;
	e = ERR_OK;
out:
	json_decref(o);
	kv_reply_free(r[0]);
	kv_reply_free(r[1]);
	return e;
}

/* Field name of a record's fields as a number (0 when missing). */
static long long field_ll(const json_t *f, const char *name)
{
	const char *v = json_string_value(json_object_get(f, name));

	return v ? strtoll(v, NULL, 10) : 0;
}

/*
 * Read the session of s->id_hash into s (read_record: the fields and the
 * TTL in one round trip), with its ver into *ver (may be NULL). The
 * record is kept for the wire view (last) when keep is set.
 */
static enum err load(struct db *db, struct session *s, long long *ver,
		     int keep)
{
	const json_t *f;
	json_t *rec, *data;
	enum err e;

	last_drop();
	if ((e = read_record(db, s->id_hash, &rec)))
		return e;
	f = json_object_get(rec, "fields");
	data = json_object_get(f, "data");
	s->user_id = field_ll(f, "user");
	s->created = field_ll(f, "created");
	s->last_seen = field_ll(f, "last_seen");
	s->idle_ttl = field_ll(f, "idle_ttl");
	s->idle_expires = field_ll(f, "idle_exp");
	s->absolute_expires = field_ll(f, "abs_exp");
	s->persistent = (int)field_ll(f, "persistent");
	if (ver)
		*ver = field_ll(f, "ver");
	e = session_data_load(s, json_string_value(data),
			      json_string_length(data));
	if (e || !keep) {
		json_decref(rec);
		return e;
	}
	last.kv = db->kv;
	memcpy(last.id_hash, s->id_hash, SESSION_HASH_BYTES);
	last.rec = rec;
	return ERR_OK;
}

enum err sessr_select(struct db *db, struct session *s)
{
	return load(db, s, NULL, 1);
}

/* The session of s->id_hash into s, with its ver, for a compare-and-set
 * (the write that follows drops any kept record anyway). */
static enum err select_ver(struct db *db, struct session *s, long long *ver)
{
	return load(db, s, ver, 0);
}

enum err sessr_delete(struct db *db, const struct session *s)
{
	char key[SESSION_REDIS_KEY_MAX], hex[2 * SESSION_HASH_BYTES + 1];
	struct kv_args a;
	long long n;

	sessr_key(s->id_hash, key);
	session_hash_hex_full(s->id_hash, hex);
	kv_args_init(&a);
	kv_arg(&a, key);
	kv_arg(&a, hex);
	kv_arg(&a, "");
	last_drop();
	return kv_eval_int(db->kv, &end_lua, 1, &a, &n);
}

enum err sessr_touch(struct db *db, struct session *s, long long now)
{
	char key[SESSION_REDIS_KEY_MAX], idx[48];
	struct kv_args a;
	long long n;
	enum err e;

	sessr_key(s->id_hash, key);
	index_key(s->user_id, idx);
	kv_args_init(&a);
	kv_arg(&a, key);
	kv_arg(&a, idx);
	kv_arg_int(&a, s->last_seen);
	kv_arg_int(&a, s->idle_expires);
	kv_arg_int(&a, ttl_to(s->idle_expires, now));
	kv_arg(&a, s->user_id ? "1" : "0");
	if ((e = kv_eval_int(db->kv, &touch_lua, 2, &a, &n)))
		last_drop();
	else
		last_touched(db, s, now);
	return e;
}

/*
 * One run of write_lua: from the key of old_hash (user old_user) to the
 * key of s->id_hash (user s->user_id), expecting ver (0: any), with ttl
 * (0: kept) and the field pairs in extra (may be NULL). *result is the
 * script's answer.
 */
static enum err write_once(struct db *db, const unsigned char *old_hash,
			   long long old_user, const struct session *s,
			   long long ver, long long ttl,
			   const struct kv_args *extra, long long *result)
{
	char from[SESSION_REDIS_KEY_MAX], to[SESSION_REDIS_KEY_MAX];
	char old_idx[48], new_idx[48];
	char old_hex[2 * SESSION_HASH_BYTES + 1];
	char new_hex[2 * SESSION_HASH_BYTES + 1];
	int moved = memcmp(old_hash, s->id_hash, SESSION_HASH_BYTES) != 0;
	struct kv_args a;
	int i;

	sessr_key(old_hash, from);
	sessr_key(s->id_hash, to);
	index_key(old_user, old_idx);
	index_key(s->user_id, new_idx);
	session_hash_hex_full(old_hash, old_hex);
	session_hash_hex_full(s->id_hash, new_hex);
	kv_args_init(&a);
	kv_arg(&a, from);
	kv_arg(&a, to);
	kv_arg(&a, old_idx);
	kv_arg(&a, new_idx);
	if (ver)
		kv_arg_int(&a, ver);
	else
		kv_arg(&a, "");
	if (ttl)
		kv_arg_int(&a, ttl);
	else
		kv_arg(&a, "");
	kv_arg(&a, old_hex);
	kv_arg(&a, new_hex);
	/* Leave the old user's set when the key moves or the user changes;
	 * join the new user's set then too. */
	kv_arg(&a, old_user && (moved || old_user != s->user_id) ? "1" : "0");
	kv_arg(&a, s->user_id && (moved || old_user != s->user_id) ?
	       "1" : "0");
	for (i = 0; extra && i < extra->n; i++)
		kv_arg_bin(&a, extra->v[i], extra->len[i]);
	last_drop();
	return kv_eval_int(db->kv, &write_lua, 4, &a, result);
}

/* A short random pause before a compare-and-set is tried again. */
static void backoff(int attempt)
{
	struct timespec ts = { 0, 0 };

	if (attempt < 4) {
		sched_yield();
		return;
	}
	ts.tv_nsec = 50000L * (attempt < 40 ? attempt : 40);
	nanosleep(&ts, NULL);
}

enum err sessr_login(struct db *db, struct session *s,
		     const struct session_config *cfg, long long now,
		     long long user_id, int persistent)
{
	unsigned char old_hash[SESSION_HASH_BYTES];
	char old_hex[9], *data = NULL;
	long long ver, result, old_user;
	struct kv_args f;
	json_t *login;
	enum err e;
	int tries;

	memcpy(old_hash, s->id_hash, sizeof(old_hash));
	session_hash_hex(old_hash, old_hex);
	for (tries = 0; tries < CAS_TRIES; tries++) {
		memcpy(s->id_hash, old_hash, sizeof(old_hash));
		if ((e = select_ver(db, s, &ver)))
			goto fail;
		old_user = s->user_id;
		login = json_pack("{s:I, s:s, s:b}", "at", (json_int_t)now,
				  "rotated_from", old_hex, "remember",
				  persistent);
		if (!login || json_object_set_new(s->data, "login", login)) {
			e = ERR_NOMEM;
			goto fail;
		}
		free(data);
		if ((e = session_data_dump(s->data, &data)))
			goto fail;
		session_id_new(s->id, s->id_hash);
		s->user_id = user_id;
		s->persistent = persistent;
		s->created = s->last_seen = now;
		s->idle_ttl = persistent ? cfg->remember_ttl : cfg->idle_ttl;
		s->idle_expires = now + s->idle_ttl;
		s->absolute_expires = now + (persistent ? cfg->remember_ttl :
					     cfg->absolute_ttl);
		kv_args_init(&f);
		kv_arg(&f, "user");
		kv_arg_int(&f, user_id);
		kv_arg(&f, "persistent");
		kv_arg_int(&f, persistent);
		kv_arg(&f, "created");
		kv_arg_int(&f, now);
		kv_arg(&f, "last_seen");
		kv_arg_int(&f, now);
		kv_arg(&f, "idle_ttl");
		kv_arg_int(&f, s->idle_ttl);
		kv_arg(&f, "idle_exp");
		kv_arg_int(&f, s->idle_expires);
		kv_arg(&f, "abs_exp");
		kv_arg_int(&f, s->absolute_expires);
		kv_arg(&f, "data");
		kv_arg(&f, data);
		if ((e = write_once(db, old_hash, old_user, s, ver,
				    ttl_to(s->idle_expires, now), &f,
				    &result)))
			goto fail;
		if (result == -2) {
			e = ERR_NOTFOUND;
			goto fail;
		}
		if (result > 0) {
			free(data);
			return ERR_OK;
		}
		backoff(tries);
	}
	e = ERR_UNAVAILABLE;
	log_msg("error", "session login: too much contention");
fail:
	free(data);
	memcpy(s->id_hash, old_hash, sizeof(old_hash));
	s->id[0] = '\0';
	return e;
}

enum err sessr_rotate(struct db *db, struct session *s)
{
	unsigned char old_hash[SESSION_HASH_BYTES];
	long long result;
	enum err e;

	memcpy(old_hash, s->id_hash, sizeof(old_hash));
	session_id_new(s->id, s->id_hash);
	e = write_once(db, old_hash, s->user_id, s, 0, 0, NULL, &result);
	if (!e && result == -2)
		e = ERR_NOTFOUND;
	if (e) {
		memcpy(s->id_hash, old_hash, sizeof(old_hash));
		s->id[0] = '\0';
	}
	return e;
}

enum err sessr_update(struct db *db, struct session *s,
		      enum err (*fn)(json_t *data, void *arg), void *arg)
{
	long long ver, result;
	char *data = NULL;
	struct kv_args f;
	enum err e;
	int tries;

	for (tries = 0; tries < CAS_TRIES; tries++) {
		if ((e = select_ver(db, s, &ver)) || (e = fn(s->data, arg)) ||
		    (e = session_data_dump(s->data, &data)))
			goto fail;
		kv_args_init(&f);
		kv_arg(&f, "data");
		kv_arg(&f, data);
		e = write_once(db, s->id_hash, s->user_id, s, ver, 0, &f,
			       &result);
		free(data);
		data = NULL;
		if (e)
			goto fail;
		if (result == -2) {
			e = ERR_NOTFOUND;
			goto fail;
		}
		if (result > 0)
			return ERR_OK;
		backoff(tries);
	}
	e = ERR_UNAVAILABLE;
	log_msg("error", "session update: too much contention");
fail:
	/* Leave s->data as stored, not as fn half-changed it. */
	if (e != ERR_UNAVAILABLE && select_ver(db, s, NULL))
		log_msg("warn", "session reload after failed update");
	return e;
}

/* Most recently seen first, then most recently created. */
static int by_last_seen(const void *pa, const void *pb)
{
	const struct session_info *a = pa, *b = pb;

	if (a->last_seen != b->last_seen)
		return a->last_seen < b->last_seen ? 1 : -1;
	if (a->created != b->created)
		return a->created < b->created ? 1 : -1;
	return 0;
}

enum err sessr_list_user(struct db *db, long long user_id, long long now,
			 struct session_info out[SESSION_LIST_MAX],
			 size_t *n)
{
	struct session_info *all = NULL;
	char idx[48];
	struct kv_args a;
	redisReply *r;
	size_t i, count;
	enum err e;

	*n = 0;
	index_key(user_id, idx);
	kv_args_init(&a);
	kv_arg(&a, idx);
	kv_arg_int(&a, now);
	if ((e = kv_eval(db->kv, &list_lua, 1, &a, &r)))
		return e;
	if (r->type != REDIS_REPLY_ARRAY || r->elements % 8) {
		kv_reply_free(r);
		return ERR_UNAVAILABLE;
	}
	count = r->elements / 8;
	if (count && !(all = calloc(count, sizeof(*all)))) {
		kv_reply_free(r);
		return ERR_NOMEM;
	}
	for (i = 0; i < count; i++) {
		struct session_info *si = &all[i];
		const char *hex = kv_reply_str(r, (int)(8 * i), NULL);

		if (!hex || session_hash_from_hex(hex, si->id_hash))
			continue;
		si->created = kv_reply_ll(r, (int)(8 * i + 1), 0);
		si->last_seen = kv_reply_ll(r, (int)(8 * i + 2), 0);
		si->idle_expires = kv_reply_ll(r, (int)(8 * i + 3), 0);
		si->absolute_expires = kv_reply_ll(r, (int)(8 * i + 4), 0);
		si->persistent = (int)kv_reply_ll(r, (int)(8 * i + 5), 0);
		kv_reply_copy(r, (int)(8 * i + 6), si->user_agent, sizeof(si->user_agent));
		kv_reply_copy(r, (int)(8 * i + 7), si->client_addr,
			 sizeof(si->client_addr));
	}
	kv_reply_free(r);
	/* all is NULL for a user with no session, and qsort's base must
	 * not be NULL even for 0 elements (UBSan stops there). */
	if (count > 1)
		qsort(all, count, sizeof(*all), by_last_seen);
	*n = count < SESSION_LIST_MAX ? count : SESSION_LIST_MAX;
	if (*n)
		memcpy(out, all, *n * sizeof(*all));
	free(all);
	return ERR_OK;
}

enum err sessr_revoke(struct db *db, long long user_id,
		      const unsigned char id_hash[SESSION_HASH_BYTES])
{
	char key[SESSION_REDIS_KEY_MAX], hex[2 * SESSION_HASH_BYTES + 1];
	struct kv_args a;
	long long done;
	enum err e;

	sessr_key(id_hash, key);
	session_hash_hex_full(id_hash, hex);
	kv_args_init(&a);
	kv_arg(&a, key);
	kv_arg(&a, hex);
	kv_arg_int(&a, user_id);
	if ((e = kv_eval_int(db->kv, &end_lua, 1, &a, &done)))
		return e;
	return done == 1 ? ERR_OK : ERR_NOTFOUND;
}

enum err sessr_revoke_others(struct db *db, long long user_id,
			     const unsigned char *keep_hash, int *n)
{
	char idx[48], hex[2 * SESSION_HASH_BYTES + 1] = "";
	struct kv_args a;
	long long count = 0;
	enum err e;

	index_key(user_id, idx);
	if (keep_hash)
		session_hash_hex_full(keep_hash, hex);
	kv_args_init(&a);
	kv_arg(&a, idx);
	kv_arg(&a, hex);
	e = kv_eval_int(db->kv, &others_lua, 1, &a, &count);
	if (n)
		*n = e ? 0 : (int)count;
	return e;
}

enum err sessr_revoke_all(struct db *db, int *n)
{
	long long got = 0;
	enum err e;

	if (!(e = kv_del_matching(db->kv, SESSION_REDIS_PREFIX "*", &got)))
		e = kv_del_matching(db->kv, "user:*:sessions", NULL);
	if (n)
		*n = e ? 0 : (int)got;
	return e;
}

struct live_count {
	struct db *db;
	long long  now, total, users;
};

/* kv_scan callback: count one session when it is live. */
static enum err count_key(const char *key, size_t len, void *arg)
{
	struct live_count *lc = arg;
	struct kv_args a;
	redisReply *r;
	enum err e;

	kv_args_init(&a);
	kv_arg(&a, "HMGET");
	kv_arg_bin(&a, key, len);
	kv_arg(&a, "user");
	kv_arg(&a, "idle_exp");
	kv_arg(&a, "abs_exp");
	if ((e = kv_run(lc->db->kv, &a, &r)))
		return e;
	if (kv_reply_ll(r, 1, 0) > lc->now && kv_reply_ll(r, 2, 0) > lc->now) {
		lc->total++;
		if (kv_reply_ll(r, 0, 0) > 0)
			lc->users++;
	}
	kv_reply_free(r);
	return ERR_OK;
}

enum err sessr_count_live(struct db *db, long long now, long long *total,
			  long long *users)
{
	struct live_count lc = { db, now, 0, 0 };
	enum err e = kv_scan(db->kv, SESSION_REDIS_PREFIX "*", count_key, &lc);

	*total = e ? 0 : lc.total;
	*users = e ? 0 : lc.users;
	return e;
}

enum err sessr_stored_json(struct db *db, const struct session *s,
			   json_t **out)
{
	if (last.rec && last.kv == db->kv &&
	    !memcmp(last.id_hash, s->id_hash, SESSION_HASH_BYTES)) {
		*out = json_deep_copy(last.rec);
		return *out ? ERR_OK : ERR_NOMEM;
	}
	return read_record(db, s->id_hash, out);
}
