/*
 * gateway - the route behind the HAProxy API gateway (`make cluster`).
 *
 * Scenario: S-J11. HAProxy verifies the bearer token of /gw/api/me itself
 * (alg pinned to RS256, the signature with the issuer's public key, exp,
 * iss, aud, token_use: tools/haproxy.cfg) and forwards the claims it
 * read in X-Gateway-* headers, with the shared secret X-Gateway-Secret.
 * This program loads no JWT key at all, not even the public one: it
 * believes the claims when the secret matches (site/gateway.h), and
 * refuses with a 403 that says so when it does not (a client talking to a
 * node directly, or `make run`, which has no gateway).
 *
 * What the gateway cannot see is the store, so the blacklist and the
 * account's token version are still checked here with the forwarded jti
 * and ver: a logout reaches tokens that go through the gateway too.
 */
#include <sodium.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "site/bearer.h"
#include "site/gateway.h"
#include "site/site.h"
#include "state/revoke.h"

static struct gateway gw;
static const char *node;        /* SCALE_NODE: "a", "b" or NULL */

/* The 403 of a request that did not come through the gateway, in both
 * languages, and why. */
static enum err not_from_gateway(struct ctx *c)
{
	const char *why = gw.configured ? "gateway.not_from_gateway" :
		"gateway.no_secret";
	enum err e;

	e = site_json(c, json_pack(
		"{s:s, s:s, s:s, s:s, s:b, s:o}", "error", "not_from_gateway",
		"message", i18n_get(why, LANG_EN),
		"message_ko", i18n_get(why, LANG_KO),
		"how", "make cluster, then GET /gw/api/me on the front port "
		"with Authorization: Bearer <an RS256 access token>",
		"gateway_configured", gw.configured,
		"node", node ? json_string(node) : json_null()));
	return e ? e : site_keep_answer(c, ERR_FORBIDDEN);
}

/* GET /gw/api/me: who the gateway says the token's user is. */
static enum err me(struct ctx *c)
{
	struct token_claims cl;
	enum token_reason r;
	enum err e = ERR_OK;

	if (!gateway_trusted(&gw, &c->req))
		return not_from_gateway(c);
	if (!bearer_origin_ok(c))
		return ERR_FORBIDDEN;
	if (gateway_claims(&c->req, &cl) != GATEWAY_OK) {
		log_msg("error", "the gateway forwarded missing or malformed "
			"claims");
		c->error_key = "gateway.bad_claims";
		return ERR_INTERNAL;
	}
	/* The gateway checked exp against its clock; the site's (the demo
	 * clock included) has the last word, with the verifier's leeway. */
	r = c->now >= cl.exp + TOKEN_LEEWAY ? TOKEN_EXPIRED :
		revoke_access_check(c->db, &cl, &e);
	if (e)
		return e;
	if (r != TOKEN_VALID)
		return bearer_reply_refused(c, r);
	return site_json(c, json_pack(
		"{s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:b, s:b, "
		"s:s, s:s}",
		"via", "gateway",
		"node", node ? json_string(node) : json_null(),
		"sub", cl.sub, "name", cl.name, "role", cl.role,
		"jti", cl.jti, "exp", (json_int_t)cl.exp,
		"ver", (json_int_t)cl.ver,
		"key_loaded", 0, "blacklist_checked", 1,
		"token_version_checked", 1,
		"checked_by_gateway", "alg pinned to RS256, signature with the "
		"issuer's public key, exp, iss, aud, token_use",
		"checked_here", "gateway secret, exp on the site clock, "
		"blacklist (jti), token version (ver)"));
}

static const struct route routes[] = {
	{ HTTP_GET, "/gw/api/me", me, ROUTE_JSON, NULL },
};

int main(void)
{
	const char *n = config_str("SCALE_NODE", NULL);
	int rc;

	log_set_program("gateway");
	if (sodium_init() < 0)
		return 1;
	if (n && (!strcmp(n, "a") || !strcmp(n, "b")))
		node = n;
	/* Without a secret (`make run`) every request gets the 403 that
	 * explains the route; a malformed one is a configuration error. */
	if (gateway_load(&gw) == ERR_INVAL)
		return 1;
	rc = site_run("gateway", routes, sizeof(routes) / sizeof(routes[0]));
	gateway_cleanup(&gw);
	return rc;
}
