/*
 * session - logging in with a server-side session.
 *
 * Scenarios: S-S1 session login, S-S2 what the server keeps, S-S3 expiry
 * and logout, S-S4 browser closed but session remains, S-S8 fixation
 * (the ID changes at login) and theft (a stolen ID works until revoked),
 * S-S9 remember me; S-S5 the guest cart merges into the user's at login;
 * S-S7 active sessions (devices), revoking one or all others, password
 * change, and the admin's revoke-all; classroom controls for the admin
 * (issue 6): the demo clock and "reset demo data"; S-S10 where sessions
 * live: node memory, the SQLite file and Redis compared, with the
 * visitor's own record as the store holds it.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/origin.h"
#include "state/account.h"
#include "lessons/cart.h"
#include "base/clock.h"
#include "state/store.h"
#include "lessons/costs.h"
#include "lessons/course.h"
#include "site/csrf.h"
#include "lessons/demo.h"
#include "state/refresh.h"
#include "state/revoke.h"
#include "site/site.h"
#include "site/wire.h"

/* GET /session/login: the form, with a CSRF token bound to a guest
 * session created here (its ID is replaced at login). */
static enum err login_form(struct ctx *c)
{
	const char *next = http_field(&c->req.query, "next");
	enum err e;

	if ((e = site_session_ensure(c)) ||
	    (e = tmpl_set(&c->vars, "next", origin_safe_next(next) ? next : "")) ||
	    (e = tmpl_set(&c->vars, "message", "")) ||
	    (e = tmpl_set(&c->vars, "form_username", "")))
		return e;
	site_page(c, "session_login", "login.title");
	return ERR_OK;
}

/* Show the login form again with a status and a message. */
static enum err login_again(struct ctx *c, enum err why, const char *msg_key,
			    const char *username, const char *next)
{
	enum err e;

	if ((e = tmpl_set(&c->vars, "next", origin_safe_next(next) ? next : "")) ||
	    (e = site_message(c, msg_key)) ||
	    (e = tmpl_set(&c->vars, "form_username", username)))
		return e;
	site_page(c, "session_login", "login.title");
	return site_keep_answer(c, why);
}

/* POST /session/login: throttle, verify, rotate the session ID, redirect
 * to next (or /session/me). With reply=json (the /lab/scale script under
 * `make cluster`, which must read the answer's X-Node: a fetch cannot
 * read the headers of a redirect it does not follow) the answer is 200
 * with the user and where the redirect would have gone. */
static enum err login_post(struct ctx *c)
{
	const char *remember = http_field(&c->req.form, "remember");
	const char *next = http_field(&c->req.form, "next");
	const char *reply = http_field(&c->req.form, "reply");
	const char *username, *password, *to;
	long long retry_after;
	struct user u;
	enum err e;

	if ((e = site_login_fields(c, &username, &password)))
		return e;
	if ((remember && strcmp(remember, "1")) ||
	    (reply && strcmp(reply, "json"))) {
		c->error_key = "login.malformed";
		return ERR_INVAL;
	}
	e = auth_login(c->db, username, password, c->now, &u, &retry_after);
	if (e == ERR_THROTTLED)
		return (e = site_retry_after(c, retry_after)) ? e :
			login_again(c, ERR_THROTTLED, "login.throttled",
				    username, next);
	if (e == ERR_AUTH)
		return login_again(c, ERR_AUTH, "login.failed", username, next);
	if (e)
		return e;
	/* The visitor got a guest session with the form; CSRF passed, so it
	 * exists. Its ID is replaced now: S-S8 fixation defence. */
	if ((e = session_login(c->db, &c->sess, &c->cfg->session, c->now,
			       u.id, remember != NULL)) ||
	    (e = site_session_cookie(c)))
		return e;
	c->user = u;
	c->logged_in = 1;
	/* S-S5: the guest cart joins the user's stored cart; cart_merge in
	 * the session data says what happened, for /cart and /session/me. */
	if ((e = cart_merge_at_login(c->db, &c->sess, u.id, c->now, NULL)))
		return e;
	to = origin_safe_next(next) ? next : "/session/me";
	if (reply)
		return site_json(c, json_pack("{s:b, s:s, s:s}",
					      "logged_in", 1,
					      "user", u.username, "next", to));
	return response_redirect(&c->res, 303, to);
}

/* The session cookie's name and value as the browser sent it, and the
 * site's origin: what the pages' cookie panels show. */
static enum err set_cookie_vars(struct ctx *c)
{
	enum err e;

	if ((e = tmpl_set(&c->vars, "cookie_name",
			  site_session_cookie_name(c))) ||
	    (e = tmpl_set(&c->vars, "sid",
			  cookie_get(&c->req.cookies,
				     site_session_cookie_name(c)))))
		return e;
	return tmpl_setf(&c->vars, "origin", "%s%s", origin_scheme(&c->req),
			 origin_host(&c->req));
}

/* Fill the variables that describe the current session for the pages. */
static enum err describe_session(struct ctx *c)
{
	char hex[9];
	json_t *login = json_object_get(c->sess.data, "login");
	const char *from = json_string_value(json_object_get(login,
							     "rotated_from"));
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
	    (e = tmpl_set(&c->vars, "is_admin",
			  strcmp(c->user.role, "admin") ? "" : "1")) ||
	    (e = tmpl_set(&c->vars, "hash_now", hex)) ||
	    (e = tmpl_set(&c->vars, "hash_before", from ? from : "")) ||
	    (e = tmpl_set(&c->vars, "persistent",
			  c->sess.persistent ? "1" : "")) ||
	    (e = set_cookie_vars(c)) ||
	    (e = wire_set_time(&c->vars, "idle_expires", "idle_in",
			       c->sess.idle_expires, c->now, c->lang)) ||
	    (e = wire_set_time(&c->vars, "absolute_expires", "absolute_in",
			       c->sess.absolute_expires, c->now, c->lang)) ||
	    (e = tmpl_setf(&c->vars, "idle_ttl", "%lld", c->sess.idle_ttl)) ||
	    (e = tmpl_setf(&c->vars, "idle_at", "%lld", c->sess.idle_expires)) ||
	    (e = tmpl_setf(&c->vars, "absolute_at", "%lld",
			   c->sess.absolute_expires)) ||
	    (e = tmpl_setf(&c->vars, "now", "%lld", c->now)))
		return e;
	return ERR_OK;
}

/* The "what merged into your cart at login" list, as variable merged. */
static enum err set_merged(struct ctx *c)
{
	return cart_merge_set(c->db, c->sess.data, c->lang, &c->vars,
			      "merged");
}

/* GET pages that need a login answer 401 with the login link. */
static enum err login_required(struct ctx *c)
{
	site_page(c, "session_required", "required.title");
	return site_keep_answer(c, ERR_AUTH);
}

/* GET /session/me: who you are, or 401 without a logged-in session. */
static enum err me(struct ctx *c)
{
	enum err e;

	if (!c->logged_in)
		return login_required(c);
	course_tick(c, "login");   /* this request carried the new sid */
	if (c->sess.persistent)
		course_tick(c, "remember");
	if ((e = describe_session(c)) || (e = set_merged(c)))
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

/* ---- S-S7 active sessions and revocation -------------------------------- */


/* POST routes that need a login: a 401 error page. */
static enum err need_user(struct ctx *c)
{
	if (c->logged_in)
		return ERR_OK;
	c->error_key = "devices.login";
	return ERR_AUTH;
}

/* The list devices: one row (session_device_row.html) per live session
 * of the user. */
static enum err set_devices(struct ctx *c, const char *csrf, size_t *count)
{
	struct session_info *list = calloc(SESSION_LIST_MAX, sizeof(*list));
	char hex[2 * SESSION_HASH_BYTES + 1], shorthex[9];
	char ua[SESSION_UA_SUMMARY_MAX];
	struct tmpl_vars *v;
	size_t n = 0, i;
	enum err e;

	*count = 0;
	if (!list)
		return ERR_NOMEM;
	if ((e = session_list_user(c->db, c->user.id, c->now, list, &n)) ||
	    (e = tmpl_list(&c->vars, "devices")))
		goto out;
	for (i = 0; i < n && !e; i++) {
		const struct session_info *si = &list[i];

		session_hash_hex_full(si->id_hash, hex);
		session_hash_hex(si->id_hash, shorthex);
		if ((e = tmpl_row_add(&c->vars, "devices", &v)) ||
		    (e = tmpl_set(v, "hash", hex)) ||
		    (e = tmpl_set(v, "short", shorthex)) ||
		    (e = wire_set_time(v, "created", "created_ago",
				       si->created, c->now, c->lang)) ||
		    (e = wire_set_time(v, "last_seen", "last_seen_ago",
				       si->last_seen, c->now, c->lang)) ||
		    (e = tmpl_set(v, "browser",
				  session_ua_summary(si->user_agent, ua,
						     sizeof(ua)))) ||
		    (e = tmpl_set(v, "user_agent", si->user_agent)) ||
		    (e = tmpl_set(v, "addr", si->client_addr)) ||
		    (e = tmpl_set(v, "persistent", si->persistent ? "1" : "")) ||
		    (e = tmpl_set(v, "current",
				  memcmp(si->id_hash, c->sess.id_hash,
					 SESSION_HASH_BYTES) ? "" : "1")) ||
		    (e = tmpl_set(v, "csrf", csrf)))
			break;
	}
	*count = n;
out:
	free(list);
	return e;
}

/* The counts of a revocation, for the page that made it. */
static enum err revoke_vars(struct ctx *c, const struct revoke_report *r)
{
	enum err e;

	if ((e = tmpl_setf(&c->vars, "revoked", "%d", r->sessions)) ||
	    (e = tmpl_setf(&c->vars, "families_revoked", "%d", r->families)))
		return e;
	return tmpl_setf(&c->vars, "accounts_cut", "%d", r->accounts);
}

/* The name of a revocation's reason in the page's language. */
static const char *reason_label(const struct ctx *c, const char *reason)
{
	char key[64];

	snprintf(key, sizeof(key), "revoke.reason.%s", reason);
	return i18n_has(key) ? i18n_get(key, c->shown) : reason;
}

/* The JWT side of the account: live families and the token version. */
static enum err jwt_vars(struct ctx *c)
{
	struct revoke_state st;
	long long live;
	char when[48];
	enum err e;

	if ((e = refresh_live_count(c->db, c->user.id, &live)) ||
	    (e = revoke_state(c->db, c->user.id, &st)) ||
	    (e = tmpl_setf(&c->vars, "live_families", "%lld", live)) ||
	    (e = tmpl_setf(&c->vars, "token_version", "%lld",
			   st.token_version)) ||
	    (e = tmpl_set(&c->vars, "cut_at", st.cut_at ?
			  wire_format_time(st.cut_at, when, sizeof(when)) :
			  "")))
		return e;
	return tmpl_set(&c->vars, "cut_reason",
			reason_label(c, st.cut_reason));
}

/* The devices page, with an optional message about what just happened. */
static enum err devices_render(struct ctx *c, const char *msg_key, int n)
{
	char tok[CSRF_TOKEN_LEN + 1];
	size_t count;
	enum err e;

	site_csrf_token(c, tok);
	if ((e = set_devices(c, tok, &count)) || (e = jwt_vars(c)) ||
	    (e = tmpl_setf(&c->vars, "count", "%zu", count)) ||
	    (e = tmpl_set(&c->vars, "others", count > 1 ? "1" : "")) ||
	    (e = tmpl_setf(&c->vars, "revoked", "%d", n)) ||
	    (e = site_message(c, msg_key)) ||
	    (e = set_cookie_vars(c)))
		goto out;
	site_page(c, "session_devices", "devices.title");
out:
	return e;
}

/* GET /session/devices: your live sessions. */
static enum err devices(struct ctx *c)
{
	if (!c->logged_in)
		return login_required(c);
	return devices_render(c, NULL, 0);
}

/* POST /session/devices/revoke: end one other session of yours. */
static enum err devices_revoke(struct ctx *c)
{
	unsigned char h[SESSION_HASH_BYTES];
	enum err e;

	if ((e = need_user(c)))
		return e;
	if (session_hash_from_hex(http_field(&c->req.form, "session"), h)) {
		c->error_key = "devices.bad_session";
		return ERR_INVAL;
	}
	if (!memcmp(h, c->sess.id_hash, SESSION_HASH_BYTES)) {
		c->error_key = "devices.self";
		return ERR_INVAL;
	}
	e = session_revoke(c->db, c->user.id, h);
	if (e == ERR_NOTFOUND)
		c->error_key = "devices.unknown";
	if (e)
		return e;
	course_tick(c, "revoke");
	return devices_render(c, "devices.revoked_one", 1);
}

/* POST /session/devices/revoke-others: log out every other device. */
static enum err devices_revoke_others(struct ctx *c)
{
	enum err e;
	int n;

	if ((e = need_user(c)) ||
	    (e = session_revoke_others(c->db, c->user.id, c->sess.id_hash,
				       &n)))
		return e;
	return devices_render(c, "devices.revoked_others", n);
}

/*
 * POST /session/devices/revoke-everywhere: "log out everywhere": every
 * credential of the account (revoke.h), this browser's session too.
 */
static enum err devices_revoke_everywhere(struct ctx *c)
{
	struct revoke_report rep;
	enum err e;

	if ((e = need_user(c)) || (e = db_begin(c->db)) ||
	    (e = db_finish(c->db, revoke_user_locked(c->db, c->user.id, NULL,
						     "logout_all", c->now,
						     &rep))) ||
	    (e = site_session_end(c)) || (e = revoke_vars(c, &rep)))
		return e;
	site_page(c, "session_revoked", "devices.everywhere.done");
	return ERR_OK;
}

/* The password form with a status and a message. */
static enum err password_form_page(struct ctx *c, enum err why,
				   const char *msg_key)
{
	enum err e;

	if ((e = site_message(c, msg_key)) ||
	    (e = tmpl_set(&c->vars, "done", "")) ||
	    (e = tmpl_setf(&c->vars, "min", "%d", ACCOUNT_PASSWORD_MIN)) ||
	    (e = tmpl_setf(&c->vars, "max", "%d", ACCOUNT_PASSWORD_MAX)))
		return e;
	site_page(c, "session_password", "password.title");
	return site_keep_answer(c, why);
}

/* GET /session/password: the change form. */
static enum err password_form(struct ctx *c)
{
	if (!c->logged_in)
		return login_required(c);
	return password_form_page(c, ERR_OK, NULL);
}

/*
 * Store the new hash and end every other credential of the user, in one
 * transaction: the other sessions, every refresh family and every access
 * token issued before now (revoke.h). This session stays (it gets a new
 * ID next).
 */
static enum err password_store(struct ctx *c, const char *hash,
			       struct revoke_report *r)
{
	enum err e;

	if ((e = db_begin(c->db)))
		return e;
	if (!(e = account_set_password(c->db, c->user.id, hash)))
		e = revoke_user_locked(c->db, c->user.id, c->sess.id_hash,
				       "password_change", c->now, r);
	return db_finish(c->db, e);
}

/* POST /session/password: current password, new one twice; every other
 * session ends and this one gets a new ID. */
static enum err password_post(struct ctx *c)
{
	const char *cur = http_field(&c->req.form, "current");
	const char *pw = http_field(&c->req.form, "password");
	const char *pw2 = http_field(&c->req.form, "password2");
	char hash[AUTH_HASH_MAX];
	long long retry_after;
	struct revoke_report rep;
	struct user u;
	enum err e;

	if ((e = need_user(c)))
		return e;
	if (!cur || !pw || !pw2 || strlen(cur) > AUTH_PASSWORD_MAX) {
		c->error_key = "password.malformed";
		return ERR_INVAL;
	}
	if (!account_password_valid(pw))
		return password_form_page(c, ERR_INVAL, "password.rules");
	if (strlen(pw) != strlen(pw2) ||
	    sodium_memcmp(pw, pw2, strlen(pw)))
		return password_form_page(c, ERR_INVAL, "password.mismatch");
	e = auth_login(c->db, c->user.username, cur, c->now, &u, &retry_after);
	if (e == ERR_THROTTLED)
		return (e = site_retry_after(c, retry_after)) ? e :
			password_form_page(c, ERR_THROTTLED,
					   "password.throttled");
	if (e == ERR_AUTH)
		return password_form_page(c, ERR_AUTH, "password.wrong");
	if (e || (e = auth_hash_password(pw, hash)))
		return e;
	e = password_store(c, hash, &rep);
	sodium_memzero(hash, sizeof(hash));
	if (e || (e = session_rotate(c->db, &c->sess)) ||
	    (e = site_session_cookie(c)) || (e = revoke_vars(c, &rep)) ||
	    (e = tmpl_set(&c->vars, "done", "1")))
		return e;
	site_page(c, "session_password", "password.done.title");
	return ERR_OK;
}

#define ADMIN_CLOCK_STEP_MAX 1440   /* minutes the clock moves at once */

/* Admin pages: the admin role only, 403 for everyone else. */
static enum err need_admin(struct ctx *c)
{
	if (c->logged_in && !strcmp(c->user.role, "admin"))
		return ERR_OK;
	c->error_key = "admin.forbidden";
	return ERR_FORBIDDEN;
}

/* need_admin, and the form's confirm=1 (error key admin.confirm, 400):
 * the admin's destructive actions. */
static enum err need_admin_confirm(struct ctx *c)
{
	const char *confirm = http_field(&c->req.form, "confirm");
	enum err e;

	if ((e = need_admin(c)))
		return e;
	if (!confirm || strcmp(confirm, "1")) {
		c->error_key = "admin.confirm";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* The admin page: live sessions, the revoke-all remedy and the classroom
 * controls (demo clock, reset). */
static enum err admin_page(struct ctx *c)
{
	long long total, users;
	enum err e;

	if ((e = session_count_live(c->db, c->now, &total, &users)) ||
	    (e = tmpl_setf(&c->vars, "total", "%lld", total)) ||
	    (e = tmpl_setf(&c->vars, "users", "%lld", users)) ||
	    (e = tmpl_setf(&c->vars, "guests", "%lld", total - users)) ||
	    (e = course_clock_vars(c)) ||
	    (e = tmpl_set(&c->vars, "done", "")))
		return e;
	site_page(c, "session_admin", "admin.title");
	return ERR_OK;
}

/* GET /session/admin */
static enum err admin(struct ctx *c)
{
	enum err e = need_admin(c);

	return e ? e : admin_page(c);
}

/* The answer to a classroom control: the admin page, or, with the form's
 * back=teach (the same controls on /teach), a 303 back there. Any other
 * back is a 400 (teach.back_bad), checked before anything changes. */
static enum err admin_back(struct ctx *c, int *to_teach)
{
	const char *back = http_field(&c->req.form, "back");

	*to_teach = back && !strcmp(back, "teach");
	if (back && !*to_teach) {
		c->error_key = "teach.back_bad";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/*
 * POST /session/admin/clock: move the demo clock forward by `minutes`
 * (1 to 1440 at a time). Deadlines that pass end their sessions and tokens
 * at their next request. This request counts as activity at the new time,
 * so the admin's own session stays.
 */
static enum err admin_clock(struct ctx *c)
{
	long long minutes;
	int to_teach;
	enum err e;

	if ((e = need_admin(c)) || (e = admin_back(c, &to_teach)))
		return e;
	if (http_parse_num(http_field(&c->req.form, "minutes"), 1,
			   ADMIN_CLOCK_STEP_MAX, 0, &minutes)) {
		c->error_key = "admin.clock.bad";
		return ERR_INVAL;
	}
	if ((e = clock_advance(c->db, minutes * 60))) {
		if (e == ERR_INVAL)
			c->error_key = "admin.clock.too_far";
		return e;
	}
	c->now = clock_now(c->db);
	if (to_teach)
		return response_redirect(&c->res, 303, "/teach");
	if ((e = tmpl_setf(&c->vars, "clock_moved", "%lld", minutes)))
		return e;
	return admin_page(c);
}

/* POST /session/admin/clock/reset: the demo clock back to wall time. */
static enum err admin_clock_reset(struct ctx *c)
{
	int to_teach;
	enum err e;

	if ((e = need_admin(c)) || (e = admin_back(c, &to_teach)) ||
	    (e = clock_reset(c->db)))
		return e;
	c->now = clock_now(c->db);
	if (to_teach)
		return response_redirect(&c->res, 303, "/teach");
	if ((e = tmpl_set(&c->vars, "clock_was_reset", "1")))
		return e;
	return admin_page(c);
}

/* POST /session/admin/reset: every table back to the seeded state; the
 * admin is logged out with everyone else. */
static enum err admin_reset(struct ctx *c)
{
	enum err e;

	if ((e = need_admin_confirm(c)))
		return e;
	if ((e = demo_reset(c->db, c->now)))
		return e;
	c->now = clock_now(c->db);
	if ((e = site_session_end(c)) ||
	    (e = tmpl_set(&c->vars, "reset_done", "1")) ||
	    (e = tmpl_set(&c->vars, "done", "1")))
		return e;
	site_page(c, "session_admin", "admin.reset.title");
	return ERR_OK;
}

/* POST /session/admin/revoke-all: every credential of every account
 * ends (sessions, refresh families, access tokens), this session too. */
static enum err admin_revoke_all(struct ctx *c)
{
	struct revoke_report rep;
	enum err e;

	if ((e = need_admin_confirm(c)))
		return e;
	if ((e = db_begin(c->db)) ||
	    (e = db_finish(c->db, revoke_everyone_locked(c->db, "revoke_all",
							 c->now, &rep))))
		return e;
	if ((e = site_session_end(c)) || (e = revoke_vars(c, &rep)) ||
	    (e = tmpl_set(&c->vars, "done", "1")))
		return e;
	site_page(c, "session_admin", "admin.done.title");
	return ERR_OK;
}

static const char *const next_field[] = { "next", NULL };
static const char *const login_fields[] = {
	"username", "password", "remember", "next", "reply", NULL
};

static const char *const session_field[] = { "session", NULL };
static const char *const password_fields[] = {
	"current", "password", "password2", NULL
};
static const char *const confirm_field[] = { "confirm", NULL };
static const char *const minutes_field[] = { "minutes", "back", NULL };
static const char *const back_field[] = { "back", NULL };

/* The command that shows the record of rec (session_stored_json) in
 * its store, from a shell on this server, as variable command in row. */
static enum err set_store_command(struct ctx *c, struct tmpl_vars *row,
				  const json_t *rec)
{
	const char *key = json_string_value(json_object_get(rec, "key"));
	char cli[STORE_CLI_MAX];

	store_cli(c->db, c->cfg->db_path, cli, sizeof(cli));
	if (!c->db->kv)
		return tmpl_setf(row, "command", "%s \\\n  \"SELECT "
				 "hex(id_hash), user_id, idle_expires, data "
				 "FROM sessions WHERE id_hash = X'%s'\"",
				 cli, key);
	return tmpl_setf(row, "command", "%s HGETALL %s\n%s TTL %s", cli,
			 key, cli, key);
}

/* One box of "your session": rec, the current store's or the other's. */
static enum err add_record(struct ctx *c, const json_t *rec, int current)
{
	struct tmpl_vars *row;
	enum err e;

	if ((e = tmpl_row_add(&c->vars, "records", &row)) ||
	    (e = tmpl_set(row, "which", current ? "current" : "other")) ||
	    (e = tmpl_set(row, "current", current ? "1" : "")) ||
	    (e = wire_set_record(row, rec)))
		return e;
	return current ? set_store_command(c, row, rec) : ERR_OK;
}

/* Set us_<name> and ops_<name> to the figure of op in r. */
static enum err set_cost(struct ctx *c, const char *name,
			 const struct cost_report *r, enum cost_op op)
{
	char var[32];
	enum err e;

	snprintf(var, sizeof(var), "us_%s", name);
	if ((e = tmpl_setf(&c->vars, var, "%.2f", r->op[op].us_per_op)))
		return e;
	snprintf(var, sizeof(var), "ops_%s", name);
	return tmpl_setf(&c->vars, var, "%ld", r->op[op].ops);
}

/*
 * The S-S10 page: the three stores compared, the figures of r (NULL: not
 * measured), and the visitor's session as the store holds it beside what
 * the other store would hold. The raw ID is not shown here: only the
 * wire view shows the visitor's own cookie.
 */
static enum err stores_page(struct ctx *c, const struct cost_report *r)
{
	json_t *rec = NULL;
	enum err e;

	/* The touch site.c makes after the handler is made here first, so
	 * the record shown is the one this request leaves (as in the wire
	 * view); the later one is then a no-op. A touch the store cannot
	 * take is reported in the wire view, as site.c does. */
	if ((e = site_session_ensure(c)))
		return e;
	if (session_touch(c->db, &c->sess, c->now))
		site_store_failed(c, "wire.store.touch_failed");
	if ((e = session_stored_json(c->db, &c->sess, c->now, &rec)))
		return e;
	if (!(e = tmpl_set(&c->vars, "redis", c->db->kv ? "1" : "")) &&
	    !(e = tmpl_set(&c->vars, "measured", r ? "1" : "")) &&
	    !(e = tmpl_list(&c->vars, "records")) &&
	    !(e = add_record(c, rec, 1)))
		e = add_record(c, json_object_get(rec, "other"), 0);
	json_decref(rec);
	if (!e && r &&
	    ((e = set_cost(c, "node", r, COST_NODE_LOOKUP)) ||
	     (e = set_cost(c, "sqlite", r, COST_SESSION_LOOKUP)) ||
	     (e = set_cost(c, "redis", r, COST_REDIS_LOOKUP))))
		return e;
	if (e)
		return e;
	site_page(c, "session_stores", "stores.title");
	return ERR_OK;
}

/* GET /session/stores (S-S10). */
static enum err stores(struct ctx *c)
{
	return stores_page(c, NULL);
}

/* POST /session/stores: measure the three lookups, then the page. */
static enum err stores_measure(struct ctx *c)
{
	struct cost_report r;
	enum err e;

	if ((e = costs_measure_lookups(c->db, &c->cfg->session, c->now, &r)))
		return e;
	return stores_page(c, &r);
}

static const struct route routes[] = {
	{ HTTP_GET,  "/session/login",  login_form, 0,          next_field },
	{ HTTP_POST, "/session/login",  login_post, ROUTE_CSRF, login_fields },
	{ HTTP_GET,  "/session/me",     me,         0,          NULL },
	{ HTTP_GET,  "/session/state",  state,      ROUTE_JSON, NULL },
	{ HTTP_POST, "/session/logout", logout,     ROUTE_CSRF, NULL },
	{ HTTP_GET,  "/session/devices", devices,   0,          NULL },
	{ HTTP_GET,  "/session/stores", stores,     0,          NULL },
	{ HTTP_POST, "/session/stores", stores_measure, ROUTE_CSRF, NULL },
	{ HTTP_POST, "/session/devices/revoke", devices_revoke, ROUTE_CSRF,
	  session_field },
	{ HTTP_POST, "/session/devices/revoke-others", devices_revoke_others,
	  ROUTE_CSRF, NULL },
	{ HTTP_POST, "/session/devices/revoke-everywhere",
	  devices_revoke_everywhere, ROUTE_CSRF, NULL },
	{ HTTP_GET,  "/session/password", password_form, 0,      NULL },
	{ HTTP_POST, "/session/password", password_post, ROUTE_CSRF,
	  password_fields },
	{ HTTP_GET,  "/session/admin",  admin,      0,          NULL },
	{ HTTP_POST, "/session/admin/revoke-all", admin_revoke_all, ROUTE_CSRF,
	  confirm_field },
	{ HTTP_POST, "/session/admin/clock", admin_clock, ROUTE_CSRF,
	  minutes_field },
	{ HTTP_POST, "/session/admin/clock/reset", admin_clock_reset,
	  ROUTE_CSRF, back_field },
	{ HTTP_POST, "/session/admin/reset", admin_reset, ROUTE_CSRF,
	  confirm_field },
};

int main(void)
{
	return site_run("session", routes, sizeof(routes) / sizeof(routes[0]));
}
