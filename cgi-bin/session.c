/*
 * session - logging in with a server-side session.
 *
 * Scenarios: S-S1 session login, S-S2 what the server keeps, S-S3 expiry
 * and logout, S-S4 browser closed but session remains, S-S8 fixation
 * (the ID changes at login) and theft (a stolen ID works until revoked),
 * S-S9 remember me.
 */
#include <stdio.h>
#include <string.h>

#include "site.h"
#include "wire.h"

/* GET /session/login: the form, with a CSRF token bound to a guest
 * session created here (its ID is replaced at login). */
static enum err login_form(struct ctx *c)
{
	const char *next = http_field(&c->req.query, "next");
	enum err e;

	if ((e = site_session_ensure(c)) ||
	    (e = tmpl_set(&c->vars, "next", site_safe_next(next) ? next : "")) ||
	    (e = tmpl_set(&c->vars, "message", "")) ||
	    (e = tmpl_set(&c->vars, "form_username", "")))
		return e;
	site_page(c, "session_login", "login.title");
	return ERR_OK;
}

/* Show the login form again with a status and a message. */
static enum err login_again(struct ctx *c, int status, const char *msg_key,
			    const char *username, const char *next)
{
	enum err e;

	c->res.status = status;
	if ((e = tmpl_set(&c->vars, "next", site_safe_next(next) ? next : "")) ||
	    (e = tmpl_set(&c->vars, "message", msg_key)) ||
	    (e = tmpl_set(&c->vars, "message_ko", i18n_get(msg_key, LANG_KO))) ||
	    (e = tmpl_set(&c->vars, "message_en", i18n_get(msg_key, LANG_EN))) ||
	    (e = tmpl_set(&c->vars, "form_username", username)))
		return e;
	site_page(c, "session_login", "login.title");
	return ERR_OK;
}

/* POST /session/login: throttle, verify, rotate the session ID, redirect. */
static enum err login_post(struct ctx *c)
{
	const char *username = http_field(&c->req.form, "username");
	const char *password = http_field(&c->req.form, "password");
	const char *remember = http_field(&c->req.form, "remember");
	const char *next = http_field(&c->req.form, "next");
	long long retry_after;
	char retry[24];
	struct user u;
	enum err e;

	if (!username || !password || !auth_username_valid(username) ||
	    strlen(password) > AUTH_PASSWORD_MAX) {
		c->error_key = "login.malformed";
		return ERR_INVAL;
	}
	if (remember && strcmp(remember, "1")) {
		c->error_key = "login.malformed";
		return ERR_INVAL;
	}
	e = auth_throttle_check(c->db, username, c->now, &retry_after);
	if (e == ERR_THROTTLED) {
		snprintf(retry, sizeof(retry), "%lld", retry_after);
		if ((e = response_header(&c->res, "Retry-After", retry)) ||
		    (e = tmpl_set(&c->vars, "retry_after", retry)))
			return e;
		return login_again(c, 429, "login.throttled", username, next);
	}
	if (e)
		return e;
	e = auth_verify(c->db, username, password, &u);
	if (e == ERR_AUTH) {
		if ((e = auth_throttle_fail(c->db, username, c->now)))
			return e;
		return login_again(c, 401, "login.failed", username, next);
	}
	if (e || (e = auth_throttle_clear(c->db, username)))
		return e;
	/* The visitor got a guest session with the form; CSRF passed, so it
	 * exists. Its ID is replaced now: S-S8 fixation defence. */
	if ((e = session_login(c->db, &c->sess, &c->cfg->session, c->now,
			       u.id, remember != NULL)) ||
	    (e = site_session_cookie(c)))
		return e;
	c->user = u;
	c->logged_in = 1;
	return response_redirect(&c->res, 303,
				 site_safe_next(next) ? next : "/session/me");
}

/* Fill the variables that describe the current session for the pages. */
static enum err describe_session(struct ctx *c)
{
	char when[48], delta[48], hex[9];
	json_t *login = json_object_get(c->sess.data, "login");
	const char *from = json_string_value(json_object_get(login,
							     "rotated_from"));
	const char *host = *c->req.host ? c->req.host : "127.0.0.1:8080";
	enum err e;

	json_int_t login_at = json_integer_value(json_object_get(login, "at"));
	struct buf line;

	buf_init(&line);
	e = site_session_cookie_line(c, login_at, &line);
	if (!e)
		e = tmpl_set(&c->vars, "login_set_cookie", line.data);
	buf_cleanup(&line);
	if (e)
		return e;
	session_hash_hex(c->sess.id_hash, hex);
	if ((e = tmpl_set(&c->vars, "display_name", c->user.display_name)) ||
	    (e = tmpl_set(&c->vars, "role", c->user.role)) ||
	    (e = tmpl_set(&c->vars, "hash_now", hex)) ||
	    (e = tmpl_set(&c->vars, "hash_before", from ? from : "")) ||
	    (e = tmpl_set(&c->vars, "persistent",
			  c->sess.persistent ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "cookie_name",
			  site_session_cookie_name(c))) ||
	    (e = tmpl_set(&c->vars, "sid",
			  cookie_get(&c->req.cookies,
				     site_session_cookie_name(c)))) ||
	    (e = tmpl_setf(&c->vars, "origin", "%s://%s",
			   c->req.https ? "https" : "http", host)) ||
	    (e = tmpl_set(&c->vars, "idle_expires",
			  wire_format_time(c->sess.idle_expires, when,
					   sizeof(when)))) ||
	    (e = tmpl_set(&c->vars, "idle_in",
			  wire_format_delta(c->sess.idle_expires, c->now,
					    c->lang, delta, sizeof(delta)))) ||
	    (e = tmpl_set(&c->vars, "absolute_expires",
			  wire_format_time(c->sess.absolute_expires, when,
					   sizeof(when)))) ||
	    (e = tmpl_set(&c->vars, "absolute_in",
			  wire_format_delta(c->sess.absolute_expires, c->now,
					    c->lang, delta, sizeof(delta)))) ||
	    (e = tmpl_setf(&c->vars, "idle_ttl", "%lld", c->sess.idle_ttl)))
		return e;
	return ERR_OK;
}

/* GET /session/me: who you are, or 401 without a logged-in session. */
static enum err me(struct ctx *c)
{
	enum err e;

	if (!c->logged_in) {
		c->res.status = 401;
		site_page(c, "session_required", "required.title");
		return ERR_OK;
	}
	if ((e = describe_session(c)))
		return e;
	site_page(c, "session_me", "me.title");
	return ERR_OK;
}

/* GET /session/state: the session as JSON (DESIGN.md). */
static enum err state(struct ctx *c)
{
	json_t *o, *user = json_null(), *sess = json_null();

	if (c->logged_in)
		user = json_pack("{s:I, s:s, s:s, s:s}", "id",
				 (json_int_t)c->user.id, "username",
				 c->user.username, "display_name",
				 c->user.display_name, "role", c->user.role);
	if (c->has_session)
		sess = json_pack("{s:I, s:I, s:I, s:I, s:b, s:O}",
				 "created", (json_int_t)c->sess.created,
				 "last_seen", (json_int_t)c->sess.last_seen,
				 "idle_expires",
				 (json_int_t)c->sess.idle_expires,
				 "absolute_expires",
				 (json_int_t)c->sess.absolute_expires,
				 "persistent", c->sess.persistent,
				 "data", c->sess.data);
	o = json_pack("{s:b, s:o, s:o}", "authenticated", c->logged_in,
		      "user", user, "session", sess);
	return site_json(c, o);
}

/* POST /session/logout: delete the record, expire the cookie. */
static enum err logout(struct ctx *c)
{
	enum err e;

	if ((e = tmpl_set(&c->vars, "was", c->logged_in ?
			  c->user.username : "")) ||
	    (e = site_session_end(c)))
		return e;
	site_page(c, "session_logout", "logout.title");
	return ERR_OK;
}

static const char *const next_field[] = { "next", NULL };
static const char *const login_fields[] = {
	"username", "password", "remember", "next", NULL
};

static const struct route routes[] = {
	{ HTTP_GET,  "/session/login",  login_form, 0,          next_field },
	{ HTTP_POST, "/session/login",  login_post, ROUTE_CSRF, login_fields },
	{ HTTP_GET,  "/session/me",     me,         0,          NULL },
	{ HTTP_GET,  "/session/state",  state,      ROUTE_JSON, NULL },
	{ HTTP_POST, "/session/logout", logout,     ROUTE_CSRF, NULL },
};

int main(void)
{
	return site_run("session", routes, sizeof(routes) / sizeof(routes[0]));
}
