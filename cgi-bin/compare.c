/*
 * compare - S-X1, one page with the three ways of keeping a login: a
 * cookie-only login and cart (signed cookies, nothing on the server: S-C5),
 * a server session (the real /session/ and /cart endpoints: S-S1, S-S5)
 * and JWT (the real /api/auth/ and /api/ endpoints, the token in page
 * memory: S-J2, S-J6), with a live view of what the browser and the server
 * hold, and the comparison table measured from the running system.
 *
 * Only the cookie-only pane has endpoints here (/compare/cookie/...).
 * Its POSTs use the visitor-form guard (prefs_check_form: same Origin,
 * plus the session's CSRF token when there is a session) rather than
 * ROUTE_CSRF, because the pane's point is that it needs no server state:
 * see README "Choices".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lessons/cart.h"
#include "lessons/compare.h"
#include "lessons/course.h"
#include "base/config.h"
#include "site/csrf.h"
#include "state/refresh.h"
#include "state/session.h"
#include "site/site.h"


/* The cookie-only login's lifetime (its signed expiry and both cookies'
 * Max-Age): the session's idle lifetime, so the two panes expire alike
 * (1800 s; 120 s with CLASSROOM=1). */
static long long login_seconds(const struct ctx *c)
{
	return c->cfg->session.idle_ttl;
}

/* Bytes a cookie pair adds to the Cookie header: name=value. */
static size_t pair_bytes(const char *name, const char *value)
{
	return value ? strlen(name) + 1 + strlen(value) : 0;
}

/* The attributes this site sends with a cookie-only cookie (everything
 * after "name=value"), from the same builder the Set-Cookie uses. */
static enum err cookie_attributes(struct ctx *c, struct buf *out)
{
	struct cookie_spec cs;
	struct buf line;
	const char *semi;
	enum err e;

	buf_init(&line);
	compare_cookie_spec(&cs, COMPARE_LOGIN_COOKIE, "v",
			    login_seconds(c), c->req.https);
	if (!(e = cookie_build(&cs, &line, NULL))) {
		semi = strchr(line.data, ';');
		e = buf_puts(out, semi ? semi + 2 : "");
	}
	buf_cleanup(&line);
	return e;
}

/* The cookie-only login, when its cookie verifies. */
static enum compare_why cookie_login(struct ctx *c, struct compare_login *l)
{
	return compare_login_read(cookie_get(&c->req.cookies,
					     COMPARE_LOGIN_COOKIE), c->now, l);
}

/* ---- the cookie-only pane's state ---------------------------------------- */

/* One cookie-only cookie as the browser list shows it: name, bytes,
 * attributes, and the signed payload without its tag. The value itself
 * is HttpOnly, so it is never handed to script: /compare/state would
 * otherwise give any script on this origin a login it cannot revoke. */
static json_t *browser_cookie(const char *name, const char *value,
			      const char *attrs)
{
	const char *dot = strrchr(value, '.');
	size_t n = dot ? (size_t)(dot - value) : 0;

	return json_pack("{s:s, s:I, s:s%, s:I, s:s}", "name", name,
			 "bytes", (json_int_t)pair_bytes(name, value),
			 "payload", value, n, "tag_bytes",
			 (json_int_t)(dot ? strlen(dot + 1) : 0),
			 "attributes", attrs);
}

/* {login:{status, user, role, exp}, cart_status, cart, browser:[...],
 * bytes, server: null} into *out, and the login's verdict into *why (may
 * be NULL): everything read from the two signed cookies, nothing from
 * the DB but the product names. */
static enum err cookie_pane(struct ctx *c, json_t **out,
			    enum compare_why *why)
{
	const char *lv = cookie_get(&c->req.cookies, COMPARE_LOGIN_COOKIE);
	const char *cv = cookie_get(&c->req.cookies, COMPARE_CART_COOKIE);
	struct compare_login l;
	enum compare_why lw, cw = COMPARE_MISSING;
	struct cart cart;
	struct buf attrs;
	json_t *browser = json_array(), *items = NULL;
	enum err e;

	*out = NULL;
	memset(&cart, 0, sizeof(cart));
	lw = cookie_login(c, &l);
	if (why)
		*why = lw;
	if (lw == COMPARE_OK)
		cw = compare_cart_read(cv, l.user, &cart);
	buf_init(&attrs);
	if ((e = browser ? cookie_attributes(c, &attrs) : ERR_NOMEM) ||
	    (e = cart_items_json(c->db, &cart, c->lang, &items)))
		goto out;
	if ((lv && json_array_append_new(browser, browser_cookie(
		     COMPARE_LOGIN_COOKIE, lv, attrs.data))) ||
	    (cv && json_array_append_new(browser, browser_cookie(
		     COMPARE_CART_COOKIE, cv, attrs.data)))) {
		e = ERR_NOMEM;
		goto out;
	}
	*out = json_pack("{s:{s:s, s:s, s:s, s:I}, s:s, s:O, s:O, s:I, s:n}",
			 "login", "status", compare_why_name(lw), "user",
			 l.user, "role", l.role, "exp", (json_int_t)l.exp,
			 "cart_status", lv ? compare_why_name(cw) : "missing",
			 "cart", items, "browser", browser,
			 "bytes", (json_int_t)(pair_bytes(COMPARE_LOGIN_COOKIE,
							  lv) +
					       pair_bytes(COMPARE_CART_COOKIE,
							  cv) +
					       (lv && cv ? 2 : 0)),
			 "server");
	if (!*out)
		e = ERR_NOMEM;
out:
	json_decref(browser);
	json_decref(items);
	buf_cleanup(&attrs);
	return e;
}

/* ---- the session pane's state ------------------------------------------- */

/* {authenticated, user, cookie, row, cart_kept_in, cart} into *out: the
 * session cookie's name, size and attributes (never its value), the
 * sessions row's deadlines and data size, and the cart where this
 * visitor's is kept now: "user_carts" once logged in, "session data" for
 * a guest, null (and no cart) without a session. */
static enum err session_pane(struct ctx *c, json_t **out)
{
	const char *name = site_session_cookie_name(c);
	const char *sid = cookie_get(&c->req.cookies, name);
	json_t *row = json_null(), *user = json_null(), *cookie = json_null();
	json_t *items = NULL;
	struct cart cart;
	struct buf line;
	char *data;
	enum err e = ERR_OK;

	*out = NULL;
	memset(&cart, 0, sizeof(cart));
	buf_init(&line);
	if (c->has_session && sid &&
	    !(e = site_session_cookie_line(c, c->sess.created, &line))) {
		const char *semi = strchr(line.data, ';');

		cookie = json_pack("{s:s, s:I, s:s}", "name", name, "bytes",
				   (json_int_t)pair_bytes(name, sid),
				   "attributes", semi ? semi + 2 : "");
	}
	buf_cleanup(&line);
	if (!e && c->has_session) {
		data = json_dumps(c->sess.data, JSON_COMPACT);
		row = json_pack("{s:I, s:I, s:I, s:I, s:b, s:I}",
				"created", (json_int_t)c->sess.created,
				"last_seen", (json_int_t)c->sess.last_seen,
				"idle_expires", (json_int_t)c->sess.idle_expires,
				"absolute_expires",
				(json_int_t)c->sess.absolute_expires,
				"persistent", c->sess.persistent,
				"data_bytes", (json_int_t)(data ? strlen(data) :
							   0));
		free(data);
		if (c->logged_in)
			e = cart_user_read(c->db, c->user.id, &cart);
		else
			cart_guest_read(c->sess.data, &cart);
	}
	if (!e && c->logged_in)
		user = json_pack("{s:s, s:s}", "username", c->user.username,
				 "role", c->user.role);
	if (!e && !(e = cart_items_json(c->db, &cart, c->lang, &items)) &&
	    !(*out = json_pack("{s:b, s:O, s:O, s:O, s:s?, s:O}",
			       "authenticated", c->logged_in, "user", user,
			       "cookie", cookie, "row", row, "cart_kept_in",
			       c->logged_in ? "user_carts" : c->has_session ?
			       "session data" : NULL, "cart", items)))
		e = ERR_NOMEM;
	json_decref(row);
	json_decref(user);
	json_decref(cookie);
	json_decref(items);
	return e;
}

/* GET /compare/state: what the page's live view and table read, and the
 * session's current CSRF token (login rotates it) for the page's forms;
 * like the page itself, it is readable by this origin only. This program
 * never sees the access token or the refresh cookie (Path=/api/auth), so
 * it does not say whether one exists: the script asks /api/auth/cookie
 * for that, and /api/auth/families for the JWT pane's server side. */
static enum err state(struct ctx *c)
{
	json_t *names = json_array(), *ck = NULL, *ss = NULL;
	char tok[CSRF_TOKEN_LEN + 1] = "";
	size_t i;
	enum err e = names ? ERR_OK : ERR_NOMEM;

	for (i = 0; !e && i < c->req.cookies.n; i++)
		if (json_array_append_new(names, json_pack(
			"{s:s, s:I}", "name", c->req.cookies.pairs[i].name,
			"bytes", (json_int_t)pair_bytes(
				c->req.cookies.pairs[i].name,
				c->req.cookies.pairs[i].value))))
			e = ERR_NOMEM;
	if (!e && c->has_session)
		site_csrf_token(c, tok);
	if (e || (e = cookie_pane(c, &ck, NULL)) ||
	    (e = session_pane(c, &ss))) {
		json_decref(names);
		json_decref(ck);
		return e;
	}
	return site_json(c, json_pack(
		"{s:s, s:I, s:o, s:o, s:o, s:{s:b, s:s, s:s, s:s}}",
		"csrf", tok,
		"cookie_header_bytes", (json_int_t)strlen(c->req.cookie_header),
		"cookies_received", names, "cookie", ck, "session", ss, "jwt",
		"refresh_cookie_sent_here", cookie_get(&c->req.cookies,
						       REFRESH_COOKIE)
		!= NULL,
		"refresh_cookie_path", REFRESH_PATH,
		"refresh_cookie_probe", REFRESH_PATH "/cookie",
		"server", "/api/auth/families"));
}

/* ---- the page ------------------------------------------------------------ */

/* The list options: the products of the three add-to-cart forms
 * (compare_option.html). */
static enum err set_options(struct ctx *c)
{
	struct product list[CART_PRODUCTS_MAX];
	struct tmpl_vars *row;
	char price[32];
	size_t n, i;
	enum err e;

	if ((e = cart_catalogue(c->db, CART_SORT_NAME, c->lang, list, &n)) ||
	    (e = tmpl_list(&c->vars, "options")))
		return e;
	for (i = 0; i < n; i++)
		if ((e = tmpl_row_add(&c->vars, "options", &row)) ||
		    (e = tmpl_setf(row, "id", "%lld", list[i].id)) ||
		    (e = tmpl_set(row, "name",
				  cart_product_name(&list[i], c->lang))) ||
		    (e = tmpl_set(row, "price",
				  cart_format_krw(list[i].price_krw, price))))
			return e;
	return ERR_OK;
}

/* The list name: a cart's lines (from cart_json's array) for
 * compare_line.html. */
static enum err set_lines(struct ctx *c, const char *name, json_t *cart)
{
	struct tmpl_vars *row;
	json_t *line;
	size_t i;
	enum err e;

	if ((e = tmpl_list(&c->vars, name)))
		return e;
	json_array_foreach(cart, i, line)
		if ((e = tmpl_row_add(&c->vars, name, &row)) ||
		    (e = tmpl_set(row, "name", json_string_value(
				  json_object_get(line, "name")))) ||
		    (e = tmpl_setf(row, "qty", "%lld", (long long)
				   json_integer_value(json_object_get(line,
								      "qty")))))
			return e;
	return ERR_OK;
}

/* Set var name to a member of a JSON object as text ("" when absent). */
static enum err set_member(struct ctx *c, const char *name, json_t *o,
			   const char *key)
{
	json_t *m = json_object_get(o, key);

	if (json_is_integer(m))
		return tmpl_setf(&c->vars, name, "%lld",
				 (long long)json_integer_value(m));
	return tmpl_set(&c->vars, name, json_is_string(m) ?
			json_string_value(m) : "");
}

/* Set var name to the names of the cookies the browser list holds, as
 * "cmp_login, cmp_cart" ("" when it holds none, so the page says so). */
static enum err set_cookie_names(struct ctx *c, const char *name,
				 json_t *browser)
{
	struct buf b;
	json_t *one;
	size_t i;
	enum err e = ERR_OK;

	buf_init(&b);
	json_array_foreach(browser, i, one)
		if ((i && (e = buf_puts(&b, ", "))) ||
		    (e = buf_puts(&b, json_string_value(json_object_get(
				  one, "name")))))
			break;
	if (!e)
		e = tmpl_set(&c->vars, name, b.data ? b.data : "");
	buf_cleanup(&b);
	return e;
}

/* The server-rendered values of both panes that have them. */
static enum err pane_vars(struct ctx *c, json_t *ck, enum compare_why w,
			  json_t *ss)
{
	json_t *login = json_object_get(ck, "login");
	json_t *scookie = json_object_get(ss, "cookie");
	json_t *row = json_object_get(ss, "row");
	json_t *first = json_array_get(json_object_get(ck, "browser"), 0);
	enum err e;

	if ((e = set_options(c)) ||
	    (e = set_lines(c, "cookie_lines", json_object_get(ck, "cart"))) ||
	    (e = set_lines(c, "session_lines", json_object_get(ss, "cart"))) ||
	    (e = tmpl_set(&c->vars, "cookie_in", w == COMPARE_OK ? "1" : "")) ||
	    (e = set_member(c, "cookie_user", login, "user")) ||
	    (e = set_member(c, "cookie_role", login, "role")) ||
	    (e = set_member(c, "cookie_exp", login, "exp")) ||
	    (e = site_bilingual(c, "cookie_why", compare_why_key(w),
				"span")) ||
	    (e = set_member(c, "cookie_bytes", ck, "bytes")) ||
	    (e = set_cookie_names(c, "cookie_names",
				  json_object_get(ck, "browser"))) ||
	    (e = set_member(c, "cookie_attrs", first, "attributes")) ||
	    (e = set_member(c, "sid_name", scookie, "name")) ||
	    (e = set_member(c, "sid_bytes", scookie, "bytes")) ||
	    (e = set_member(c, "sid_attrs", scookie, "attributes")) ||
	    (e = tmpl_set(&c->vars, "has_row", row && !json_is_null(row) ?
			  "1" : "")) ||
	    (e = set_member(c, "row_created", row, "created")) ||
	    (e = set_member(c, "row_last_seen", row, "last_seen")) ||
	    (e = set_member(c, "row_idle_expires", row, "idle_expires")) ||
	    (e = set_member(c, "row_data_bytes", row, "data_bytes")) ||
	    (e = tmpl_setf(&c->vars, "qty_max", "%d", CART_QTY_MAX)))
		return e;
	return ERR_OK;
}

/* GET /compare: the three panes and the table. A guest session is made
 * here (like /session/login) so the session pane's forms carry a token. */
static enum err page(struct ctx *c)
{
	json_t *ck = NULL, *ss = NULL;
	enum compare_why w;
	enum err e;

	if ((e = site_session_ensure(c)))
		return e;
	if (!(e = cookie_pane(c, &ck, &w)) && !(e = session_pane(c, &ss)) &&
	    !(e = pane_vars(c, ck, w, ss)))
		site_page(c, "compare", "compare.title");
	json_decref(ck);
	json_decref(ss);
	return e;
}

/* ---- the cookie-only pane's endpoints ----------------------------------- */

/* POST /compare/cookie/login (username, password): verify as every login
 * does (throttle, Argon2id), then put user, role and expiry in a signed
 * cookie. Nothing is stored. */
static enum err cookie_login_post(struct ctx *c)
{
	const char *username, *password;
	const char *cv;
	struct cookie_spec cs;
	struct cart cart;
	struct user u;
	struct buf v;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	if ((e = site_login_fields(c, &username, &password)))
		return e;
	e = site_login(c, username, password, &u);
	if (e)
		return e;
	buf_init(&v);
	if ((e = compare_login_make(u.username, u.role,
				    c->now + login_seconds(c), &v)))
		goto out;
	compare_cookie_spec(&cs, COMPARE_LOGIN_COOKIE, v.data,
			    login_seconds(c), c->req.https);
	if ((e = response_cookie(&c->res, &cs, NULL)))
		goto out;
	/* A cart cookie of someone else is not this user's cart; the user's
	 * own (signed for this username) is kept. */
	cv = cookie_get(&c->req.cookies, COMPARE_CART_COOKIE);
	if (cv && compare_cart_read(cv, u.username, &cart) != COMPARE_OK) {
		compare_cookie_spec(&cs, COMPARE_CART_COOKIE, "", 0,
				    c->req.https);
		if ((e = response_cookie(&c->res, &cs, NULL)))
			goto out;
	}
	course_tick(c, "compare");
	e = response_redirect(&c->res, 303, COMPARE_PATH);
out:
	buf_cleanup(&v);
	return e;
}

/* GET /compare/cookie/me: who the signed cookie says you are; 401 with
 * the reason when it does not verify. */
static enum err cookie_me(struct ctx *c)
{
	struct compare_login l;
	enum compare_why w = cookie_login(c, &l);
	enum err e;

	if ((e = site_json(c, json_pack(
		"{s:b, s:s, s:s, s:s, s:I, s:s}", "authenticated",
		w == COMPARE_OK, "status", compare_why_name(w), "user", l.user,
		"role", l.role, "exp", (json_int_t)l.exp, "server_lookup",
		"none: the signature was checked with the key"))))
		return e;
	return site_keep_answer(c, w == COMPARE_OK ? ERR_OK : ERR_AUTH);
}

/* POST /compare/cookie/logout: expire both cookies. */
static enum err cookie_logout(struct ctx *c)
{
	struct cookie_spec cs;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	compare_cookie_spec(&cs, COMPARE_LOGIN_COOKIE, "", 0, c->req.https);
	if ((e = response_cookie(&c->res, &cs, NULL)))
		return e;
	compare_cookie_spec(&cs, COMPARE_CART_COOKIE, "", 0, c->req.https);
	if ((e = response_cookie(&c->res, &cs, NULL)))
		return e;
	return response_redirect(&c->res, 303, COMPARE_PATH);
}

/* POST /compare/cookie/cart/add (product, qty): the cart is re-signed
 * and sent back whole; the server keeps nothing. */
static enum err cookie_cart_add(struct ctx *c)
{
	struct compare_login l;
	struct cookie_spec cs;
	struct product p;
	struct cart cart;
	long long id;
	int qty;
	struct buf v;
	enum compare_why cw;
	enum err e;

	if ((e = site_visitor_guard(c)))
		return e;
	if (cookie_login(c, &l) != COMPARE_OK) {
		c->error_key = "compare.need_login";
		return ERR_AUTH;
	}
	if (!cart_parse_id(http_field(&c->req.form, "product"), &id)) {
		c->error_key = "cart.bad_product";
		return ERR_INVAL;
	}
	if (!cart_parse_qty(http_field(&c->req.form, "qty"), &qty)) {
		c->error_key = "cart.bad_qty";
		return ERR_INVAL;
	}
	if ((e = cart_product(c->db, id, &p))) {
		if (e == ERR_NOTFOUND)
			c->error_key = "cart.unknown_product";
		return e;
	}
	cw = compare_cart_read(cookie_get(&c->req.cookies,
					  COMPARE_CART_COOKIE), l.user, &cart);
	if (cw != COMPARE_OK && cw != COMPARE_MISSING) {
		c->error_key = compare_why_key(cw);
		return ERR_INVAL;
	}
	e = compare_cart_add(&cart, id, qty);
	if (e == ERR_INVAL)
		c->error_key = "cart.over_max";
	else if (e == ERR_TOOBIG)
		c->error_key = "compare.cart_full";
	if (e)
		return e;
	buf_init(&v);
	if ((e = compare_cart_make(l.user, &cart, &v)))
		goto out;
	compare_cookie_spec(&cs, COMPARE_CART_COOKIE, v.data,
			    login_seconds(c), c->req.https);
	if (!(e = response_cookie(&c->res, &cs, NULL)))
		e = response_redirect(&c->res, 303, COMPARE_PATH);
out:
	buf_cleanup(&v);
	return e;
}

static const char *const login_fields[] = {
	"username", "password", "csrf", NULL
};
static const char *const line_fields[] = { "product", "qty", "csrf", NULL };
static const char *const csrf_only[] = { "csrf", NULL };

static const struct route routes[] = {
	{ HTTP_GET,  "/compare",               page,        0,          NULL },
	{ HTTP_GET,  "/compare/state",         state,       ROUTE_JSON, NULL },
	{ HTTP_POST, "/compare/cookie/login",  cookie_login_post, 0,
	  login_fields },
	{ HTTP_GET,  "/compare/cookie/me",     cookie_me,   ROUTE_JSON, NULL },
	{ HTTP_POST, "/compare/cookie/logout", cookie_logout, 0, csrf_only },
	{ HTTP_POST, "/compare/cookie/cart/add", cookie_cart_add, 0,
	  line_fields },
};

int main(void)
{
	if (signed_load(config_str("KEYS", "db/keys"))) {
		fprintf(stderr, "compare: no %s in the keys folder: run "
			"`make initdb` first\n", SIGNED_KEY_FILE);
		return 1;
	}
	return site_run("compare", routes, sizeof(routes) / sizeof(routes[0]));
}
