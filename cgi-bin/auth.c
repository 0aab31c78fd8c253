/*
 * auth - the token issuer, and the pages about tokens.
 *
 * Scenarios: S-J4 access + refresh (login, silent refresh, auto-login
 * from the refresh cookie), S-J5 rotation, reuse detection and pair
 * binding (the replay lab), S-J6 logout, log out everywhere and
 * per-device revocation, S-J7 HS256 vs RS256 (the JWKS), S-J9 where to
 * keep tokens (/jwt/storage), S-J10 where the refresh tokens live
 * (/api/auth/store, shown on /jwt).
 *
 * The issuer links nothing of src/unsafe/ (`make lint` proves it): the
 * decoder and the forgery lab of S-J1 and S-J8, with the labelled weak
 * verifier, are cgi-bin/jwtlab.c. The resource API is cgi-bin/api.c.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/origin.h"
#include "lessons/jwtpage.h"
#include "lessons/course.h"
#include "site/bearer.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "state/refresh.h"
#include "state/revoke.h"
#include "state/store.h"
#include "site/site.h"
#include "state/token.h"
#include "state/tokensign.h"
#include "site/wire.h"

#define LAB_COOKIE       "lab_token"
#define LAB_COOKIE_PATH  "/jwt/storage"
#define LAB_TOKEN_TTL    600
#define LAB_AUDIENCE     "urn:web-state:storage-lab"

static struct token_signer signer;
static long long access_ttl;
static long long refresh_seconds;

/* ---- helpers ------------------------------------------------------------ */

/* The refresh cookie: value with max_age (0 expires it). */
static enum err refresh_cookie(struct ctx *c, const char *value,
			       long max_age)
{
	struct cookie_spec cs;

	cookie_spec_init(&cs, REFRESH_COOKIE, value, REFRESH_PATH, max_age,
			 COOKIE_HTTPONLY | (c->req.https ? COOKIE_SECURE : 0),
			 SAMESITE_STRICT);
	return response_cookie(&c->res, &cs, NULL);
}

/*
 * A JSON request to the issuer: a browser's Origin (when sent) must be
 * this site, and the body must be JSON. application/json is not a
 * CORS-safelisted type, so another site cannot send it without a
 * preflight this site never answers: the custom-header defence.
 */
static enum err json_request(struct ctx *c, const char *const allowed[])
{
	const char *key;
	json_t *v;

	if (origin_header_matches(&c->req) == 0) {
		c->error_key = "token.cross_origin";
		return ERR_FORBIDDEN;
	}
	if (!c->req.json) {
		c->error_key = "token.json_only";
		return ERR_INVAL;
	}
	json_object_foreach(c->req.json, key, v)
		if (!http_field_allowed(key, allowed)) {
			c->error_key = "token.unknown_field";
			return ERR_INVAL;
		}
	return ERR_OK;
}

/* Sign an access token for u with alg, jti and exp. */
static enum err sign_access(const struct ctx *c, const struct user *u,
			    enum token_alg alg, const char *jti,
			    long long exp, char **out)
{
	char sub[24];
	struct token_spec spec = {
		.alg = alg, .sub = sub, .name = u->display_name,
		.role = u->role, .jti = jti,
		.iat = c->now, .nbf = c->now, .exp = exp,
		.ver = u->token_version,
	};

	snprintf(sub, sizeof(sub), "%lld", u->id);
	return tokensign_issue(&signer, &spec, out);
}

/* Sign a new access token for u (alg, jti, access_ttl from now), then
 * 200 {access_token, token_type, expires_in} and the refresh cookie. */
static enum err answer_tokens(struct ctx *c, const struct user *u,
			      enum token_alg alg, const char *jti,
			      const char *refresh)
{
	char *access = NULL;
	enum err e;

	if (!(e = sign_access(c, u, alg, jti, c->now + access_ttl,
			      &access)) &&
	    !(e = refresh_cookie(c, refresh, (long)refresh_seconds)))
		e = site_json(c, json_pack("{s:s, s:s, s:I}", "access_token",
					   access, "token_type", "Bearer",
					   "expires_in",
					   (json_int_t)access_ttl));
	free(access);
	return e;
}

/* 401 for a refresh that failed, as its own JSON (ERR_AUTH, kept); the
 * dead cookie is expired. */
static enum err refresh_refused(struct ctx *c, enum refresh_outcome o,
				long long family_id)
{
	enum err e;

	if ((e = refresh_cookie(c, "", 0)) ||
	    (e = site_json(c, json_pack("{s:s, s:s, s:b, s:I}", "error",
				       "invalid_grant", "error_description",
				       refresh_outcome_text(o),
				       "family_revoked",
				       o == REFRESH_REUSED ||
				       o == REFRESH_PAIR_MISMATCH,
				       "family", (json_int_t)family_id))))
		return e;
	return site_keep_answer(c, ERR_AUTH);
}

/* ---- the JSON API of the issuer --------------------------------------- */

static const char *const login_keys[] = {
	"username", "password", "alg", "bind", NULL
};

/* POST /api/auth/login {username, password, alg, bind}: S-J4, S-J7. */
static enum err login(struct ctx *c)
{
	json_t *j = c->req.json;
	const char *username, *password;
	json_t *bind;
	char jti[TOKEN_JTI_MAX], refresh[REFRESH_TOKEN_LEN + 1];
	long long family;
	struct user u;
	int alg;
	enum err e;

	if ((e = json_request(c, login_keys)))
		return e;
	username = json_string_value(json_object_get(j, "username"));
	password = json_string_value(json_object_get(j, "password"));
	alg = token_alg_parse(json_string_value(json_object_get(j, "alg")));
	bind = json_object_get(j, "bind");
	if (!username || !password || alg < 0 ||
	    (bind && !json_is_boolean(bind)) ||
	    !auth_username_valid(username) ||
	    strlen(password) > AUTH_PASSWORD_MAX) {
		c->error_key = "token.login_malformed";
		return ERR_INVAL;
	}
	e = site_login(c, username, password, &u);
	if (e || (e = refresh_purge(c->db, c->now)))
		return e;
	token_random_id(jti);
	if ((e = refresh_login(c->db, u.id, (enum token_alg)alg,
			       json_is_true(bind), jti, c->now + access_ttl,
			       c->req.user_agent, c->req.remote_addr, c->now,
			       refresh_seconds, refresh, &family)))
		goto out;
	e = answer_tokens(c, &u, (enum token_alg)alg, jti, refresh);
out:
	sodium_memzero(refresh, sizeof(refresh));
	return e;
}

static const char *const refresh_keys[] = { "access_token", NULL };

/*
 * POST /api/auth/refresh {access_token?}: spend the refresh cookie, get a
 * new pair (S-J4, S-J5). The access token is the pair check of a bound
 * family; it may be expired but must carry a valid signature.
 */
static enum err refresh(struct ctx *c)
{
	const char *presented = cookie_get(&c->req.cookies, REFRESH_COOKIE);
	const char *pair_tok;
	char jti[TOKEN_JTI_MAX], next[REFRESH_TOKEN_LEN + 1];
	struct token_claims cl;
	struct refresh_pair pair = { 0, NULL, 0 };
	struct refresh_family fam;
	enum refresh_outcome o;
	struct user u;
	int pair_expired = 0;
	enum err e;

	if ((e = json_request(c, refresh_keys)))
		return e;
	if (!presented) {
		c->error_key = "token.no_refresh";
		return ERR_AUTH;
	}
	pair_tok = json_string_value(json_object_get(c->req.json,
						     "access_token"));
	if (pair_tok && token_verify(&signer.keys, pair_tok, c->now,
				     TOKEN_IGNORE_EXP, &cl) == TOKEN_VALID) {
		pair.present = 1;
		pair.jti = cl.jti;
		pair.user_id = cl.user_id;
		pair_expired = cl.exp + TOKEN_LEEWAY < c->now;
	} else {
		memset(&cl, 0, sizeof(cl));
	}
	token_random_id(jti);
	e = refresh_rotate(c->db, presented, &pair, jti, c->now + access_ttl,
			   c->now, refresh_seconds, next, &fam, &o);
	token_claims_cleanup(&cl);
	if (e)
		return e;
	if (o != REFRESH_OK) {
		log_msg("info", "refresh refused: %s (family %lld)",
			refresh_outcome_text(o), fam.id);
		if (o == REFRESH_REUSED)
			course_tick(c, "reuse");
		return refresh_refused(c, o, fam.id);
	}
	e = auth_user_by_id(c->db, fam.user_id, &u);
	if (e == ERR_NOTFOUND)
		return refresh_refused(c, REFRESH_REVOKED, fam.id);
	if (e)
		goto out;
	/* S-J4: the page's token had really expired, and this refresh
	 * renewed it without a login */
	if (pair_expired)
		course_tick(c, "expiry");
	e = answer_tokens(c, &u, fam.alg, jti, next);
out:
	sodium_memzero(next, sizeof(next));
	return e;
}

static const char *const no_keys[] = { NULL };

/*
 * POST /api/auth/logout: revoke the family of the refresh cookie and
 * blacklist the bearer access token until its exp (S-J6). Either may be
 * missing; what was done is reported.
 */
static enum err logout(struct ctx *c)
{
	const char *presented = cookie_get(&c->req.cookies, REFRESH_COOKIE);
	const char *tok = bearer_token(c);
	struct refresh_family fam;
	struct token_claims cl;
	int revoked = 0, listed = 0;
	enum err e;

	if ((e = json_request(c, no_keys)))
		return e;
	if (tok && token_verify(&signer.keys, tok, c->now, 0, &cl) ==
	    TOKEN_VALID) {
		e = refresh_blacklist_add(c->db, cl.jti, cl.exp, c->now);
		token_claims_cleanup(&cl);
		if (e)
			return e;
		listed = 1;
	}
	if (presented && refresh_find(c->db, presented, &fam) == ERR_OK &&
	    (e = refresh_revoke(c->db, fam.id, fam.user_id, "logout", c->now,
				&revoked)))
		return e;
	if ((e = refresh_cookie(c, "", 0)))
		return e;
	if (revoked && listed)
		course_tick(c, "logout");
	return site_json(c, json_pack("{s:b, s:b, s:b}", "logged_out", 1,
				      "family_revoked", revoked,
				      "access_token_blacklisted", listed));
}

/*
 * POST /api/auth/logout-all: "log out everywhere" (S-J6): every credential
 * of the bearer's user, in one transaction: the server sessions, the
 * refresh families, and every access token issued so far (the token
 * version moves on, revoke.h).
 */
static enum err logout_all(struct ctx *c)
{
	struct token_claims cl;
	struct revoke_report rep;
	enum err e;

	if ((e = json_request(c, no_keys)))
		return e;
	if ((e = bearer_check_or_reply(c, &signer.keys, 1, &cl)))
		return e;
	if (cl.user_id <= 0) {
		token_claims_cleanup(&cl);
		c->error_key = "api.not_a_user";
		return ERR_FORBIDDEN;
	}
	if (!(e = db_begin(c->db)))
		e = db_finish(c->db, revoke_user_locked(c->db, cl.user_id,
							NULL, "logout_all",
							c->now, &rep));
	token_claims_cleanup(&cl);
	if (e || (e = refresh_cookie(c, "", 0)))
		return e;
	/* This browser's session went with the others: expire its cookie. */
	if (c->has_session && (e = site_session_end(c)))
		return e;
	return site_json(c, json_pack("{s:b, s:i, s:i, s:b}", "logged_out", 1,
				      "families_revoked", rep.families,
				      "sessions_ended", rep.sessions,
				      "access_tokens_refused", 1));
}

/* GET /api/auth/jwks.json: the RS256 public key (RFC 7517 §5). */
static enum err jwks(struct ctx *c)
{
	return site_json(c, json_pack("{s:[O]}", "keys", signer.keys.rs_jwk));
}

/* GET /api/auth/cookie: whether this request carried the refresh cookie
 * and its size in the Cookie header, never its value, and nothing is
 * spent. The cookie is HttpOnly and sent to /api/auth only, so this is
 * how /compare (S-X1) tells a browser that holds one from one that does
 * not. */
static enum err cookie_probe(struct ctx *c)
{
	const char *presented = cookie_get(&c->req.cookies, REFRESH_COOKIE);

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	return site_json(c, json_pack("{s:b, s:I, s:s}", "present",
				      presented != NULL, "bytes",
				      (json_int_t)(presented ?
						   strlen(REFRESH_COOKIE) + 1 +
						   strlen(presented) : 0),
				      "path", REFRESH_PATH));
}

/* GET /api/auth/families: "my devices", with their events, and the
 * account's token version (when and why it last moved). */
static enum err families(struct ctx *c)
{
	const char *presented = cookie_get(&c->req.cookies, REFRESH_COOKIE);
	struct refresh_family cur;
	struct revoke_state st;
	struct token_claims cl;
	json_t *list = NULL, *f, *ev;
	size_t i;
	enum err e;

	memset(&cur, 0, sizeof(cur));
	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if ((e = bearer_check_or_reply(c, &signer.keys, 1, &cl)))
		return e;
	e = refresh_families_json(c->db, cl.user_id, &list);
	if (!e && (!presented || refresh_find(c->db, presented, &cur) ||
		   cur.user_id != cl.user_id))
		cur.id = 0;
	json_array_foreach(list, i, f) {
		json_int_t id = json_integer_value(json_object_get(f, "id"));

		if (e || (e = refresh_events_json(c->db, id, &ev)))
			break;
		if (json_object_set_new(f, "events", ev) ||
		    json_object_set_new(f, "current", json_boolean(
				id == cur.id))) {
			e = ERR_NOMEM;
			break;
		}
	}
	if (!e)
		e = revoke_state(c->db, cl.user_id, &st);
	token_claims_cleanup(&cl);
	if (e) {
		json_decref(list);
		return e;
	}
	return site_json(c, json_pack("{s:o, s:{s:I, s:I, s:s}}", "families",
				      list, "account", "token_version",
				      (json_int_t)st.token_version,
				      "tokens_cut_at", (json_int_t)st.cut_at,
				      "tokens_cut_reason", st.cut_reason));
}

static const char *const revoke_keys[] = { "id", NULL };
static const char *const jti_field[] = { "jti", NULL };

/* POST /api/auth/families/revoke {id}: revoke one of my devices. */
static enum err family_revoke(struct ctx *c)
{
	json_t *id = json_object_get(c->req.json, "id");
	struct token_claims cl;
	int changed = 0;
	enum err e;

	if ((e = json_request(c, revoke_keys)))
		return e;
	if (!json_is_integer(id)) {
		c->error_key = "token.revoke_malformed";
		return ERR_INVAL;
	}
	if ((e = bearer_check_or_reply(c, &signer.keys, 1, &cl)))
		return e;
	e = refresh_revoke(c->db, json_integer_value(id), cl.user_id,
			   "revoke", c->now, &changed);
	token_claims_cleanup(&cl);
	if (e == ERR_NOTFOUND)
		c->error_key = "token.no_family";
	if (e)
		return e;
	return site_json(c, json_pack("{s:I, s:b}", "id",
				      (json_int_t)json_integer_value(id),
				      "revoked", changed));
}

/*
 * GET /api/auth/store?jti=: where this browser's refresh token lives
 * (S-J10; C §7): the records refresh_stored_json finds for the refresh
 * cookie and, with jti, that access token's blacklist entry; how long
 * reading them took (read_us, one round trip to Redis); and the command
 * line that opens the store. Which node read them is the answer's X-Node
 * header under `make cluster`. The cookie proves whose family it is; a
 * jti only says whether that token is blacklisted. Never a raw token.
 */
static enum err store_view(struct ctx *c)
{
	const char *presented = cookie_get(&c->req.cookies, REFRESH_COOKIE);
	char cli[STORE_CLI_MAX];
	json_t *o;
	double t0;
	enum err e;

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	t0 = clock_mono_us();
	if ((e = refresh_stored_json(c->db, presented,
				     http_field(&c->req.query, "jti"), c->now,
				     &o)))
		return e;
	if (json_object_set_new(o, "read_us", json_real(clock_mono_us() -
							 t0)) ||
	    json_object_set_new(o, "cli", json_string(
					store_cli(c->db, c->cfg->db_path, cli,
						  sizeof(cli)))) ||
	    json_object_set_new(o, "now", json_integer(c->now))) {
		json_decref(o);
		return ERR_NOMEM;
	}
	return site_json(c, o);
}

/* ---- words: protocol values, explained ------------------------------- */

/* ---- pages ---------------------------------------------------------------- */

/* GET /jwt: the token page (S-J2, S-J4..S-J7, S-J10). */
static enum err jwt_page(struct ctx *c)
{
	enum err e;

	if ((e = jwtpage_vars(c, &signer.keys)) || (e = jwtpage_words(c)) ||
	    (e = tmpl_set(&c->vars, "store", store_name(c->db))) ||
	    (e = tmpl_set(&c->vars, "redis", c->db->kv ? "1" : "")))
		return e;
	site_page(c, "jwt_token", "jwt.title");
	return ERR_OK;
}

/*
 * The list events (jwt_replay.html), one row per event of a family: when
 * (site time), the kind as stored and what it means, and the detail in
 * the page language (as stored when the string table does not know it).
 */
static enum err set_events(struct ctx *c, long long family_id)
{
	struct tmpl_vars *row;
	json_t *ev = NULL, *v;
	char when[48], key[JWTPAGE_WORD_KEY_MAX];
	size_t i;
	enum err e;

	if ((e = refresh_events_json(c->db, family_id, &ev)) ||
	    (e = tmpl_list(&c->vars, "events")))
		goto out;
	json_array_foreach(ev, i, v) {
		const char *kind = json_string_value(json_object_get(v,
								      "kind"));
		const char *detail = json_string_value(json_object_get(
							       v, "detail"));
		int known = jwtpage_word_key("jwt.detail.", detail, key,
				     sizeof(key)) && i18n_has(key);

		wire_format_time(json_integer_value(json_object_get(v, "at")),
				 when, sizeof(when));
		if ((e = tmpl_row_add(&c->vars, "events", &row)) ||
		    (e = tmpl_set(row, "when", when)) ||
		    (e = tmpl_set(row, "class", !strcmp(kind, "refresh") ||
				  !strcmp(kind, "login") ? "ok" : "bad")) ||
		    (e = tmpl_set(row, "kind", kind)) ||
		    (e = jwtpage_set_word(row, c->shown, "kind_text",
					  "jwt.event.", kind)) ||
		    (e = known ? tmpl_set_i18n(row, "detail_text", key, c->shown) :
		     tmpl_set_html(row, "detail_text", "")) ||
		    (e = tmpl_set(row, "detail", known ? "" : detail)))
			break;
	}
out:
	json_decref(ev);
	return e;
}

static const char *const replay_fields[] = { "refresh_token", NULL };

/*
 * POST /jwt/replay: the replay lab (S-J5). The visitor plays the attacker
 * who copied a refresh token and presents it from another device, without
 * the access token. What the server decided is shown with the family's
 * events.
 */
static enum err replay(struct ctx *c)
{
	struct buf tok;
	char jti[TOKEN_JTI_MAX], next[REFRESH_TOKEN_LEN + 1];
	char *access = NULL, *claims = NULL;
	struct refresh_family fam;
	struct token_claims cl;
	enum refresh_outcome o;
	struct user u;
	enum err e;

	buf_init(&tok);
	memset(&cl, 0, sizeof(cl));
	if ((e = jwtpage_vars(c, &signer.keys)))
		goto out;
	if (jwtpage_pasted(http_field(&c->req.form, "refresh_token"), &tok) ||
	    !tok.len) {
		c->error_key = "jwt.replay.empty";
		e = ERR_INVAL;
		goto out;
	}
	token_random_id(jti);
	if ((e = refresh_rotate(c->db, tok.data, NULL, jti,
				c->now + access_ttl, c->now, refresh_seconds,
				next, &fam, &o)))
		goto out;
	if (o == REFRESH_REUSED)
		course_tick(c, "reuse");
	if (o == REFRESH_OK && !(e = auth_user_by_id(c->db, fam.user_id,
						       &u)) &&
	    !(e = sign_access(c, &u, fam.alg, jti, c->now + access_ttl,
			      &access)) &&
	    token_verify(&signer.keys, access, c->now, 0, &cl) ==
	    TOKEN_VALID) {
		claims = json_dumps(cl.payload, JSON_INDENT(2) |
				    JSON_SORT_KEYS);
		e = tmpl_set(&c->vars, "stolen_claims", claims ? claims : "");
	} else if (!e) {
		e = tmpl_set(&c->vars, "stolen_claims", "");
	}
	if (e || (fam.id && (e = set_events(c, fam.id))))
		goto out;
	if ((e = tmpl_set(&c->vars, "outcome", refresh_outcome_text(o))) ||
	    (e = jwtpage_set_word(&c->vars, c->shown, "outcome_text",
					  "jwt.outcome.",
			  refresh_outcome_text(o))) ||
	    (e = tmpl_set(&c->vars, "ok", o == REFRESH_OK ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "reused", o == REFRESH_REUSED ? "1" :
			  "")) ||
	    (e = tmpl_set(&c->vars, "mismatch", o == REFRESH_PAIR_MISMATCH ?
			  "1" : "")) ||
	    (e = tmpl_set(&c->vars, "unknown", o == REFRESH_UNKNOWN ||
			  o == REFRESH_EXPIRED ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "was_revoked", o == REFRESH_REVOKED ?
			  "1" : "")) ||
	    (e = tmpl_setf(&c->vars, "family", "%lld", fam.id)) ||
	    (e = tmpl_set(&c->vars, "has_family", fam.id ? "1" : "")))
		goto out;
	site_page(c, "jwt_replay", "jwt.replay.title");
	e = site_keep_answer(c, o == REFRESH_OK ? ERR_OK : ERR_AUTH);
out:
	sodium_memzero(next, sizeof(next));
	token_claims_cleanup(&cl);
	free(claims);
	free(access);
	buf_cleanup(&tok);
	return e;
}

/* A lab token for the storage lab: genuinely signed, but for another
 * audience and use, so it opens nothing. */
static enum err lab_token(const struct ctx *c, char **out)
{
	char jti[TOKEN_JTI_MAX];
	struct token_spec spec = {
		.alg = TOKEN_HS256, .sub = "lab", .name = "Lab visitor",
		.role = "user", .jti = jti, .aud = LAB_AUDIENCE,
		.token_use = "lab", .iat = c->now, .nbf = c->now,
		.exp = c->now + LAB_TOKEN_TTL,
	};

	token_random_id(jti);
	return tokensign_issue(&signer, &spec, out);
}

/* GET /jwt/storage: the storage lab (S-J9). */
static enum err storage_page(struct ctx *c)
{
	const char *cookie = cookie_get(&c->req.cookies, LAB_COOKIE);
	char *tok = NULL;
	enum err e;

	if ((e = jwtpage_vars(c, &signer.keys)) || (e = lab_token(c, &tok)))
		goto out;
	if ((e = tmpl_set(&c->vars, "lab_token", tok)) ||
	    (e = tmpl_set(&c->vars, "cookie_set", cookie ? "1" : "")))
		goto out;
	site_page(c, "jwt_storage", "jwt.storage.title");
out:
	free(tok);
	return e;
}

static const char *const storage_fields[] = { "action", NULL };

/* POST /jwt/storage/cookie action=set|clear: the HttpOnly copy. */
static enum err storage_cookie(struct ctx *c)
{
	const char *action = http_field(&c->req.form, "action");
	struct cookie_spec cs;
	char *tok = NULL;
	enum err e;

	if (!action || (strcmp(action, "set") && strcmp(action, "clear"))) {
		c->error_key = "jwt.storage.action.bad";
		return ERR_INVAL;
	}
	if (!strcmp(action, "set") && (e = lab_token(c, &tok)))
		return e;
	cookie_spec_init(&cs, LAB_COOKIE, tok ? tok : "", LAB_COOKIE_PATH,
			 tok ? LAB_TOKEN_TTL : 0,
			 COOKIE_HTTPONLY | (c->req.https ? COOKIE_SECURE : 0),
			 SAMESITE_STRICT);
	e = response_cookie(&c->res, &cs, NULL);
	free(tok);
	if (e)
		return e;
	return response_redirect(&c->res, 303, "/jwt/storage");
}

/* GET /jwt/storage/echo: did the HttpOnly lab cookie come along? Never
 * its value: script can make the browser send it, not read it. */
static enum err storage_echo(struct ctx *c)
{
	const char *v = cookie_get(&c->req.cookies, LAB_COOKIE);

	return site_json(c, json_pack("{s:b, s:i}", "lab_cookie_sent",
				      v != NULL, "bytes",
				      v ? (int)strlen(v) : 0));
}

static const struct route routes[] = {
	{ HTTP_POST, "/api/auth/login",      login,      ROUTE_JSON, NULL },
	{ HTTP_POST, "/api/auth/refresh",    refresh,    ROUTE_JSON, NULL },
	{ HTTP_POST, "/api/auth/logout",     logout,     ROUTE_JSON, NULL },
	{ HTTP_POST, "/api/auth/logout-all", logout_all, ROUTE_JSON, NULL },
	{ HTTP_GET,  "/api/auth/jwks.json",  jwks,       ROUTE_JSON, NULL },
	{ HTTP_GET,  "/api/auth/cookie",     cookie_probe, ROUTE_JSON, NULL },
	{ HTTP_GET,  "/api/auth/families",   families,   ROUTE_JSON, NULL },
	{ HTTP_POST, "/api/auth/families/revoke", family_revoke, ROUTE_JSON,
	  NULL },
	{ HTTP_GET,  "/api/auth/store",      store_view, ROUTE_JSON, jti_field },
	{ HTTP_GET,  "/jwt",                 jwt_page,   0,          NULL },
	{ HTTP_POST, "/jwt/replay",          replay,     ROUTE_CSRF,
	  replay_fields },
	{ HTTP_GET,  "/jwt/storage",         storage_page, 0,        NULL },
	{ HTTP_POST, "/jwt/storage/cookie",  storage_cookie, ROUTE_CSRF,
	  storage_fields },
	{ HTTP_GET,  "/jwt/storage/echo",    storage_echo, ROUTE_JSON, NULL },
};

int main(void)
{
	int rc;

	log_set_program("auth");
	if (sodium_init() < 0 ||
	    tokensign_load(config_str("KEYS", "db/keys"), &signer)) {
		log_msg("error", "no JWT keys: run `make initdb` first");
		return 1;
	}
	access_ttl = token_access_ttl();
	refresh_seconds = refresh_ttl();
	rc = site_run("auth", routes, sizeof(routes) / sizeof(routes[0]));
	tokensign_cleanup(&signer);
	return rc;
}
