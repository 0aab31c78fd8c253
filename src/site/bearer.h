/*
 * bearer.h - what the JSON token endpoints of the issuer and the resource
 * API share: the Authorization: Bearer header (RFC 6750 §2.1), the 401
 * with WWW-Authenticate (RFC 6750 §3), and the Origin check for requests
 * that carry cookies (a JSON API is exempt from the CSRF form token).
 */
#ifndef BEARER_H
#define BEARER_H

#include "site/ctx.h"
#include "state/token.h"

#define BEARER_REALM "web-state"

/*
 * bearer_token: the token of "Authorization: Bearer <token>" (scheme
 * matched ignoring case, RFC 6750 §2.1), pointing into the request, or
 * NULL when there is no such header.
 */
const char *bearer_token(const struct ctx *c);

/*
 * bearer_origin_ok: 0 (and c->error_key set) when the request carries
 * cookies and an Origin that is not this site; 1 otherwise. Callers answer
 * ERR_FORBIDDEN on 0.
 */
int bearer_origin_ok(struct ctx *c);

/*
 * bearer_check_or_reply: verify the request's bearer token with
 * token_verify and, when stateful is set, revoke_access_check (the
 * blacklist and the account's token version).
 *
 * ERR_OK when it passes: *out is filled (release with
 * token_claims_cleanup). ERR_AUTH when no token was sent or it was
 * refused: the 401 is already answered (site_keep_answer) with
 * WWW-Authenticate: Bearer error="invalid_token",
 * error_description="<reason>" and the JSON body {error,
 * error_description}, or, with no token, the challenge Bearer
 * realm="web-state" without an error code (RFC 6750 §3.1); the handler
 * returns ERR_AUTH as it is. Any other error (the store could not be
 * read, or the answer could not be made) answers nothing: the handler
 * returns it and gets the error page. *out is zeroed on failure.
 */
enum err bearer_check_or_reply(struct ctx *c, const struct token_keys *k,
			       int stateful, struct token_claims *out);

/*
 * bearer_reply_refused: the 401 bearer_check_or_reply answers, for a
 * handler that judged the token another way (the gateway route, S-J11):
 * r is why the token is refused, or TOKEN_VALID for "no token was sent"
 * (the bare challenge). Returns ERR_AUTH with the answer kept
 * (site_keep_answer), for the handler to return, or the error that kept
 * the answer from being made.
 */
enum err bearer_reply_refused(struct ctx *c, enum token_reason r);

/* bearer_claims_json: the verified claims and header facts as a JSON
 * object {header:{alg,kid}, claims:{...}} (new reference, NULL on OOM). */
json_t *bearer_claims_json(const struct token_claims *cl);

#endif
