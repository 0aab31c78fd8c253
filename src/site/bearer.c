/*
 * bearer.c - bearer tokens over HTTP. See bearer.h.
 */
#include "site/bearer.h"

#include <string.h>
#include <strings.h>

#include "http/origin.h"
#include "state/revoke.h"

const char *bearer_token(const struct ctx *c)
{
	const char *a = c->req.authorization;

	if (!a || strncasecmp(a, "Bearer ", 7))
		return NULL;
	return a + 7;
}

int bearer_origin_ok(struct ctx *c)
{
	if (!c->req.cookie_header || !*c->req.cookie_header)
		return 1;
	if (origin_header_matches(&c->req) == 0) {
		c->error_key = "token.cross_origin";
		return 0;
	}
	return 1;
}

enum err bearer_unauthorized(struct ctx *c, enum token_reason r)
{
	struct buf h;
	enum err e;

	buf_init(&h);
	c->res.status = 401;
	if (r == TOKEN_VALID)
		e = buf_puts(&h, "Bearer realm=\"" BEARER_REALM "\"");
	else
		e = buf_printf(&h, "Bearer error=\"invalid_token\", "
			       "error_description=\"%s\"",
			       token_reason_text(r));
	if (!e)
		e = response_header(&c->res, "WWW-Authenticate", h.data);
	buf_cleanup(&h);
	if (e)
		return e;
	if (r == TOKEN_VALID)
		return response_json(&c->res, json_pack("{s:s, s:s}", "error",
					      "unauthorized",
					      "error_description",
					      "no bearer token"));
	return response_json(&c->res, json_pack("{s:s, s:s}", "error", "invalid_token",
				      "error_description",
				      token_reason_text(r)));
}

int bearer_check(struct ctx *c, const struct token_keys *k, int stateful,
		 struct token_claims *out, enum err *e)
{
	const char *tok = bearer_token(c);
	enum token_reason r;

	*e = ERR_OK;
	memset(out, 0, sizeof(*out));
	if (!tok) {
		*e = bearer_unauthorized(c, TOKEN_VALID);
		return 0;
	}
	r = token_verify(k, tok, c->now, 0, out);
	if (r == TOKEN_VALID && stateful) {
		r = revoke_access_check(c->db, out, e);
		if (*e) {
			token_claims_cleanup(out);
			return 0;
		}
	}
	if (r != TOKEN_VALID) {
		token_claims_cleanup(out);
		*e = bearer_unauthorized(c, r);
		return 0;
	}
	return 1;
}

json_t *bearer_claims_json(const struct token_claims *cl)
{
	return json_pack("{s:{s:s, s:s}, s:O}", "header", "alg",
			 token_alg_name(cl->alg), "kid", cl->kid, "claims",
			 cl->payload);
}
