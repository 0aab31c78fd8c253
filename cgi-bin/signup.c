/*
 * signup - a three-step signup wizard whose state builds up in the server
 * session (S-S6): details, an emailed code (the demo inbox), agreement,
 * then one transaction creates the user and the session ID is rotated.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "state/account.h"
#include "lessons/cart.h"
#include "lessons/course.h"
#include "lessons/signup.h"
#include "site/site.h"
#include "site/wire.h"

/* The progress bar: which steps are done, which one is shown. */
static enum err set_steps(struct ctx *c, enum signup_step shown)
{
	enum signup_step next = signup_first_incomplete(c->sess.data);
	enum err e;

	if ((e = tmpl_set(&c->vars, "step1_done",
			  next > SIGNUP_DETAILS ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "step2_done",
			  next > SIGNUP_VERIFY ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "at1", shown == SIGNUP_DETAILS ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "at2", shown == SIGNUP_VERIFY ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "at3", shown == SIGNUP_AGREE ? "1" : "")))
		return e;
	return ERR_OK;
}

/* Skipping ahead: 303 to the first step not yet done. */
static enum err back_to(struct ctx *c, enum signup_step step)
{
	return response_redirect(&c->res, 303, signup_step_path(step));
}

/* Every wizard page needs a session: its state and CSRF token live there. */
static enum err need_session(struct ctx *c)
{
	return site_session_ensure(c);
}

/* GET /signup: the wizard lives under /signup/. */
static enum err slash(struct ctx *c)
{
	return response_redirect(&c->res, 301, "/signup/");
}

/* GET /signup/: what the wizard is, and where you are in it. */
static enum err start_page(struct ctx *c)
{
	enum signup_step next;
	enum err e;

	if ((e = need_session(c)))
		return e;
	next = signup_first_incomplete(c->sess.data);
	if ((e = set_steps(c, 0)) ||
	    (e = tmpl_set(&c->vars, "next_path", signup_step_path(next))) ||
	    (e = tmpl_set(&c->vars, "started",
			  signup_get(c->sess.data, "username") ? "1" : "")))
		return e;
	site_page(c, "signup_start", "signup.title");
	return ERR_OK;
}

/* Step 1 form, with what was entered (never the password). */
static enum err details_page(struct ctx *c, enum err why, const char *msg_key,
			     const char *username, const char *email)
{
	enum err e;

	if ((e = set_steps(c, SIGNUP_DETAILS)) ||
	    (e = site_message(c, msg_key)) ||
	    (e = tmpl_set(&c->vars, "form_username", username ? username : "")) ||
	    (e = tmpl_set(&c->vars, "form_email", email ? email : "")) ||
	    (e = tmpl_set(&c->vars, "has_password",
			  signup_get(c->sess.data, "password_hash") ?
			  "1" : "")) ||
	    (e = tmpl_setf(&c->vars, "pw_min", "%d", ACCOUNT_PASSWORD_MIN)) ||
	    (e = tmpl_setf(&c->vars, "pw_max", "%d", ACCOUNT_PASSWORD_MAX)))
		return e;
	site_page(c, "signup_details", "signup.details.title");
	return site_keep_answer(c, why);
}

/* GET /signup/details */
static enum err details_form(struct ctx *c)
{
	enum err e;

	if ((e = need_session(c)))
		return e;
	return details_page(c, ERR_OK, NULL,
			    signup_get(c->sess.data, "username"),
			    signup_get(c->sess.data, "email"));
}

/* POST /signup/details: check every rule, hash the password at once. */
static enum err details_post(struct ctx *c)
{
	const char *username = http_field(&c->req.form, "username");
	const char *email = http_field(&c->req.form, "email");
	const char *pw = http_field(&c->req.form, "password");
	const char *pw2 = http_field(&c->req.form, "password2");
	int keep = signup_get(c->sess.data, "password_hash") != NULL;
	char hash[AUTH_HASH_MAX];
	int taken;
	enum err e;

	if (!username || !email || !pw || !pw2 ||
	    strlen(username) > AUTH_USERNAME_MAX * 4 ||
	    strlen(email) > ACCOUNT_EMAIL_MAX * 4) {
		c->error_key = "signup.malformed";
		return ERR_INVAL;
	}
	if (!auth_username_valid(username))
		return details_page(c, ERR_INVAL, "signup.username.rules",
				    username, email);
	if (!account_email_valid(email))
		return details_page(c, ERR_INVAL, "signup.email.rules",
				    username, email);
	/* Going back: both password fields empty keep the stored hash. */
	if (!(keep && !*pw && !*pw2)) {
		if (!account_password_valid(pw))
			return details_page(c, ERR_INVAL,
					    "signup.password.rules",
					    username, email);
		if (strlen(pw) != strlen(pw2) ||
		    sodium_memcmp(pw, pw2, strlen(pw)))
			return details_page(c, ERR_INVAL,
					    "signup.password.mismatch",
					    username, email);
	}
	if ((e = account_username_taken(c->db, username, &taken)))
		return e;
	if (taken)
		return details_page(c, ERR_CONFLICT, "signup.username.taken",
				    username, email);
	if (*pw && (e = auth_hash_password(pw, hash)))
		return e;
	e = signup_save_details(c->db, &c->sess, username, email,
				*pw ? hash : NULL, c->now);
	sodium_memzero(hash, sizeof(hash));
	if (e == ERR_THROTTLED)
		return details_page(c, ERR_THROTTLED, "signup.code.too_many",
				    username, email);
	if (e)
		return e;
	return back_to(c, SIGNUP_VERIFY);
}

/* Step 2 page: the code form, attempts left, deadline. */
static enum err verify_page(struct ctx *c, enum err why, const char *msg_key)
{
	char when[48], delta[48];
	long long expires;
	int left;
	enum err e;

	signup_code_state(c->sess.data, &left, &expires);
	if ((e = set_steps(c, SIGNUP_VERIFY)) ||
	    (e = site_message(c, msg_key)) ||
	    (e = tmpl_set(&c->vars, "email",
			  signup_get(c->sess.data, "email"))) ||
	    (e = tmpl_setf(&c->vars, "attempts_left", "%d", left)) ||
	    (e = tmpl_set(&c->vars, "has_code", expires ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "expires",
			  expires ? wire_format_time(expires, when,
						     sizeof(when)) : "")) ||
	    (e = tmpl_set(&c->vars, "expires_in",
			  expires ? wire_format_delta(expires, c->now, c->lang,
						      delta, sizeof(delta)) :
			  "")) ||
	    (e = tmpl_set(&c->vars, "verified",
			  signup_first_incomplete(c->sess.data) >
			  SIGNUP_VERIFY ? "1" : "")) ||
	    (e = tmpl_setf(&c->vars, "max_attempts", "%d",
			   SIGNUP_CODE_ATTEMPTS)) ||
	    (e = tmpl_setf(&c->vars, "ttl_min", "%lld",
			   (signup_code_ttl() + 59) / 60)))
		return e;
	site_page(c, "signup_verify", "signup.verify.title");
	return site_keep_answer(c, why);
}

/* GET /signup/verify */
static enum err verify_form(struct ctx *c)
{
	enum err e;

	if ((e = need_session(c)))
		return e;
	if (signup_first_incomplete(c->sess.data) < SIGNUP_VERIFY)
		return back_to(c, SIGNUP_DETAILS);
	return verify_page(c, ERR_OK, NULL);
}

/* POST /signup/verify: the code from the inbox. */
static enum err verify_post(struct ctx *c)
{
	const char *code = http_field(&c->req.form, "code");
	enum signup_code_result r;
	enum err e;
	enum signup_step next = signup_first_incomplete(c->sess.data);

	if (next != SIGNUP_VERIFY)
		return back_to(c, next);
	if (!signup_code_valid_format(code)) {
		c->error_key = "signup.code.format";
		return ERR_INVAL;
	}
	if ((e = signup_check_code(c->db, &c->sess, code, c->now, &r)))
		return e;
	switch (r) {
	case SIGNUP_CODE_OK:
		return back_to(c, SIGNUP_AGREE);
	case SIGNUP_CODE_WRONG:
		return verify_page(c, ERR_INVAL, "signup.code.wrong");
	case SIGNUP_CODE_EXPIRED:
		return verify_page(c, ERR_INVAL, "signup.code.expired");
	case SIGNUP_CODE_LOCKED:
		return verify_page(c, ERR_THROTTLED, "signup.code.locked");
	case SIGNUP_CODE_NONE:
		break;
	}
	return verify_page(c, ERR_INVAL, "signup.code.none");
}

/* POST /signup/resend: a new code, attempts and deadline reset. */
static enum err resend_post(struct ctx *c)
{
	enum signup_step next = signup_first_incomplete(c->sess.data);
	enum err e;

	if (next != SIGNUP_VERIFY)
		return back_to(c, next);
	e = signup_send_code(c->db, &c->sess, c->now);
	if (e == ERR_THROTTLED)
		return verify_page(c, ERR_THROTTLED, "signup.code.too_many");
	if (e)
		return e;
	return response_redirect(&c->res, 303, "/signup/inbox");
}

/* GET /signup/inbox: the demo mailbox of this session, a list messages
 * of signup_inbox_item rows. */
static enum err inbox(struct ctx *c)
{
	const json_t *box, *msg;
	struct tmpl_vars *v;
	char when[48];
	size_t i;
	enum err e = ERR_OK;

	if ((e = need_session(c)))
		return e;
	box = json_object_get(c->sess.data, "signup_inbox");
	if ((e = tmpl_list(&c->vars, "messages")))
		return e;
	json_array_foreach(box, i, msg) {
		const char *to = json_string_value(json_object_get(msg, "to"));
		const char *code = json_string_value(json_object_get(msg,
								     "code"));

		if ((e = tmpl_row_add(&c->vars, "messages", &v)) ||
		    (e = tmpl_set(v, "to", to ? to : "")) ||
		    (e = tmpl_set(v, "code", code ? code : "")) ||
		    (e = tmpl_set(v, "latest", i == 0 ? "1" : "")) ||
		    (e = tmpl_set(v, "at", wire_format_time(
				  json_integer_value(json_object_get(msg,
								     "at")),
				  when, sizeof(when)))))
			return e;
	}
	site_page(c, "signup_inbox", "signup.inbox.title");
	return ERR_OK;
}

/* Step 3 page. */
static enum err agree_page(struct ctx *c, enum err why, const char *msg_key)
{
	enum err e;

	if ((e = set_steps(c, SIGNUP_AGREE)) ||
	    (e = site_message(c, msg_key)) ||
	    (e = tmpl_set(&c->vars, "form_username",
			  signup_get(c->sess.data, "username"))) ||
	    (e = tmpl_set(&c->vars, "email",
			  signup_get(c->sess.data, "email"))))
		return e;
	site_page(c, "signup_agree", "signup.agree.title");
	return site_keep_answer(c, why);
}

/* GET /signup/agree */
static enum err agree_form(struct ctx *c)
{
	enum signup_step next;
	enum err e;

	if ((e = need_session(c)))
		return e;
	next = signup_first_incomplete(c->sess.data);
	if (next < SIGNUP_AGREE)
		return back_to(c, next);
	return agree_page(c, ERR_OK, NULL);
}

/* A checkbox field: absent, or exactly "1". ERR_INVAL otherwise. */
static enum err checkbox(struct ctx *c, const char *name, int *on)
{
	const char *v = http_field(&c->req.form, name);

	*on = v != NULL;
	if (v && strcmp(v, "1")) {
		c->error_key = "signup.agree.malformed";
		return ERR_INVAL;
	}
	return ERR_OK;
}

/* POST /signup/agree: the last step: create the user in one transaction,
 * log in with a new session ID. */
static enum err agree_post(struct ctx *c)
{
	struct account_new a;
	enum signup_step next = signup_first_incomplete(c->sess.data);
	char username[AUTH_USERNAME_MAX + 1];
	int terms, privacy, marketing;
	long long uid;
	enum err e;

	if (next < SIGNUP_AGREE)
		return back_to(c, next);
	if ((e = checkbox(c, "terms", &terms)) ||
	    (e = checkbox(c, "privacy", &privacy)) ||
	    (e = checkbox(c, "marketing", &marketing)))
		return e;
	if (!terms || !privacy)
		return agree_page(c, ERR_INVAL, "signup.agree.required");
	memset(&a, 0, sizeof(a));
	a.username = signup_get(c->sess.data, "username");
	a.email = signup_get(c->sess.data, "email");
	a.password_hash = signup_get(c->sess.data, "password_hash");
	a.verified_at = json_integer_value(json_object_get(
		json_object_get(c->sess.data, "signup"), "verified_at"));
	a.agreed_at = c->now;
	a.marketing = marketing;
	e = account_create(c->db, &a, c->now, &uid);
	if (e == ERR_FORBIDDEN)        /* taken since step 1 */
		return details_page(c, ERR_CONFLICT, "signup.username.taken",
				    a.username, a.email);
	if (e)
		return e;
	snprintf(username, sizeof(username), "%s", a.username);
	if ((e = signup_finish_clear(c->db, &c->sess, username, c->now)) ||
	    (e = session_login(c->db, &c->sess, &c->cfg->session, c->now, uid,
			       0)) ||
	    (e = site_session_cookie(c)) ||
	    (e = cart_merge_at_login(c->db, &c->sess, uid, c->now, NULL)))
		return e;
	return response_redirect(&c->res, 303, "/signup/done");
}

/* GET /signup/done: welcome, once the account exists. */
static enum err done_page(struct ctx *c)
{
	const json_t *done = json_object_get(c->sess.data, "signup_done");
	const char *who = json_string_value(json_object_get(done, "username"));
	const json_t *login = json_object_get(c->sess.data, "login");
	const char *from = json_string_value(json_object_get(login,
							     "rotated_from"));
	char hex[9];
	enum err e;

	if (!c->logged_in || !who || strcmp(who, c->user.username))
		return response_redirect(&c->res, 303, "/signup/");
	session_hash_hex(c->sess.id_hash, hex);
	if ((e = tmpl_set(&c->vars, "new_user", who)) ||
	    (e = tmpl_set(&c->vars, "hash_before", from ? from : "")) ||
	    (e = tmpl_set(&c->vars, "hash_now", hex)))
		return e;
	course_tick(c, "signup");   /* the wizard wrote this user */
	site_page(c, "signup_done", "signup.done.title");
	return ERR_OK;
}

/* POST /signup/cancel: abandon; nothing was ever written to users. */
static enum err cancel_post(struct ctx *c)
{
	enum err e = signup_abandon(c->db, &c->sess);

	if (e)
		return e;
	return response_redirect(&c->res, 303, "/signup/");
}

static const char *const details_fields[] = {
	"username", "email", "password", "password2", NULL
};
static const char *const code_field[] = { "code", NULL };
static const char *const agree_fields[] = {
	"terms", "privacy", "marketing", NULL
};

static const struct route routes[] = {
	{ HTTP_GET,  "/signup",         slash,        0,          NULL },
	{ HTTP_GET,  "/signup/",        start_page,   0,          NULL },
	{ HTTP_GET,  "/signup/details", details_form, 0,          NULL },
	{ HTTP_POST, "/signup/details", details_post, ROUTE_CSRF,
	  details_fields },
	{ HTTP_GET,  "/signup/verify",  verify_form,  0,          NULL },
	{ HTTP_POST, "/signup/verify",  verify_post,  ROUTE_CSRF, code_field },
	{ HTTP_POST, "/signup/resend",  resend_post,  ROUTE_CSRF, NULL },
	{ HTTP_GET,  "/signup/inbox",   inbox,        0,          NULL },
	{ HTTP_GET,  "/signup/agree",   agree_form,   0,          NULL },
	{ HTTP_POST, "/signup/agree",   agree_post,   ROUTE_CSRF,
	  agree_fields },
	{ HTTP_GET,  "/signup/done",    done_page,    0,          NULL },
	{ HTTP_POST, "/signup/cancel",  cancel_post,  ROUTE_CSRF, NULL },
};

int main(void)
{
	return site_run("signup", routes, sizeof(routes) / sizeof(routes[0]));
}
