/*
 * bearer.c - bearer tokens over HTTP. See bearer.h.
 */
#include "site/bearer.h"

#include <string.h>
#include <strings.h>

#include "http/origin.h"
#include "site/site.h"
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

enum err bearer_reply_refused(struct ctx *c, enum token_reason r)
{
	struct buf h;
	enum err e;

	buf_init(&h);
	if (r == TOKEN_VALID)
		e = buf_puts(&h, "Bearer realm=\"" BEARER_REALM "\"");
	else
		e = buf_printf(&h, "Bearer error=\"invalid_token\", "
			       "error_description=\"%s\"",
			       token_reason_text(r));
	if (!e)
		e = response_header(&c->res, "WWW-Authenticate", h.data);
	buf_cleanup(&h);
	if (!e && r == TOKEN_VALID)
		e = site_json(c, json_pack("{s:s, s:s}", "error",
					   "unauthorized",
					   "error_description",
					   "no bearer token"));
	else if (!e)
		e = site_json(c, json_pack("{s:s, s:s}", "error",
					   "invalid_token",
					   "error_description",
					   token_reason_text(r)));
	return e ? e : site_keep_answer(c, ERR_AUTH);
}

enum err bearer_check_or_reply(struct ctx *c, const struct token_keys *k,
			       int stateful, struct token_claims *out)
{
	const char *tok = bearer_token(c);
	enum token_reason r;
	enum err e = ERR_OK;

	memset(out, 0, sizeof(*out));
	if (!tok)
		return bearer_reply_refused(c, TOKEN_VALID);
	r = token_verify(k, tok, c->now, 0, out);
	if (r == TOKEN_VALID && stateful) {
		r = revoke_access_check(c->db, out, &e);
		if (e) {
			token_claims_cleanup(out);
			return e;
		}
	}
	if (r != TOKEN_VALID) {
		token_claims_cleanup(out);
		return bearer_reply_refused(c, r);
	}
	return ERR_OK;
}

json_t *bearer_claims_json(const struct token_claims *cl)
{
	return json_pack("{s:{s:s, s:s}, s:O}", "header", "alg",
			 token_alg_name(cl->alg), "kid", cl->kid, "claims",
			 cl->payload);
}
