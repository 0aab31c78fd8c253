/*
 * cart.h - the shopping-cart lesson (S-S5): the product catalogue, a
 * guest's cart kept in the server session, a user's cart kept in its own
 * table, and the merge of the one into the other at login.
 *
 * A guest cart is the session data member "cart": {"<product id>": qty}.
 * Every change to it is one session_update (BEGIN IMMEDIATE
 * read-modify-write), so concurrent requests of one session never lose an
 * update. A user's cart is rows of user_carts, changed by single
 * statements that the table's CHECK keeps within CART_QTY_MIN..MAX, so it
 * survives logout and is the same in every browser.
 */
#ifndef CART_H
#define CART_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/db.h"
#include "base/err.h"
#include "http/i18n.h"
#include "http/tmpl.h"
#include "state/session.h"

#define CART_QTY_MIN       1
#define CART_QTY_MAX      99    /* of one product, in any cart */
#define CART_PRODUCTS_MAX 64    /* products in the catalogue and a cart */
#define CART_ID_MAX        999999999LL   /* 9 digits: a product id */
#define CART_NAME_MAX    128    /* bytes of a product name */

enum cart_sort {
	CART_SORT_NAME = 0,     /* by name in the page language (default) */
	CART_SORT_PRICE_ASC,
	CART_SORT_PRICE_DESC
};

struct product {
	long long id;
	char      sku[33];
	char      name_ko[CART_NAME_MAX];
	char      name_en[CART_NAME_MAX];
	long long price_krw;
};

struct cart_line {
	long long product_id;
	int       qty;
};

struct cart {
	struct cart_line lines[CART_PRODUCTS_MAX];
	size_t           n;
};

/*
 * cart_sort_from_cookie: the order the `sort` preference cookie asks for.
 * Only "name", "price-asc" and "price-desc" are accepted; anything else
 * (absent, empty, hostile) is CART_SORT_NAME. *valid (may be NULL) is 1
 * when value was one of the three.
 */
enum cart_sort cart_sort_from_cookie(const char *value, int *valid);

/* cart_sort_name: "name", "price-asc" or "price-desc". */
const char *cart_sort_name(enum cart_sort s);

/*
 * cart_catalogue: every product, in order s (names compared in lang), into
 * out[]; *n is the count (at most CART_PRODUCTS_MAX).
 */
enum err cart_catalogue(struct db *db, enum cart_sort s, enum lang lang,
			struct product out[CART_PRODUCTS_MAX], size_t *n);

/* cart_product: product id into *p; ERR_NOTFOUND when there is none. */
enum err cart_product(struct db *db, long long id, struct product *p);

/* cart_product_name: p's name in lang. */
const char *cart_product_name(const struct product *p, enum lang lang);

/*
 * cart_items_json: cart's lines as a new JSON array in *out of
 * {product_id, name (in lang), qty}, in the cart's order. A line whose
 * product has left the catalogue is skipped; any other error is returned
 * and *out is NULL.
 */
enum err cart_items_json(struct db *db, const struct cart *cart,
			 enum lang lang, json_t **out);

/*
 * cart_parse_id: 1 when s is a decimal 1..CART_ID_MAX without a
 * leading zero (a product id), stored in *id; 0 otherwise.
 */
int cart_parse_id(const char *s, long long *id);

/*
 * cart_parse_qty: 1 when s is a decimal CART_QTY_MIN..CART_QTY_MAX
 * without sign, spaces or leading zeros, stored in *qty; 0 otherwise.
 */
int cart_parse_qty(const char *s, int *qty);

/* cart_format_krw: "12,900" (thousands separated) into out. Returns out. */
char *cart_format_krw(long long amount, char out[32]);

/*
 * cart_guest_read: the guest cart in session data (a JSON object) into
 * *out, dropping malformed members. Never fails.
 */
void cart_guest_read(const json_t *data, struct cart *out);

/*
 * cart_guest_add: add qty of product to the guest cart of s (one
 * session_update). ERR_INVAL when the line would pass CART_QTY_MAX or qty
 * is out of range; ERR_TOOBIG when the cart already holds
 * CART_PRODUCTS_MAX lines. Nothing changes on error. The caller has
 * checked that the product exists.
 */
enum err cart_guest_add(struct db *db, struct session *s,
			long long product_id, int qty);

/*
 * cart_guest_remove: take qty of product out of the guest cart (the line
 * goes when it reaches 0). ERR_NOTFOUND when the cart has no such line.
 */
enum err cart_guest_remove(struct db *db, struct session *s,
			   long long product_id, int qty);

/* cart_guest_clear: empty the guest cart. */
enum err cart_guest_clear(struct db *db, struct session *s);

/* cart_user_read: user_id's stored cart into *out. */
enum err cart_user_read(struct db *db, long long user_id, struct cart *out);

/* cart_user_add: as cart_guest_add, for the user_carts table. */
enum err cart_user_add(struct db *db, long long user_id,
		       long long product_id, int qty);

/* cart_user_remove: as cart_guest_remove, for the user_carts table. */
enum err cart_user_remove(struct db *db, long long user_id,
			  long long product_id, int qty);

/* cart_user_clear: delete every line of user_id's cart. */
enum err cart_user_clear(struct db *db, long long user_id);

/*
 * cart_merge_at_login: in one BEGIN IMMEDIATE (session_update), move the
 * guest cart of s into user_id's stored cart: quantities add up, capped at
 * CART_QTY_MAX per product; the session's "cart" member goes, and
 * "cart_merge": {"at": now, "items": [{"product", "added", "before",
 * "after", "capped"}]} records what happened (removed when there was
 * nothing to merge). Lines for products that no longer exist are dropped.
 * *merged (may be NULL) gets the number of lines merged.
 */
enum err cart_merge_at_login(struct db *db, struct session *s,
			     long long user_id, long long now, int *merged);

/*
 * cart_merge_set: set name of vars to the list of what was merged at login
 * for session data (its "cart_merge" member) in lang, one row per item
 * (name, added, before, after, capped) for the partial cart_merged_item;
 * an empty list when there is no record.
 */
enum err cart_merge_set(struct db *db, const json_t *data, enum lang lang,
			struct tmpl_vars *vars, const char *name);

#endif
