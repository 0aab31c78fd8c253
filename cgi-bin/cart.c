/*
 * cart - a shopping cart kept in the server session (S-S5).
 *
 * A guest's cart lives in the session data (the browser holds only the
 * session ID); a logged-in user's cart lives in the user_carts table. At
 * login the guest cart merges into the stored one (cgi-bin/session.c).
 * /cart/race is the race lab: a naive read-all/write-all store beside the
 * transactional one. GET /cart/state is the cart as JSON, from whichever
 * store holds it.
 */
#include <stdio.h>
#include <string.h>

#include "http/origin.h"
#include "lessons/cart.h"
#include "lessons/course.h"
#include "site/csrf.h"
#include "lessons/race.h"
#include "unsafe/race_naive.h"
#include "site/site.h"

/* The list products: the catalogue rows (cart_product_row.html, with add
 * forms) in the order of the sort cookie; with lang=both each name also
 * in the other language, marked with its lang. */
static enum err set_products(struct ctx *c, enum cart_sort sort,
			     const char *csrf)
{
	struct product list[CART_PRODUCTS_MAX];
	struct tmpl_vars *v;
	char price[32];
	size_t n, i;
	enum lang alt = c->lang == LANG_KO ? LANG_EN : LANG_KO;
	enum err e;

	if ((e = cart_catalogue(c->db, sort, c->lang, list, &n)) ||
	    (e = tmpl_list(&c->vars, "products")))
		return e;
	for (i = 0; i < n && !e; i++) {
		if ((e = tmpl_row_add(&c->vars, "products", &v)) ||
		    (e = tmpl_setf(v, "id", "%lld", list[i].id)) ||
		    (e = tmpl_set(v, "sku", list[i].sku)) ||
		    (e = tmpl_set(v, "name",
				  cart_product_name(&list[i], c->lang))) ||
		    (e = tmpl_set(v, "name_alt", c->shown != LANG_BOTH ? "" :
				  cart_product_name(&list[i], alt))) ||
		    (e = tmpl_set(v, "alt_lang", i18n_code(alt))) ||
		    (e = tmpl_set(v, "price",
				  cart_format_krw(list[i].price_krw, price))) ||
		    (e = tmpl_set(v, "csrf", csrf)))
			break;
	}
	return e;
}

/* The list lines: the cart's lines (cart_line_row.html, with remove
 * forms), and the total into total. */
static enum err set_lines(struct ctx *c, const struct cart *cart,
			  const char *csrf, long long *total, long long *items)
{
	struct tmpl_vars *v;
	struct product p;
	char price[32], sum[32];
	size_t i;
	enum err e = ERR_OK;

	*total = *items = 0;
	if ((e = tmpl_list(&c->vars, "lines")))
		return e;
	for (i = 0; i < cart->n && !e; i++) {
		if ((e = cart_product(c->db, cart->lines[i].product_id, &p))) {
			if (e == ERR_NOTFOUND)
				e = ERR_OK;     /* left the catalogue */
			continue;
		}
		*total += p.price_krw * cart->lines[i].qty;
		*items += cart->lines[i].qty;
		if ((e = tmpl_row_add(&c->vars, "lines", &v)) ||
		    (e = tmpl_setf(v, "id", "%lld", p.id)) ||
		    (e = tmpl_set(v, "name", cart_product_name(&p, c->lang))) ||
		    (e = tmpl_setf(v, "qty", "%d", cart->lines[i].qty)) ||
		    (e = tmpl_set(v, "price",
				  cart_format_krw(p.price_krw, price))) ||
		    (e = tmpl_set(v, "line_total",
				  cart_format_krw(p.price_krw *
						  cart->lines[i].qty, sum))) ||
		    (e = tmpl_set(v, "csrf", csrf)))
			break;
	}
	return e;
}

/* The visitor's cart: the user's stored one when logged in, else the
 * guest cart in the session data (empty without a session). */
static enum err visitor_cart(const struct ctx *c, struct cart *cart)
{
	if (c->logged_in)
		return cart_user_read(c->db, c->user.id, cart);
	cart_guest_read(c->has_session ? c->sess.data : NULL, cart);
	return ERR_OK;
}

/* GET /cart: the catalogue, the cart, where it is kept. */
static enum err cart_page(struct ctx *c)
{
	const char *sort_cookie = cookie_get(&c->req.cookies, "sort");
	char tok[CSRF_TOKEN_LEN + 1], total_s[32];
	long long total, items;
	struct cart cart;
	enum cart_sort sort;
	int sort_valid;
	enum err e;

	/* The add forms need a CSRF token, and it is bound to a session. */
	if ((e = site_session_ensure(c)))
		return e;
	sort = cart_sort_from_cookie(sort_cookie, &sort_valid);
	site_csrf_token(c, tok);
	if ((e = visitor_cart(c, &cart)))
		return e;
	if ((e = set_products(c, sort, tok)) ||
	    (e = set_lines(c, &cart, tok, &total, &items)) ||
	    (e = cart_merge_set(c->db, c->sess.data, c->lang, &c->vars,
				"merged")) ||
	    (e = tmpl_set(&c->vars, "total", cart_format_krw(total, total_s))) ||
	    (e = tmpl_setf(&c->vars, "items", "%lld", items)) ||
	    (e = tmpl_set(&c->vars, "sort", cart_sort_name(sort))) ||
	    (e = tmpl_set(&c->vars, "sort_sent", sort_cookie ? sort_cookie :
			  "")) ||
	    (e = tmpl_set(&c->vars, "sort_ignored",
			  sort_cookie && !sort_valid ? "1" : "")) ||
	    (e = tmpl_setf(&c->vars, "qty_max", "%d", CART_QTY_MAX)))
		goto out;
	site_page(c, "cart", "cart.title");
out:
	return e;
}

/*
 * GET /cart/state: {owner: "guest"|"user", items: [{product_id, name,
 * qty}]}, names in the page language. A read: it creates no session, and
 * a visitor without one has an empty guest cart.
 */
static enum err cart_state(struct ctx *c)
{
	struct cart cart;
	json_t *items = NULL;
	enum err e;

	if ((e = visitor_cart(c, &cart)) ||
	    (e = cart_items_json(c->db, &cart, c->lang, &items)))
		return e;
	return site_json(c, json_pack("{s:s, s:o}", "owner",
				      c->logged_in ? "user" : "guest",
				      "items", items));
}

/* The product and quantity fields of an add or remove form. */
static enum err read_line(struct ctx *c, long long *id, int *qty)
{
	struct product p;
	enum err e;

	if (!cart_parse_id(http_field(&c->req.form, "product"), id)) {
		c->error_key = "cart.bad_product";
		return ERR_INVAL;
	}
	if (!cart_parse_qty(http_field(&c->req.form, "qty"), qty)) {
		c->error_key = "cart.bad_qty";
		return ERR_INVAL;
	}
	e = cart_product(c->db, *id, &p);
	if (e == ERR_NOTFOUND)
		c->error_key = "cart.unknown_product";
	return e;
}

/* POST /cart/add: qty more of a product, guest or user. */
static enum err cart_add(struct ctx *c)
{
	long long id;
	int qty;
	enum err e;

	if ((e = read_line(c, &id, &qty)))
		return e;
	e = c->logged_in ? cart_user_add(c->db, c->user.id, id, qty) :
		cart_guest_add(c->db, &c->sess, id, qty);
	if (e == ERR_INVAL)
		c->error_key = "cart.over_max";
	else if (e == ERR_TOOBIG)
		c->error_key = "cart.too_many_lines";
	if (e)
		return e;
	course_tick(c, "cart");
	return response_redirect(&c->res, 303, "/cart");
}

/* POST /cart/remove: qty fewer of a product (the line goes at 0). */
static enum err cart_remove(struct ctx *c)
{
	long long id;
	int qty;
	enum err e;

	if ((e = read_line(c, &id, &qty)))
		return e;
	e = c->logged_in ? cart_user_remove(c->db, c->user.id, id, qty) :
		cart_guest_remove(c->db, &c->sess, id, qty);
	if (e == ERR_NOTFOUND)
		c->error_key = "cart.not_in_cart";
	if (e)
		return e;
	return response_redirect(&c->res, 303, "/cart");
}

/* POST /cart/clear: an empty cart. */
static enum err cart_clear(struct ctx *c)
{
	enum err e = c->logged_in ? cart_user_clear(c->db, c->user.id) :
		cart_guest_clear(c->db, &c->sess);

	if (e)
		return e;
	return response_redirect(&c->res, 303, "/cart");
}

/* GET /cart/race: the two counters and how to race them. */
static enum err race_page(struct ctx *c)
{
	const char *host = origin_host(&c->req);
	long long safe, naive;
	enum err e;

	if ((e = site_session_ensure(c)))
		return e;
	race_counts(c->sess.data, &safe, &naive);
	if ((e = tmpl_setf(&c->vars, "safe", "%lld", safe)) ||
	    (e = tmpl_setf(&c->vars, "naive", "%lld", naive)) ||
	    (e = tmpl_setf(&c->vars, "work_ms", "%d", RACE_WORK_MS)) ||
	    (e = tmpl_set(&c->vars, "cookie_name",
			  site_session_cookie_name(c))) ||
	    (e = tmpl_setf(&c->vars, "origin", "%s%s",
			   origin_scheme(&c->req), host)))
		return e;
	site_page(c, "cart_race", "race.title");
	return ERR_OK;
}

/* POST /cart/race/add: one increment, mode "safe" or "naive". */
static enum err race_add(struct ctx *c)
{
	const char *mode = http_field(&c->req.form, "mode");
	enum err e;

	if (mode && !strcmp(mode, "safe"))
		e = race_safe_add(c->db, &c->sess);
	else if (mode && !strcmp(mode, "naive"))
		e = race_naive_add(c->db, &c->sess);   /* insecure by design */
	else {
		c->error_key = "race.bad_mode";
		return ERR_INVAL;
	}
	if (e)
		return e;
	return response_redirect(&c->res, 303, "/cart/race");
}

/* POST /cart/race/reset: both counters back to 0. */
static enum err race_reset_post(struct ctx *c)
{
	enum err e = race_reset(c->db, &c->sess);

	if (e)
		return e;
	return response_redirect(&c->res, 303, "/cart/race");
}

static const char *const line_fields[] = { "product", "qty", NULL };
static const char *const mode_field[] = { "mode", NULL };

static const struct route routes[] = {
	{ HTTP_GET,  "/cart",            cart_page,       0,          NULL },
	{ HTTP_POST, "/cart/add",        cart_add,        ROUTE_CSRF,
	  line_fields },
	{ HTTP_POST, "/cart/remove",     cart_remove,     ROUTE_CSRF,
	  line_fields },
	{ HTTP_POST, "/cart/clear",      cart_clear,      ROUTE_CSRF, NULL },
	{ HTTP_GET,  "/cart/state",      cart_state,      ROUTE_JSON, NULL },
	{ HTTP_GET,  "/cart/race",       race_page,       0,          NULL },
	{ HTTP_POST, "/cart/race/add",   race_add,        ROUTE_CSRF,
	  mode_field },
	{ HTTP_POST, "/cart/race/reset", race_reset_post, ROUTE_CSRF, NULL },
};

int main(void)
{
	return site_run("cart", routes, sizeof(routes) / sizeof(routes[0]));
}
