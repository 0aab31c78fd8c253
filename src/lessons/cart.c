/*
 * cart.c - catalogue, guest cart in the session, user cart in its table,
 * merge at login. See cart.h.
 */
#include "lessons/cart.h"
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "http/tmpl.h"

#define KEY_CART  "cart"
#define KEY_MERGE "cart_merge"

enum cart_sort cart_sort_from_cookie(const char *value, int *valid)
{
	enum cart_sort s = CART_SORT_NAME;
	int ok = 1;

	if (value && !strcmp(value, "price-asc"))
		s = CART_SORT_PRICE_ASC;
	else if (value && !strcmp(value, "price-desc"))
		s = CART_SORT_PRICE_DESC;
	else if (!value || strcmp(value, "name"))
		ok = 0;
	if (valid)
		*valid = ok;
	return s;
}

const char *cart_sort_name(enum cart_sort s)
{
	switch (s) {
	case CART_SORT_PRICE_ASC:  return "price-asc";
	case CART_SORT_PRICE_DESC: return "price-desc";
	case CART_SORT_NAME:       break;
	}
	return "name";
}

const char *cart_product_name(const struct product *p, enum lang lang)
{
	return lang == LANG_KO ? p->name_ko : p->name_en;
}

static void copy_text(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	snprintf(dst, cap, "%s", s ? s : "");
}

static void read_product(sqlite3_stmt *st, struct product *p)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	copy_text(st, 1, p->sku, sizeof(p->sku));
	copy_text(st, 2, p->name_ko, sizeof(p->name_ko));
	copy_text(st, 3, p->name_en, sizeof(p->name_en));
	p->price_krw = sqlite3_column_int64(st, 4);
}

#define PRODUCT_COLS "SELECT id, sku, name_ko, name_en, price_krw FROM products "

enum err cart_catalogue(struct db *db, enum cart_sort s, enum lang lang,
			struct product out[CART_PRODUCTS_MAX], size_t *n)
{
	static const char by_ko[] = PRODUCT_COLS "ORDER BY name_ko, id LIMIT ?";
	static const char by_en[] = PRODUCT_COLS
		"ORDER BY name_en COLLATE NOCASE, id LIMIT ?";
	static const char by_asc[] = PRODUCT_COLS
		"ORDER BY price_krw ASC, id LIMIT ?";
	static const char by_desc[] = PRODUCT_COLS
		"ORDER BY price_krw DESC, id LIMIT ?";
	const char *sql = s == CART_SORT_PRICE_ASC ? by_asc :
		s == CART_SORT_PRICE_DESC ? by_desc :
		lang == LANG_KO ? by_ko : by_en;
	sqlite3_stmt *st = db_stmt(db, sql);
	enum err e = ERR_OK;
	int rc;

	*n = 0;
	if (!st)
		return ERR_DB;
	sqlite3_bind_int(st, 1, CART_PRODUCTS_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		read_product(st, &out[(*n)++]);
	if (rc != SQLITE_DONE)
		e = ERR_DB;
	sqlite3_reset(st);
	return e;
}

enum err cart_product(struct db *db, long long id, struct product *p)
{
	static const char sql[] = PRODUCT_COLS "WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	enum err e;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_product(st, p);
		e = ERR_OK;
	} else {
		e = rc == SQLITE_DONE ? ERR_NOTFOUND : ERR_DB;
	}
	sqlite3_reset(st);
	return e;
}

enum err cart_items_json(struct db *db, const struct cart *cart,
			 enum lang lang, json_t **out)
{
	json_t *a = json_array();
	struct product p;
	enum err e = a ? ERR_OK : ERR_NOMEM;
	size_t i;

	for (i = 0; !e && i < cart->n; i++) {
		e = cart_product(db, cart->lines[i].product_id, &p);
		if (e == ERR_NOTFOUND) {
			e = ERR_OK;     /* left the catalogue */
			continue;
		}
		if (!e && json_array_append_new(a, json_pack(
			"{s:I, s:s, s:i}", "product_id", (json_int_t)p.id,
			"name", cart_product_name(&p, lang), "qty",
			cart->lines[i].qty)))
			e = ERR_NOMEM;
	}
	if (e) {
		json_decref(a);
		a = NULL;
	}
	*out = a;
	return e;
}

int cart_parse_id(const char *s, long long *id)
{
	return http_parse_num(s, 1, CART_ID_MAX, 0, id) == ERR_OK;
}

int cart_parse_qty(const char *s, int *qty)
{
	long long v;

	if (http_parse_num(s, CART_QTY_MIN, CART_QTY_MAX, 0, &v))
		return 0;
	*qty = (int)v;
	return 1;
}

char *cart_format_krw(long long amount, char out[32])
{
	char digits[24];
	int len, i, o = 0;

	if (amount < 0)
		amount = 0;
	len = snprintf(digits, sizeof(digits), "%lld", amount);
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}

/* ---- guest cart, in the session ------------------------------------------ */

void cart_guest_read(const json_t *data, struct cart *out)
{
	const json_t *cart = json_object_get(data, KEY_CART);
	const char *key;
	json_t *v;
	long long id;

	out->n = 0;
	if (!json_is_object(cart))
		return;
	json_object_foreach((json_t *)cart, key, v) {
		json_int_t q = json_integer_value(v);

		if (out->n == CART_PRODUCTS_MAX)
			break;
		if (!cart_parse_id(key, &id) || !json_is_integer(v) ||
		    q < CART_QTY_MIN || q > CART_QTY_MAX)
			continue;
		out->lines[out->n].product_id = id;
		out->lines[out->n].qty = (int)q;
		out->n++;
	}
}

struct guest_change {
	long long product_id;
	int       qty;       /* > 0 add, < 0 remove, 0 clear */
};

/* The "cart" object of data, created when absent (or not an object). */
static json_t *cart_object(json_t *data)
{
	json_t *cart = json_object_get(data, KEY_CART);

	if (json_is_object(cart))
		return cart;
	cart = json_object();
	if (!cart || json_object_set_new(data, KEY_CART, cart))
		return NULL;
	return cart;
}

/* session_update callback: apply one guest_change to the data. */
static enum err guest_apply(json_t *data, void *arg)
{
	const struct guest_change *ch = arg;
	char key[24];
	json_t *cart;
	long long have, want;

	if (ch->qty == 0) {
		json_object_del(data, KEY_CART);   /* absent is fine */
		return ERR_OK;
	}
	if (!(cart = cart_object(data)))
		return ERR_NOMEM;
	snprintf(key, sizeof(key), "%lld", ch->product_id);
	have = json_integer_value(json_object_get(cart, key));
	if (have < 0 || have > CART_QTY_MAX)
		have = 0;
	if (ch->qty > 0) {
		want = have + ch->qty;
		if (want > CART_QTY_MAX)
			return ERR_INVAL;
		if (!have && json_object_size(cart) >= CART_PRODUCTS_MAX)
			return ERR_TOOBIG;
	} else {
		if (!have)
			return ERR_NOTFOUND;
		want = have + ch->qty;
	}
	if (want <= 0)
		return json_object_del(cart, key) ? ERR_INTERNAL : ERR_OK;
	return json_object_set_new(cart, key, json_integer(want)) ?
		ERR_NOMEM : ERR_OK;
}

enum err cart_guest_add(struct db *db, struct session *s,
			long long product_id, int qty)
{
	struct guest_change ch = { product_id, qty };

	if (qty < CART_QTY_MIN || qty > CART_QTY_MAX)
		return ERR_INVAL;
	return session_update(db, s, guest_apply, &ch);
}

enum err cart_guest_remove(struct db *db, struct session *s,
			   long long product_id, int qty)
{
	struct guest_change ch = { product_id, -qty };

	if (qty < CART_QTY_MIN || qty > CART_QTY_MAX)
		return ERR_INVAL;
	return session_update(db, s, guest_apply, &ch);
}

enum err cart_guest_clear(struct db *db, struct session *s)
{
	struct guest_change ch = { 0, 0 };

	return session_update(db, s, guest_apply, &ch);
}

/* ---- user cart, in user_carts --------------------------------------------- */

enum err cart_user_read(struct db *db, long long user_id, struct cart *out)
{
	static const char sql[] = "SELECT product_id, qty FROM user_carts "
		"WHERE user_id = ? ORDER BY product_id LIMIT ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	enum err e = ERR_OK;
	int rc;

	out->n = 0;
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int(st, 2, CART_PRODUCTS_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->lines[out->n].product_id = sqlite3_column_int64(st, 0);
		out->lines[out->n].qty = sqlite3_column_int(st, 1);
		out->n++;
	}
	if (rc != SQLITE_DONE)
		e = ERR_DB;
	sqlite3_reset(st);
	return e;
}

/* The stored quantity of one line of user_id's cart (0 when none). */
static enum err user_qty(struct db *db, long long user_id,
			 long long product_id, long long *qty)
{
	static const char sql[] = "SELECT qty FROM user_carts "
		"WHERE user_id = ? AND product_id = ?";

	return db_int(db, sql, qty, "ii", user_id, product_id);
}

enum err cart_user_add(struct db *db, long long user_id,
		       long long product_id, int qty)
{
	long long have;
	struct cart c;
	enum err e;

	c.n = 0;
	if (qty < CART_QTY_MIN || qty > CART_QTY_MAX)
		return ERR_INVAL;
	if ((e = db_begin(db)))
		return e;
	if ((e = user_qty(db, user_id, product_id, &have)) ||
	    (!have && (e = cart_user_read(db, user_id, &c))))
		goto fail;
	if (have + qty > CART_QTY_MAX) {
		e = ERR_INVAL;
		goto fail;
	}
	if (!have && c.n >= CART_PRODUCTS_MAX) {
		e = ERR_TOOBIG;
		goto fail;
	}
	if ((e = db_exec(db, "INSERT INTO user_carts (user_id, product_id, "
			 "qty) VALUES (?, ?, ?) ON CONFLICT (user_id, "
			 "product_id) DO UPDATE SET qty = qty + excluded.qty",
			 "iii", user_id, product_id, (long long)qty)))
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return e;
}

enum err cart_user_remove(struct db *db, long long user_id,
			  long long product_id, int qty)
{
	long long have;
	enum err e;

	if (qty < CART_QTY_MIN || qty > CART_QTY_MAX)
		return ERR_INVAL;
	if ((e = db_begin(db)))
		return e;
	if ((e = user_qty(db, user_id, product_id, &have)))
		goto fail;
	if (!have) {
		e = ERR_NOTFOUND;
		goto fail;
	}
	if (have <= qty)
		e = db_exec(db, "DELETE FROM user_carts WHERE user_id = ? AND "
			    "product_id = ?", "ii", user_id, product_id);
	else
		e = db_exec(db, "UPDATE user_carts SET qty = qty - ? "
			    "WHERE user_id = ? AND product_id = ?", "iii",
			    (long long)qty, user_id, product_id);
	if (e)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return e;
}

enum err cart_user_clear(struct db *db, long long user_id)
{
	return db_exec(db, "DELETE FROM user_carts WHERE user_id = ?", "i",
		       user_id);
}

/* ---- merge at login ------------------------------------------------------- */

struct merge_arg {
	struct db *db;
	long long  user_id;
	long long  now;
	int        merged;
};

/* Merge one guest line into the stored cart; append its record. */
static enum err merge_line(struct merge_arg *m, const struct cart_line *l,
			   json_t *items)
{
	struct product p;
	long long before, after;
	json_t *rec;
	enum err e;

	if ((e = cart_product(m->db, l->product_id, &p)) == ERR_NOTFOUND)
		return ERR_OK;          /* gone from the catalogue */
	if (e || (e = user_qty(m->db, m->user_id, l->product_id, &before)))
		return e;
	after = before + l->qty;
	if (after > CART_QTY_MAX)
		after = CART_QTY_MAX;
	if ((e = db_exec(m->db, "INSERT INTO user_carts (user_id, product_id,"
			 " qty) VALUES (?, ?, ?) ON CONFLICT (user_id, "
			 "product_id) DO UPDATE SET qty = excluded.qty", "iii",
			 m->user_id, l->product_id, after)))
		return e;
	rec = json_pack("{s:I, s:i, s:I, s:I, s:b}", "product",
			(json_int_t)l->product_id, "added", l->qty, "before",
			(json_int_t)before, "after", (json_int_t)after,
			"capped", before + l->qty > CART_QTY_MAX);
	if (!rec || json_array_append_new(items, rec))
		return ERR_NOMEM;
	m->merged++;
	return ERR_OK;
}

/* session_update callback: the whole merge, inside its transaction. */
static enum err merge_apply(json_t *data, void *arg)
{
	struct merge_arg *m = arg;
	struct cart guest;
	json_t *items, *rec;
	enum err e = ERR_OK;
	size_t i;

	m->merged = 0;
	cart_guest_read(data, &guest);
	json_object_del(data, KEY_CART);
	json_object_del(data, KEY_MERGE);
	if (!guest.n)
		return ERR_OK;
	if (!(items = json_array()))
		return ERR_NOMEM;
	for (i = 0; i < guest.n && !e; i++)
		e = merge_line(m, &guest.lines[i], items);
	if (e) {
		json_decref(items);
		return e;
	}
	rec = json_pack("{s:I, s:o}", "at", (json_int_t)m->now, "items",
			items);
	if (!rec || json_object_set_new(data, KEY_MERGE, rec))
		return ERR_NOMEM;
	return ERR_OK;
}

enum err cart_merge_at_login(struct db *db, struct session *s,
			     long long user_id, long long now, int *merged)
{
	struct merge_arg m = { db, user_id, now, 0 };
	enum err e = session_update(db, s, merge_apply, &m);

	if (merged)
		*merged = e ? 0 : m.merged;
	return e;
}

enum err cart_merge_set(struct db *db, const json_t *data, enum lang lang,
			struct tmpl_vars *vars, const char *name)
{
	const json_t *items = json_object_get(json_object_get(data, KEY_MERGE),
					      "items");
	struct tmpl_vars *v;
	struct product p;
	const json_t *it;
	enum err e;
	size_t i;

	if ((e = tmpl_list(vars, name)) || !json_is_array(items))
		return e;
	json_array_foreach(items, i, it) {
		json_int_t id = json_integer_value(json_object_get(it,
								   "product"));

		if (cart_product(db, id, &p))
			continue;
		if ((e = tmpl_row_add(vars, name, &v)) ||
		    (e = tmpl_set(v, "name", cart_product_name(&p, lang))) ||
		    (e = tmpl_setf(v, "added", "%lld", (long long)
				   json_integer_value(json_object_get(it,
								      "added")))) ||
		    (e = tmpl_setf(v, "before", "%lld", (long long)
				   json_integer_value(json_object_get(it,
								      "before")))) ||
		    (e = tmpl_setf(v, "after", "%lld", (long long)
				   json_integer_value(json_object_get(it,
								      "after")))) ||
		    (e = tmpl_set(v, "capped",
				  json_is_true(json_object_get(it, "capped")) ?
				  "1" : "")))
			break;
	}
	return e;
}
