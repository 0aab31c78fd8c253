/*
 * scale - S-X3 scale-out: two app nodes behind one front. lighttpd runs
 * this program twice, as node "a" and node "b" (SCALE_NODE, one process
 * each), under /lab/scale/a/ and /lab/scale/b/. Each node keeps its own
 * node-local sessions in memory (nodestore), the way a single server's
 * in-memory session store does; the site's real sessions are in SQLite,
 * shared by every process; a JWT is checked with the key alone. Asking
 * both nodes shows which of the three survives the front switching node
 * (article B §2-4, §2-5 in docs/SCENARIOS.md). Under `make run` the
 * page's script imitates the front: round robin, or sticky by the
 * scale_node cookie a load balancer would set. Under `make cluster`
 * every lighttpd node runs both, and the script asks the real HAProxy
 * (round robin, and sticky at /sticky/), reading each answer's X-Node.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "site/bearer.h"
#include "base/config.h"
#include "site/csrf.h"
#include "base/log.h"
#include "lessons/nodestore.h"
#include "site/site.h"
#include "state/token.h"

#define SCALE_PATH        "/lab/scale"
#define SCALE_SID_COOKIE  "scale_sid"    /* HttpOnly: the node-local ID */
#define SCALE_NODE_COOKIE "scale_node"   /* readable: the sticky hint */

static struct token_keys keys;
static char node[2] = "a";               /* this process's node */

/* The node a request's path names ("/lab/scale/<n>/..."): 'a', 'b' or 0. */
static char path_node(const struct ctx *c)
{
	const char *p = c->req.path + strlen(SCALE_PATH);

	if (p[0] == '/' && (p[1] == 'a' || p[1] == 'b') && p[2] == '/')
		return p[1];
	return 0;
}

/* 1 when the request is for this node; lighttpd routes each node's
 * prefix to its own process, so anything else was misrouted: 404. */
static int for_me(const struct ctx *c)
{
	return path_node(c) == node[0];
}

/* The two lab cookies: scale_sid (HttpOnly) or scale_node (readable). */
static void lab_cookie(struct cookie_spec *cs, const struct ctx *c,
		       const char *name, const char *value, long max_age)
{
	cookie_spec_init(cs, name, value, SCALE_PATH, max_age,
			 (c->req.https ? COOKIE_SECURE : 0) |
			 (!strcmp(name, SCALE_SID_COOKIE) ? COOKIE_HTTPONLY : 0),
			 SAMESITE_LAX);
}

/* The tables' column labels: template variable, i18n key. Each is set in
 * both languages (the page's first, the other greyed below it). */
static const char *const th_keys[][2] = {
	{ "th_node",       "scale.col.node" },
	{ "th_local",      "scale.col.local" },
	{ "th_shared",     "scale.col.shared" },
	{ "th_setup",      "scale.col.setup" },
	{ "th_request",    "scale.col.request" },
	{ "th_known",      "scale.col.known" },
	{ "th_login_node", "scale.col.login_node" },
	{ "th_to_a",       "scale.col.to_a" },
	{ "th_to_b",       "scale.col.to_b" },
	{ "th_known_n",    "scale.col.known_n" },
	{ "th_after",      "scale.col.after" },
};

/* GET /lab/scale: the lesson, the front's controls (the imitation, and
 * the real front's, shown by script under make cluster), the no-script
 * forms. */
static enum err page(struct ctx *c)
{
	size_t i;
	enum err e;

	if ((e = site_session_ensure(c)))
		return e;
	for (i = 0; i < sizeof(th_keys) / sizeof(th_keys[0]); i++)
		if ((e = site_bilingual(c, th_keys[i][0], th_keys[i][1],
					"span")))
			return e;
	site_page(c, "lab_scale", "scale.title");
	return ERR_OK;
}

/* POST /lab/scale/<n>/login (username, password): a node-local session
 * on this node only; scale_node names the node for a sticky front. The
 * answer is a 303 to the page, or, with reply=json (the page's script
 * under `make cluster`, which must read the answer's X-Node: a fetch
 * cannot read the headers of a redirect it does not follow), 200 with
 * the node-local login made. */
static enum err login(struct ctx *c)
{
	const char *username, *password, *reply;
	char id[SESSION_ID_LEN + 1];
	struct cookie_spec cs;
	struct user u;
	enum err e;

	if (!for_me(c))
		return ERR_NOTFOUND;
	if ((e = site_visitor_guard(c)))
		return e;
	if ((e = site_login_fields(c, &username, &password)))
		return e;
	if ((e = site_login(c, username, password, &u)))
		return e;
	nodestore_remove(cookie_get(&c->req.cookies, SCALE_SID_COOKIE));
	if ((e = nodestore_create(u.username, c->now, id)))
		return e;
	lab_cookie(&cs, c, SCALE_SID_COOKIE, id,
		   (long)c->cfg->session.idle_ttl);
	e = response_cookie(&c->res, &cs, NULL);
	sodium_memzero(id, sizeof(id));
	if (e)
		return e;
	lab_cookie(&cs, c, SCALE_NODE_COOKIE, node,
		   (long)c->cfg->session.idle_ttl);
	if ((e = response_cookie(&c->res, &cs, NULL)))
		return e;
	reply = http_field(&c->req.form, "reply");
	if (reply && !strcmp(reply, "json"))
		return site_json(c, json_pack(
			"{s:s, s:{s:b, s:s, s:I}}", "node", node,
			"node_local", "created", 1, "user", u.username,
			"sessions_held", (json_int_t)nodestore_count()));
	return response_redirect(&c->res, 303, SCALE_PATH);
}

/* POST /lab/scale/<n>/logout: forget this node's session (if it is here)
 * and expire both lab cookies. */
static enum err logout(struct ctx *c)
{
	struct cookie_spec cs;
	enum err e;

	if (!for_me(c))
		return ERR_NOTFOUND;
	if ((e = site_visitor_guard(c)))
		return e;
	nodestore_remove(cookie_get(&c->req.cookies, SCALE_SID_COOKIE));
	lab_cookie(&cs, c, SCALE_SID_COOKIE, "", 0);
	if ((e = response_cookie(&c->res, &cs, NULL)))
		return e;
	lab_cookie(&cs, c, SCALE_NODE_COOKIE, "", 0);
	if ((e = response_cookie(&c->res, &cs, NULL)))
		return e;
	return response_redirect(&c->res, 303, SCALE_PATH);
}

/* The JWT column: the bearer token checked with the key alone (signature
 * and claims; no lookup of any kind, so no blacklist either). */
static json_t *jwt_json(struct ctx *c)
{
	const char *tok = bearer_token(c);
	struct token_claims cl;
	enum token_reason r;
	json_t *o;

	if (!tok)
		return json_pack("{s:b, s:b, s:s, s:n}", "sent", 0, "valid", 0,
				 "reason", "no token", "user");
	r = token_verify(&keys, tok, c->now, 0, &cl);
	o = json_pack("{s:b, s:b, s:s, s:s?}", "sent", 1, "valid",
		      r == TOKEN_VALID, "reason", token_reason_text(r), "user",
		      r == TOKEN_VALID ? cl.name : NULL);
	if (r == TOKEN_VALID)
		token_claims_cleanup(&cl);
	return o;
}

/* GET /lab/scale/<n>/me: what this node knows of the visitor three ways,
 * with its name and pid; the session's CSRF token for the page's forms
 * (a shared-store login rotates it). */
static enum err me(struct ctx *c)
{
	struct node_session ns;
	char tok[CSRF_TOKEN_LEN + 1] = "";
	int found;

	if (!for_me(c))
		return ERR_NOTFOUND;
	found = nodestore_find(cookie_get(&c->req.cookies, SCALE_SID_COOKIE),
			       &ns);
	if (c->has_session)
		site_csrf_token(c, tok);
	return site_json(c, json_pack(
		"{s:s, s:i, s:{s:b, s:s?, s:I, s:s}, s:{s:b, s:s?, s:s},"
		" s:o, s:s}",
		"node", node, "pid", (int)getpid(),
		"node_local", "found", found, "user", found ? ns.user : NULL,
		"sessions_held", (json_int_t)nodestore_count(), "store",
		"this process's memory",
		"shared", "logged_in", c->logged_in, "user",
		c->logged_in ? c->user.username : NULL, "store",
		"SQLite (every process)",
		"jwt", jwt_json(c), "csrf", tok));
}

static const char *const login_fields[] = {
	"username", "password", "csrf", "reply", NULL
};
static const char *const csrf_only[] = { "csrf", NULL };

static const struct route routes[] = {
	{ HTTP_GET,  "/lab/scale",          page,   0,          NULL },
	{ HTTP_GET,  "/lab/scale/a/me",     me,     ROUTE_JSON, NULL },
	{ HTTP_GET,  "/lab/scale/b/me",     me,     ROUTE_JSON, NULL },
	{ HTTP_POST, "/lab/scale/a/login",  login,  0, login_fields },
	{ HTTP_POST, "/lab/scale/b/login",  login,  0, login_fields },
	{ HTTP_POST, "/lab/scale/a/logout", logout, 0, csrf_only },
	{ HTTP_POST, "/lab/scale/b/logout", logout, 0, csrf_only },
};

int main(void)
{
	const char *n = config_str("SCALE_NODE", "a");
	int rc;

	if (strcmp(n, "a") && strcmp(n, "b")) {
		fprintf(stderr, "scale: SCALE_NODE must be a or b\n");
		return 1;
	}
	node[0] = n[0];
	log_set_program(node[0] == 'a' ? "scale-a" : "scale-b");
	if (sodium_init() < 0 ||
	    token_keys_load(config_str("KEYS", "db/keys"), &keys)) {
		log_msg("error", "no JWT verify keys: run `make initdb` first");
		return 1;
	}
	rc = site_run(node[0] == 'a' ? "scale-a" : "scale-b", routes,
		      sizeof(routes) / sizeof(routes[0]));
	token_keys_cleanup(&keys);
	return rc;
}
