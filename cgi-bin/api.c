/*
 * api - the resource server: a JSON API protected by bearer access tokens.
 *
 * Scenarios: S-J2 bearer API (the user is known from the token alone, no
 * session lookup), S-J3 claims checked, S-J6 the blacklist (/api/me) and a
 * clearly labelled endpoint that does not consult it (/api/me/stateless),
 * S-J7 a verifier that holds only the RSA public key and the HS256 verify
 * secret, S-J8 forged tokens refused with the reason, and S-X1's JWT cart
 * (/api/cart: the token user's stored cart).
 *
 * This program never links the signing module (tokensign.h): it has no
 * code that reads the RSA private key and does not know its file name.
 */
#include <sodium.h>
#include <string.h>

#include "site/bearer.h"
#include "lessons/cart.h"
#include "lessons/course.h"
#include "base/config.h"
#include "base/log.h"
#include "lessons/notes.h"
#include "site/site.h"
#include "state/token.h"

static struct token_keys keys;

/* The identity and the token facts a verified request carries. */
static json_t *me_json(const struct token_claims *cl, const char *checks,
		       int blacklist)
{
	json_t *o = bearer_claims_json(cl);

	if (!o)
		return NULL;
	if (json_object_set_new(o, "user", json_pack(
			"{s:s, s:s, s:s}", "sub", cl->sub, "name", cl->name,
			"role", cl->role)) ||
	    json_object_set_new(o, "checked", json_string(checks)) ||
	    json_object_set_new(o, "blacklist_consulted",
				json_boolean(blacklist))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* GET /api/me: every check, blacklist included. */
static enum err me(struct ctx *c)
{
	struct token_claims cl;
	enum err e;

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if ((e = bearer_check_or_reply(c, &keys, 1, &cl)))
		return e;
	course_tick(c, "jwt");   /* a valid bearer token, and the sid */
	e = site_json(c, me_json(&cl, "kid, alg pinned, signature, iss, aud, "
				 "token_use, exp, nbf, iat, blacklist", 1));
	token_claims_cleanup(&cl);
	return e;
}

/* GET /api/me/stateless: the same checks without the blacklist, so a
 * logged-out token still works here until its exp (S-J6). */
static enum err me_stateless(struct ctx *c)
{
	struct token_claims cl;
	enum err e;

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if ((e = bearer_check_or_reply(c, &keys, 0, &cl)))
		return e;
	e = site_json(c, me_json(&cl, "kid, alg pinned, signature, iss, aud, "
				 "token_use, exp, nbf, iat (no blacklist: "
				 "stateless)", 0));
	token_claims_cleanup(&cl);
	return e;
}

/* A verified token for a user of this site (numeric sub): ERR_OK, or
 * what the handler returns (bearer_check_or_reply, ERR_FORBIDDEN). */
static enum err user_token(struct ctx *c, struct token_claims *cl)
{
	enum err e;

	if ((e = bearer_check_or_reply(c, &keys, 1, cl)))
		return e;
	if (cl->user_id <= 0) {
		token_claims_cleanup(cl);
		c->error_key = "api.not_a_user";
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}

/* GET /api/notes: the token's user's notes. */
static enum err notes_get(struct ctx *c)
{
	struct token_claims cl;
	json_t *list;
	enum err e;

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if ((e = user_token(c, &cl)))
		return e;
	e = notes_list(c->db, cl.user_id, &list);
	if (!e)
		e = site_json(c, json_pack("{s:s, s:o}", "sub", cl.sub,
					   "notes", list));
	token_claims_cleanup(&cl);
	return e;
}

/* POST /api/notes {"text": "..."}: add a note for the token's user. */
static enum err notes_post(struct ctx *c)
{
	struct token_claims cl;
	json_t *text = json_object_get(c->req.json, "text");
	long long id = 0;
	enum err e;

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if (!c->req.json || json_object_size(c->req.json) != 1 ||
	    !json_is_string(text)) {
		c->error_key = "api.note_body";
		return ERR_INVAL;
	}
	if ((e = user_token(c, &cl)))
		return e;
	e = notes_add(c->db, cl.user_id, json_string_value(text), c->now,
		      &id);
	if (e == ERR_INVAL)
		c->error_key = "api.note_body";
	else if (e == ERR_TOOBIG)
		c->error_key = "api.note_full";
	if (!e) {
		e = site_json_created(c, json_pack("{s:I, s:s, s:I}", "id",
						   (json_int_t)id, "text",
						   json_string_value(text),
						   "created",
						   (json_int_t)c->now));
	}
	token_claims_cleanup(&cl);
	return e;
}

/* ---- S-X1: the JWT pane's cart ------------------------------------------ */

/* The token user's stored cart (user_carts, the table a session login
 * merges into) as {sub, kept_in, items:[{product_id, name, qty}]}. */
static enum err cart_answer(struct ctx *c, const struct token_claims *cl)
{
	struct cart cart;
	json_t *items;
	enum err e;

	if ((e = cart_user_read(c->db, cl->user_id, &cart)) ||
	    (e = cart_items_json(c->db, &cart, c->lang, &items)))
		return e;
	return site_json(c, json_pack("{s:s, s:s, s:o}", "sub", cl->sub,
				      "kept_in", "user_carts", "items",
				      items));
}

/* GET /api/cart: the token user's cart. */
static enum err cart_get(struct ctx *c)
{
	struct token_claims cl;
	enum err e;

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if ((e = user_token(c, &cl)))
		return e;
	e = cart_answer(c, &cl);
	token_claims_cleanup(&cl);
	return e;
}

/* POST /api/cart/add {"product_id": n, "qty": 1..99}: the same rules as
 * the session cart's form (unknown product 404, bad qty or past 99 400). */
static enum err cart_add(struct ctx *c)
{
	json_t *pid = json_object_get(c->req.json, "product_id");
	json_t *jq = json_object_get(c->req.json, "qty");
	struct token_claims cl;
	struct product p;
	json_int_t id, qty;
	enum err e;

	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if (!c->req.json || json_object_size(c->req.json) != 2 ||
	    !json_is_integer(pid) || !json_is_integer(jq)) {
		c->error_key = "compare.api_cart_body";
		return ERR_INVAL;
	}
	id = json_integer_value(pid);
	qty = json_integer_value(jq);
	if (id < 1 || id > CART_ID_MAX) {
		c->error_key = "cart.bad_product";
		return ERR_INVAL;
	}
	if (qty < CART_QTY_MIN || qty > CART_QTY_MAX) {
		c->error_key = "cart.bad_qty";
		return ERR_INVAL;
	}
	if ((e = user_token(c, &cl)))
		return e;
	e = cart_product(c->db, (long long)id, &p);
	if (e == ERR_NOTFOUND)
		c->error_key = "cart.unknown_product";
	if (!e) {
		e = cart_user_add(c->db, cl.user_id, (long long)id, (int)qty);
		if (e == ERR_INVAL)
			c->error_key = "cart.over_max";
		else if (e == ERR_TOOBIG)
			c->error_key = "cart.too_many_lines";
	}
	if (!e)
		e = cart_answer(c, &cl);
	token_claims_cleanup(&cl);
	return e;
}

static const struct route routes[] = {
	{ HTTP_GET,  "/api/me",           me,           ROUTE_JSON, NULL },
	{ HTTP_GET,  "/api/me/stateless", me_stateless, ROUTE_JSON, NULL },
	{ HTTP_GET,  "/api/notes",        notes_get,    ROUTE_JSON, NULL },
	{ HTTP_POST, "/api/notes",        notes_post,   ROUTE_JSON, NULL },
	{ HTTP_GET,  "/api/cart",         cart_get,     ROUTE_JSON, NULL },
	{ HTTP_POST, "/api/cart/add",     cart_add,     ROUTE_JSON, NULL },
};

int main(void)
{
	int rc;

	log_set_program("api");
	if (sodium_init() < 0 ||
	    token_keys_load(config_str("KEYS", "db/keys"), &keys)) {
		log_msg("error", "no JWT verify keys: run `make initdb` first");
		return 1;
	}
	rc = site_run("api", routes, sizeof(routes) / sizeof(routes[0]));
	token_keys_cleanup(&keys);
	return rc;
}
