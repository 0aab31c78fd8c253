/*
 * auth - the token issuer, and the pages about tokens.
 *
 * Scenarios: S-J1 the decoder (/lab/jwt), S-J4 access + refresh (login,
 * silent refresh, auto-login from the refresh cookie), S-J5 rotation,
 * reuse detection and pair binding (the replay lab), S-J6 logout,
 * log out everywhere and per-device revocation, S-J7 HS256 vs RS256 (the
 * JWKS), S-J8 the forgery lab with its labelled weak verifier, S-J9 where
 * to keep tokens (/jwt/storage).
 *
 * The issuer alone reads the RSA private key (tokensign.h). The resource
 * API is cgi-bin/api.c. /lab/jwt is served here rather than by the
 * cookies program because the decoder and the forgeries need the site's
 * keys.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bearer.h"
#include "config.h"
#include "forge.h"
#include "localday.h"
#include "log.h"
#include "refresh.h"
#include "revoke.h"
#include "site.h"
#include "token.h"
#include "tokensign.h"
#include "weakjwt.h"
#include "wire.h"

#define LAB_COOKIE       "lab_token"
#define LAB_COOKIE_PATH  "/jwt/storage"
#define LAB_TOKEN_TTL    600
#define LAB_AUDIENCE     "urn:web-state:storage-lab"
#define PASTE_MAX        (TOKEN_MAX * 2)   /* bytes shown of a paste */
#define WORD_KEY_MAX     96                /* bytes of an explanation key */

static struct token_signer signer;
static long long access_ttl;
static long long refresh_seconds;

/* ---- helpers ------------------------------------------------------------ */

/* The refresh cookie: value with max_age (0 expires it). */
static enum err refresh_cookie(struct ctx *c, const char *value,
			       long max_age)
{
	struct cookie_spec cs;

	memset(&cs, 0, sizeof(cs));
	cs.name = REFRESH_COOKIE;
	cs.value = value;
	cs.has_max_age = 1;
	cs.max_age = max_age;
	cs.path = REFRESH_PATH;
	cs.secure = c->req.https;
	cs.http_only = 1;
	cs.same_site = SAMESITE_STRICT;
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

	if (site_same_origin(c) == 0) {
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

/* 200 {access_token, token_type, expires_in} and the refresh cookie. */
static enum err answer_tokens(struct ctx *c, const char *access,
			      const char *refresh)
{
	enum err e;

	if ((e = refresh_cookie(c, refresh, (long)refresh_seconds)))
		return e;
	return site_json(c, json_pack("{s:s, s:s, s:I}", "access_token",
				      access, "token_type", "Bearer",
				      "expires_in", (json_int_t)access_ttl));
}

/* 401 for a refresh that failed; the dead cookie is expired. */
static enum err refresh_refused(struct ctx *c, enum refresh_outcome o,
				long long family_id)
{
	enum err e;

	c->res.status = 401;
	if ((e = refresh_cookie(c, "", 0)))
		return e;
	return site_json(c, json_pack("{s:s, s:s, s:b, s:I}", "error",
				      "invalid_grant", "error_description",
				      refresh_outcome_text(o),
				      "family_revoked",
				      o == REFRESH_REUSED ||
				      o == REFRESH_PAIR_MISMATCH,
				      "family", (json_int_t)family_id));
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
	char *access = NULL;
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
			       refresh_seconds, refresh, &family)) ||
	    (e = sign_access(c, &u, (enum token_alg)alg, jti,
			     c->now + access_ttl, &access)))
		goto out;
	e = answer_tokens(c, access, refresh);
out:
	sodium_memzero(refresh, sizeof(refresh));
	free(access);
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
	char *access = NULL;
	struct token_claims cl;
	struct refresh_pair pair = { 0, NULL, 0 };
	struct refresh_family fam;
	enum refresh_outcome o;
	struct user u;
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
		return refresh_refused(c, o, fam.id);
	}
	e = auth_user_by_id(c->db, fam.user_id, &u);
	if (e == ERR_NOTFOUND)
		return refresh_refused(c, REFRESH_REVOKED, fam.id);
	if (e || (e = sign_access(c, &u, fam.alg, jti, c->now + access_ttl,
				  &access)))
		goto out;
	e = answer_tokens(c, access, next);
out:
	sodium_memzero(next, sizeof(next));
	free(access);
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
		e = refresh_blacklist_add(c->db, cl.jti, cl.exp);
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
	if (!bearer_check(c, &signer.keys, 1, &cl, &e))
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
	if (!bearer_check(c, &signer.keys, 1, &cl, &e))
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
	if (!bearer_check(c, &signer.keys, 1, &cl, &e))
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

/* ---- words: protocol values, explained ------------------------------- */

/*
 * The kinds a family's history can hold: the events src/refresh.c writes
 * and the revoke reasons its callers give (logout, the devices page, the
 * password change, the admin, the demo reset).
 */
static const char *const event_kinds[] = {
	"login", "refresh", "reuse", "pair_mismatch", "logout", "logout_all",
	"revoke", "password_change", "revoke_all", "reset", NULL
};

/* The details src/refresh.c writes with an event. */
static const char *const event_details[] = {
	"pair binding on", "a spent refresh token was presented again",
	"another access token came with it", "no access token came with it",
	NULL
};

/*
 * The i18n key that explains word: prefix, then word with every byte
 * other than a-z and 0-9 made '_' ("jwt.reason." and "alg not allowed
 * for this key" give "jwt.reason.alg_not_allowed_for_this_key"), into key
 * (cap bytes). Returns key, or NULL when word is NULL or does not fit.
 */
static const char *word_key(const char *prefix, const char *word,
			    char *key, size_t cap)
{
	size_t n = strlen(prefix), i;

	if (!word || n + strlen(word) + 1 > cap)
		return NULL;
	memcpy(key, prefix, n);
	for (i = 0; word[i]; i++)
		key[n + i] = (word[i] >= 'a' && word[i] <= 'z') ||
			(word[i] >= '0' && word[i] <= '9') ? word[i] : '_';
	key[n + i] = '\0';
	return key;
}

/*
 * Append the explanation of word (under prefix, see word_key) in lang as
 * HTML. A word the string table does not know appends nothing: the page
 * still shows the word itself.
 */
static enum err put_word(struct buf *o, const char *prefix, const char *word,
			 enum lang lang)
{
	char key[WORD_KEY_MAX];

	if (!word_key(prefix, word, key, sizeof(key)) || !i18n_has(key))
		return ERR_OK;
	return i18n_put_html(o, key, lang);
}

/* One <span data-w="group:word"> of the words list. */
static enum err put_word_span(struct buf *o, const char *group,
			      const char *prefix, const char *word,
			      enum lang lang)
{
	enum err e;

	if ((e = buf_printf(o, "<span data-w=\"%s:", group)) ||
	    (e = buf_put_html(o, word, strlen(word))) ||
	    (e = buf_puts(o, "\">")) ||
	    (e = put_word(o, prefix, word, lang)))
		return e;
	return buf_puts(o, "</span>\n");
}

/*
 * The hidden list page scripts read their explanations from, so that
 * every one comes from the string table in the page language: each token
 * reason (the RFC 6750 error_description, which stays English on the
 * wire), refresh outcome, event kind and event detail. Sets "words".
 */
static enum err words_var(struct ctx *c)
{
	struct buf o;
	int r;
	size_t i;
	enum err e;

	buf_init(&o);
	e = buf_puts(&o, "<div id=\"jwt-words\" hidden>\n");
	for (r = TOKEN_MALFORMED; !e && r <= TOKEN_NO_ACCOUNT; r++)
		e = put_word_span(&o, "reason", "jwt.reason.",
				  token_reason_text((enum token_reason)r),
				  c->lang);
	if (!e)
		e = put_word_span(&o, "reason", "jwt.reason.",
				  "no bearer token", c->lang);
	for (r = REFRESH_OK; !e && r <= REFRESH_PAIR_MISMATCH; r++)
		e = put_word_span(&o, "outcome", "jwt.outcome.",
				  refresh_outcome_text(
					  (enum refresh_outcome)r), c->lang);
	for (i = 0; !e && event_kinds[i]; i++)
		e = put_word_span(&o, "event", "jwt.event.", event_kinds[i],
				  c->lang);
	for (i = 0; !e && event_details[i]; i++)
		e = put_word_span(&o, "detail", "jwt.detail.",
				  event_details[i], c->lang);
	if (!e && !(e = buf_puts(&o, "</div>")))
		e = tmpl_set_html(&c->vars, "words", o.data);
	buf_cleanup(&o);
	return e;
}

/*
 * The site's time zone at t: its abbreviation ("KST") into label (cap
 * bytes, at least 8; "UTC" when unknown) and its offset east of UTC in
 * seconds into *offset. Page scripts format times with these, never with
 * the browser's zone. A zone with daylight saving gets the offset of t.
 */
static void site_zone(long long t, char *label, size_t cap,
		      long long *offset)
{
	time_t tt = (time_t)t;
	struct tm lt, gt;
	long long days;

	*offset = 0;
	if (!localday_zone(t, label, (unsigned)cap)[0])
		snprintf(label, cap, "UTC");
	if (!localtime_r(&tt, &lt) || !gmtime_r(&tt, &gt))
		return;
	if (lt.tm_year != gt.tm_year)
		days = lt.tm_year > gt.tm_year ? 1 : -1;
	else
		days = lt.tm_yday - gt.tm_yday;
	*offset = days * 86400 + (lt.tm_hour - gt.tm_hour) * 3600LL +
		(lt.tm_min - gt.tm_min) * 60LL + (lt.tm_sec - gt.tm_sec);
}

/*
 * Set name to the string key in the page language with its "{n}" made
 * n ("{n}초", "{n} s"): numbers with their unit, from the string table.
 */
static enum err set_count(struct ctx *c, const char *name, const char *key,
			  long long n)
{
	const char *s = i18n_get(key, c->lang);
	const char *at = strstr(s, "{n}");

	if (!at)
		return tmpl_set(&c->vars, name, s);
	return tmpl_setf(&c->vars, name, "%.*s%lld%s", (int)(at - s), s, n,
			 at + 3);
}

/* ---- pages ---------------------------------------------------------------- */

/*
 * Variables every token page shows, and what its script needs to agree
 * with the server: "now" (the site clock, demo offset included), "tz"
 * and "tz_offset" (the site's zone), "site_now" (now, formatted).
 */
static enum err page_vars(struct ctx *c)
{
	char tz[16], when[48];
	long long tz_offset;
	enum err e;

	site_zone(c->now, tz, sizeof(tz), &tz_offset);
	wire_format_time(c->now, when, sizeof(when));
	if ((e = site_session_ensure(c)) ||
	    (e = tmpl_set(&c->vars, "hs_kid", signer.keys.hs_kid)) ||
	    (e = tmpl_set(&c->vars, "rs_kid", signer.keys.rs_kid)) ||
	    (e = tmpl_setf(&c->vars, "access_ttl", "%lld", access_ttl)) ||
	    (e = tmpl_setf(&c->vars, "refresh_ttl", "%lld",
			   refresh_seconds)) ||
	    (e = set_count(c, "access_life", "jwt.unit.seconds",
			   access_ttl)) ||
	    (e = set_count(c, "refresh_life", "jwt.unit.seconds",
			   refresh_seconds)) ||
	    (e = tmpl_set(&c->vars, "iss", TOKEN_ISSUER)) ||
	    (e = tmpl_set(&c->vars, "aud", TOKEN_AUDIENCE)) ||
	    (e = tmpl_setf(&c->vars, "now", "%lld", c->now)) ||
	    (e = tmpl_set(&c->vars, "tz", tz)) ||
	    (e = tmpl_setf(&c->vars, "tz_offset", "%lld", tz_offset)) ||
	    (e = tmpl_set(&c->vars, "site_now", when)) ||
	    (e = tmpl_setf(&c->vars, "origin", "%s://%s",
			   c->req.https ? "https" : "http",
			   *c->req.host ? c->req.host : "127.0.0.1:8080")))
		return e;
	return ERR_OK;
}

/* GET /jwt: the token page (S-J2, S-J4..S-J7). */
static enum err jwt_page(struct ctx *c)
{
	enum err e;

	if ((e = page_vars(c)) || (e = words_var(c)))
		return e;
	site_page(c, "jwt_token", "jwt.title");
	return ERR_OK;
}

/*
 * Escaped HTML table rows of a family's events: when (site time), the
 * kind as stored and what it means, and the detail in the page language
 * (as stored when the string table does not know it).
 */
static enum err events_html(struct ctx *c, long long family_id,
			    struct buf *o)
{
	json_t *ev = NULL, *v;
	char when[48], key[WORD_KEY_MAX];
	size_t i;
	enum err e;

	if ((e = refresh_events_json(c->db, family_id, &ev)))
		return e;
	json_array_foreach(ev, i, v) {
		const char *kind = json_string_value(json_object_get(v,
								      "kind"));
		const char *detail = json_string_value(json_object_get(
							       v, "detail"));
		int known = word_key("jwt.detail.", detail, key,
				     sizeof(key)) && i18n_has(key);

		wire_format_time(json_integer_value(json_object_get(v, "at")),
				 when, sizeof(when));
		if ((e = buf_puts(o, "<tr><td>")) ||
		    (e = buf_put_html(o, when, strlen(when))) ||
		    (e = buf_printf(o, "</td><td class=\"ev-%s\"><code>",
				    !strcmp(kind, "refresh") ||
				    !strcmp(kind, "login") ? "ok" : "bad")) ||
		    (e = buf_put_html(o, kind, strlen(kind))) ||
		    (e = buf_puts(o, "</code> ")) ||
		    (e = put_word(o, "jwt.event.", kind, c->lang)) ||
		    (e = buf_puts(o, "</td><td>")) ||
		    (e = known ? i18n_put_html(o, key, c->lang) :
		     buf_put_html(o, detail, strlen(detail))) ||
		    (e = buf_puts(o, "</td></tr>\n")))
			break;
	}
	json_decref(ev);
	return e;
}

/* Set name to the explanation of word (see put_word) as HTML. */
static enum err set_word(struct ctx *c, const char *name, const char *prefix,
			 const char *word)
{
	struct buf o;
	enum err e;

	buf_init(&o);
	if (!(e = put_word(&o, prefix, word, c->lang)))
		e = tmpl_set_html(&c->vars, name, o.data ? o.data : "");
	buf_cleanup(&o);
	return e;
}

/* The pasted token without surrounding whitespace, in a new buffer. */
static enum err pasted(const char *s, struct buf *out)
{
	size_t n;

	if (!s)
		return ERR_INVAL;
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	return buf_append(out, s, n);
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
	struct buf tok, rows;
	char jti[TOKEN_JTI_MAX], next[REFRESH_TOKEN_LEN + 1];
	char *access = NULL, *claims = NULL;
	struct refresh_family fam;
	struct token_claims cl;
	enum refresh_outcome o;
	struct user u;
	enum err e;

	buf_init(&tok);
	buf_init(&rows);
	memset(&cl, 0, sizeof(cl));
	if ((e = page_vars(c)))
		goto out;
	if (pasted(http_field(&c->req.form, "refresh_token"), &tok) ||
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
	if (e || (fam.id && (e = events_html(c, fam.id, &rows))))
		goto out;
	if ((e = tmpl_set(&c->vars, "outcome", refresh_outcome_text(o))) ||
	    (e = set_word(c, "outcome_text", "jwt.outcome.",
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
	    (e = tmpl_set(&c->vars, "has_family", fam.id ? "1" : "")) ||
	    (e = tmpl_set_html(&c->vars, "event_rows", rows.data ?
			       rows.data : "")))
		goto out;
	if (o != REFRESH_OK)
		c->res.status = 401;
	site_page(c, "jwt_replay", "jwt.replay.title");
out:
	sodium_memzero(next, sizeof(next));
	token_claims_cleanup(&cl);
	free(claims);
	free(access);
	buf_cleanup(&tok);
	buf_cleanup(&rows);
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

	if ((e = page_vars(c)) || (e = lab_token(c, &tok)))
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
	memset(&cs, 0, sizeof(cs));
	cs.name = LAB_COOKIE;
	cs.path = LAB_COOKIE_PATH;
	cs.secure = c->req.https;
	cs.http_only = 1;
	cs.same_site = SAMESITE_STRICT;
	cs.has_max_age = 1;
	if (!strcmp(action, "set")) {
		if ((e = lab_token(c, &tok)))
			return e;
		cs.value = tok;
		cs.max_age = LAB_TOKEN_TTL;
	} else {
		cs.value = "";
		cs.max_age = 0;
	}
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

/*
 * Append t, a time claim, as the site's local time and its distance from
 * now ("2026-12-02 09:05:31 KST (in 14m 59s)"); wire.js keeps the
 * distance ticking in the browser and marks it once passed, unless
 * past_ok (iat and nbf should be in the past).
 */
static enum err put_claim_time(struct buf *o, long long t, long long now,
			       int past_ok, enum lang lang)
{
	char when[48], delta[48];
	enum err e;

	wire_format_time(t, when, sizeof(when));
	wire_format_delta(t, now, lang, delta, sizeof(delta));
	if ((e = buf_puts(o, "<time>")) ||
	    (e = buf_put_html(o, when, strlen(when))) ||
	    (e = buf_printf(o, "</time> <span class=\"delta%s\" data-at=\"%lld\""
			    " data-now=\"%lld\">(", past_ok ? " past-ok" : "",
			    t, now)) ||
	    (e = buf_put_html(o, delta, strlen(delta))))
		return e;
	return buf_puts(o, ")</span>");
}

/*
 * Escaped HTML rows of a token_checklist array. The rows of exp, nbf and
 * iat also show the claim of payload (may be NULL) as a local time.
 */
static enum err checklist_html(json_t *list, json_t *payload, long long now,
			       enum lang lang, struct buf *o)
{
	json_t *row;
	size_t i;
	enum err e = ERR_OK;

	json_array_foreach(list, i, row) {
		const char *check = json_string_value(json_object_get(row,
								       "check"));
		const char *detail = json_string_value(json_object_get(
							       row, "detail"));
		json_t *ok = json_object_get(row, "ok");
		json_t *t = json_object_get(payload, check);
		char key[48];

		snprintf(key, sizeof(key), "labjwt.check.%s", check);
		if ((e = buf_printf(o, "<tr class=\"%s\"><td><code>",
				    json_is_null(ok) ? "skip" :
				    json_is_true(ok) ? "pass" : "fail")) ||
		    (e = buf_put_html(o, check, strlen(check))) ||
		    (e = buf_puts(o, "</code></td><td>")) ||
		    (e = tmpl_put_bilingual(o, key, lang, "span")) ||
		    (e = buf_printf(o, "</td><td><span aria-hidden=\"true\">"
				    "%s</span> ", json_is_null(ok) ? "—" :
				    json_is_true(ok) ? "✓" : "✗")) ||
		    (e = i18n_put_html(o, json_is_null(ok) ?
				       "labjwt.result.skip" : json_is_true(ok) ?
				       "labjwt.result.pass" :
				       "labjwt.result.fail", lang)) ||
		    (e = buf_puts(o, "</td><td>")))
			break;
		/* "@word" names an explanation; anything else is token data. */
		if (detail[0] == '@') {
			snprintf(key, sizeof(key), "labjwt.detail.%s", detail + 1);
			e = tmpl_put_bilingual(o, key, lang, "span");
		} else if (json_is_integer(t) && (!strcmp(check, "exp") ||
						  !strcmp(check, "nbf") ||
						  !strcmp(check, "iat"))) {
			e = put_claim_time(o, json_integer_value(t), now,
					   strcmp(check, "exp") != 0, lang);
		} else {
			e = buf_put_html(o, detail, strlen(detail));
		}
		if (e || (e = buf_puts(o, "</td></tr>\n")))
			break;
	}
	return e;
}

/*
 * The token as HTML with its three parts coloured as jwt.io does
 * (header, payload, signature), escaped; a token that is not three parts
 * is shown plain.
 */
static enum err token_parts_html(const char *token, struct buf *o)
{
	const char *d1 = strchr(token, '.');
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	enum err e;

	if (!d2 || strchr(d2 + 1, '.'))
		return buf_put_html(o, token, strlen(token));
	if ((e = buf_puts(o, "<span class=\"tok-h\">")) ||
	    (e = buf_put_html(o, token, (size_t)(d1 - token))) ||
	    (e = buf_puts(o, "</span>.<span class=\"tok-p\">")) ||
	    (e = buf_put_html(o, d1 + 1, (size_t)(d2 - d1 - 1))) ||
	    (e = buf_puts(o, "</span>.<span class=\"tok-s\">")) ||
	    (e = buf_put_html(o, d2 + 1, strlen(d2 + 1))))
		return e;
	return buf_puts(o, "</span>");
}

/*
 * The i18n key saying why the weak verifier (src/weakjwt.c) decided as it
 * did, from the key its header's kid hands libjwt: none for a kid that
 * names none of the site's keys, and then libjwt 1.10.2 checks no
 * signature at all; the RSA public key's PEM text under whatever alg the
 * header names; or the right key under the right alg, and then only the
 * claims went unchecked. accepted is weakjwt_accepts' answer.
 */
static const char *weak_cause(const struct token_parts *p, size_t len,
			      int accepted)
{
	const char *kid = json_string_value(json_object_get(p->header, "kid"));
	const char *alg = json_string_value(json_object_get(p->header, "alg"));
	int rs = kid && !strcmp(kid, signer.keys.rs_kid);
	int hs = kid && !strcmp(kid, signer.keys.hs_kid);

	if (len > TOKEN_MAX)
		return "labjwt.weak.why.too_large";
	if (!p->header || !p->payload)
		return "labjwt.weak.why.malformed";
	if (!accepted)
		return rs || hs ? "labjwt.weak.why.bad_signature" :
			"labjwt.weak.why.unreadable";
	if (!rs && !hs)
		return alg && !strcasecmp(alg, "none") ?
			"labjwt.weak.why.none" : "labjwt.weak.why.no_key";
	if (!alg || strcmp(alg, rs ? "RS256" : "HS256"))
		return "labjwt.weak.why.confused";
	return "labjwt.weak.why.no_claims";
}

/* Set name to the string key in the page language, as HTML. */
static enum err set_text(struct ctx *c, const char *name, const char *key)
{
	struct buf o;
	enum err e;

	buf_init(&o);
	if (!(e = i18n_put_html(&o, key, c->lang)))
		e = tmpl_set_html(&c->vars, name, o.data ? o.data : "");
	buf_cleanup(&o);
	return e;
}

/*
 * Fill the decoder's variables for token: the parts (coloured), the
 * checklist with its times, the real verdict (the API's verifier,
 * blacklist included) with what its reason means, and the weak
 * verifier's verdict with its cause.
 */
static enum err describe_token(struct ctx *c, const char *token)
{
	struct token_parts p;
	json_t *list = NULL;
	char *hdr = NULL, *pl = NULL;
	const char *d1, *d2;
	struct buf rows, sig, th;
	struct token_claims cl;
	enum token_reason r;
	size_t len = strlen(token);
	int weak;
	enum err e;

	buf_init(&rows);
	buf_init(&sig);
	buf_init(&th);
	token_parse(token, len, &p);
	r = token_checklist(&signer.keys, token, c->now, &list);
	if (r == TOKEN_VALID &&
	    token_verify(&signer.keys, token, c->now, 0, &cl) ==
	    TOKEN_VALID) {
		r = revoke_access_check(c->db, &cl, &e);
		token_claims_cleanup(&cl);
		if (e)
			goto out;
	}
	weak = weakjwt_accepts(&signer.keys, token);
	d1 = len <= TOKEN_MAX ? strchr(token, '.') : NULL;
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (d2 && (e = buf_puts(&sig, d2 + 1)))
		goto out;
	if (p.header)
		hdr = json_dumps(p.header, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (p.payload)
		pl = json_dumps(p.payload, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if ((list && (e = checklist_html(list, p.payload, c->now, c->lang,
					 &rows))) ||
	    (len <= PASTE_MAX && (e = token_parts_html(token, &th))))
		goto out;
	if ((e = tmpl_set(&c->vars, "token", len > PASTE_MAX ? "" : token)) ||
	    (e = tmpl_set_html(&c->vars, "token_html",
			       th.data ? th.data : "")) ||
	    (e = tmpl_setf(&c->vars, "token_bytes", "%zu", len)) ||
	    (e = tmpl_set(&c->vars, "eyj", !strncmp(token, "eyJ", 3) ?
			  "1" : "")) ||
	    (e = tmpl_set(&c->vars, "header_json", hdr ? hdr : "")) ||
	    (e = tmpl_set(&c->vars, "payload_json", pl ? pl : "")) ||
	    (e = tmpl_set(&c->vars, "signature", sig.data ? sig.data : "")) ||
	    (e = tmpl_setf(&c->vars, "sig_bytes", "%zu", p.sig_len)) ||
	    (e = tmpl_set(&c->vars, "valid", r == TOKEN_VALID ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "reason", token_reason_text(r))) ||
	    (e = set_word(c, "reason_text", "jwt.reason.",
			  token_reason_text(r))) ||
	    (e = tmpl_set(&c->vars, "weak_accepts", weak ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "weak_fooled",
			  weak && r != TOKEN_VALID ? "1" : "")) ||
	    (e = set_text(c, "weak_cause", weak_cause(&p, len, weak))) ||
	    (e = tmpl_set_html(&c->vars, "check_rows",
			       rows.data ? rows.data : "")))
		goto out;
out:
	free(hdr);
	free(pl);
	json_decref(list);
	token_parts_cleanup(&p);
	buf_cleanup(&rows);
	buf_cleanup(&sig);
	buf_cleanup(&th);
	return e;
}

/* GET /lab/jwt: the decoder form and the forgery buttons (S-J1, S-J8). */
static enum err lab_page(struct ctx *c)
{
	enum err e;

	if ((e = page_vars(c)) ||
	    (e = tmpl_set(&c->vars, "decoded", "")) ||
	    (e = tmpl_set(&c->vars, "token", "")))
		return e;
	site_page(c, "lab_jwt", "labjwt.title");
	return ERR_OK;
}

static const char *const decode_fields[] = { "token", NULL };

/* POST /lab/jwt token=...: decode and check a pasted token (S-J1). */
static enum err lab_decode(struct ctx *c)
{
	struct buf tok;
	enum err e;

	buf_init(&tok);
	if ((e = page_vars(c)))
		goto out;
	if (pasted(http_field(&c->req.form, "token"), &tok) || !tok.len) {
		c->error_key = "labjwt.empty";
		e = ERR_INVAL;
		goto out;
	}
	if ((e = describe_token(c, tok.data)) ||
	    (e = tmpl_set(&c->vars, "decoded", "1")))
		goto out;
	site_page(c, "lab_jwt", "labjwt.title");
out:
	buf_cleanup(&tok);
	return e;
}

static const char *const forge_fields[] = { "kind", NULL };

/* POST /lab/jwt/forge kind=...: one forged token, both verdicts (S-J8). */
static enum err lab_forge(struct ctx *c)
{
	int kind = forge_kind_parse(http_field(&c->req.form, "kind"));
	char *tok = NULL;
	char key[48];
	struct buf text;
	enum err e;

	buf_init(&text);
	if (kind < 0) {
		c->error_key = "labjwt.kind";
		return ERR_INVAL;
	}
	snprintf(key, sizeof(key), "labjwt.forge.%s.text",
		 forge_kind_name((enum forge_kind)kind));
	if ((e = page_vars(c)) ||
	    (e = forge_token(&signer, (enum forge_kind)kind, c->now, &tok)) ||
	    (e = describe_token(c, tok)) ||
	    (e = tmpl_set(&c->vars, "kind",
			  forge_kind_name((enum forge_kind)kind))) ||
	    (e = tmpl_put_bilingual(&text, key, c->lang, "p")) ||
	    (e = tmpl_set_html(&c->vars, "kind_text", text.data)) ||
	    (e = words_var(c)))
		goto out;
	site_page(c, "lab_jwt_forge", "labjwt.forge.title");
out:
	buf_cleanup(&text);
	free(tok);
	return e;
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
	{ HTTP_GET,  "/jwt",                 jwt_page,   0,          NULL },
	{ HTTP_POST, "/jwt/replay",          replay,     ROUTE_CSRF,
	  replay_fields },
	{ HTTP_GET,  "/jwt/storage",         storage_page, 0,        NULL },
	{ HTTP_POST, "/jwt/storage/cookie",  storage_cookie, ROUTE_CSRF,
	  storage_fields },
	{ HTTP_GET,  "/jwt/storage/echo",    storage_echo, ROUTE_JSON, NULL },
	{ HTTP_GET,  "/lab/jwt",             lab_page,   0,          NULL },
	{ HTTP_POST, "/lab/jwt",             lab_decode, ROUTE_CSRF,
	  decode_fields },
	{ HTTP_POST, "/lab/jwt/forge",       lab_forge,  ROUTE_CSRF,
	  forge_fields },
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
