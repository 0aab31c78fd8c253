/*
 * compare.c - the cookie-only pane's signed login and cart. See compare.h.
 */
#include "lessons/compare.h"

#include <stdio.h>
#include <string.h>

#include "state/auth.h"
#include "http/http.h"

#define LOGIN_PREFIX "cmp"
#define CART_PREFIX  "cmpcart"
#define FIELDS_MAX   4            /* dot-separated fields of a payload */
#define EXP_MAX      253402300799LL /* 9999-12-31: a login's exp */
#define ID_DIGITS    9              /* of CART_ID_MAX */
#define QTY_DIGITS   2              /* of CART_QTY_MAX */

_Static_assert(AUTH_USERNAME_MAX <= SIGNED_FIELD_MAX,
	       "a username fits compare_login.user");
_Static_assert(CART_ID_MAX < 1000000000LL && CART_QTY_MAX < 100,
	       "ID_DIGITS and QTY_DIGITS bound a cart line");
_Static_assert(sizeof(CART_PREFIX) + AUTH_USERNAME_MAX + 1 +
	       COMPARE_CART_LINES_MAX * (ID_DIGITS + 1 + QTY_DIGITS + 1)
	       <= SIGNED_PAYLOAD_MAX,
	       "a full cart fits one signed payload");

void compare_cookie_spec(struct cookie_spec *cs, const char *name,
			 const char *value, long max_age, int https)
{
	cookie_spec_init(cs, name, value, COMPARE_PATH, max_age,
			 COOKIE_HTTPONLY | (https ? COOKIE_SECURE : 0),
			 SAMESITE_LAX);
}

/* Split payload (modified in place) at '.' into exactly want fields. */
static int split(char *payload, char *f[FIELDS_MAX], int want)
{
	int n = 0;
	char *p = payload, *dot;

	for (;;) {
		if (n == want)
			return 0;
		f[n++] = p;
		dot = strchr(p, '.');
		if (!dot)
			break;
		*dot = '\0';
		p = dot + 1;
	}
	return n == want;
}

static enum compare_why from_signed(enum signed_why w)
{
	switch (w) {
	case SIGNED_OK:        return COMPARE_OK;
	case SIGNED_MISSING:   return COMPARE_MISSING;
	case SIGNED_BAD_TAG:   return COMPARE_BAD_TAG;
	case SIGNED_MALFORMED: break;
	}
	return COMPARE_MALFORMED;
}

enum err compare_login_make(const char *user, const char *role,
			    long long exp, struct buf *out)
{
	char payload[SIGNED_PAYLOAD_MAX + 1];
	int n;

	if (!user || !role || !auth_username_valid(user) ||
	    !signed_field_ok(role, strlen(role)) || exp <= 0 || exp > EXP_MAX)
		return ERR_INVAL;
	n = snprintf(payload, sizeof(payload), LOGIN_PREFIX ".%s.%s.%lld",
		     user, role, exp);
	if (n < 0 || (size_t)n >= sizeof(payload))
		return ERR_INVAL;
	return signed_make(payload, out);
}

enum compare_why compare_login_read(const char *value, long long now,
				    struct compare_login *out)
{
	char payload[SIGNED_PAYLOAD_MAX + 1];
	char *f[FIELDS_MAX];
	long long exp;
	enum compare_why w;

	memset(out, 0, sizeof(*out));
	w = from_signed(signed_verify(value, payload, sizeof(payload)));
	if (w != COMPARE_OK)
		return w;
	if (!split(payload, f, 4) || strcmp(f[0], LOGIN_PREFIX) ||
	    !auth_username_valid(f[1]) ||
	    !signed_field_ok(f[2], strlen(f[2])) ||
	    http_parse_num(f[3], 1, EXP_MAX, 0, &exp))
		return COMPARE_MALFORMED;
	memcpy(out->user, f[1], strlen(f[1]) + 1);
	memcpy(out->role, f[2], strlen(f[2]) + 1);
	out->exp = exp;
	return now < exp ? COMPARE_OK : COMPARE_EXPIRED;
}

/* One "id-qty" item (modified in place) into *line. */
static int item_parse(char *s, struct cart_line *line)
{
	char *dash = strchr(s, '-');

	if (!dash)
		return 0;
	*dash = '\0';
	return cart_parse_id(s, &line->product_id) &&
	       cart_parse_qty(dash + 1, &line->qty);
}

enum compare_why compare_cart_read(const char *value, const char *user,
				   struct cart *out)
{
	char payload[SIGNED_PAYLOAD_MAX + 1];
	char *f[FIELDS_MAX], *item, *next;
	struct cart c;
	size_t i;
	enum compare_why w;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	w = from_signed(signed_verify(value, payload, sizeof(payload)));
	if (w != COMPARE_OK)
		return w;
	if (!split(payload, f, 3) || strcmp(f[0], CART_PREFIX) ||
	    !auth_username_valid(f[1]))
		return COMPARE_MALFORMED;
	for (item = f[2]; item; item = next) {
		next = strchr(item, '_');
		if (next)
			*next++ = '\0';
		if (c.n == COMPARE_CART_LINES_MAX ||
		    !item_parse(item, &c.lines[c.n]))
			return COMPARE_MALFORMED;
		for (i = 0; i < c.n; i++)
			if (c.lines[i].product_id == c.lines[c.n].product_id)
				return COMPARE_MALFORMED;
		c.n++;
	}
	if (!user || strcmp(f[1], user))
		return COMPARE_OTHER_USER;
	*out = c;
	return COMPARE_OK;
}

enum err compare_cart_add(struct cart *cart, long long product_id, int qty)
{
	size_t i;

	if (qty < CART_QTY_MIN || qty > CART_QTY_MAX || product_id < 1 ||
	    product_id > CART_ID_MAX)
		return ERR_INVAL;
	for (i = 0; i < cart->n; i++) {
		if (cart->lines[i].product_id != product_id)
			continue;
		if (cart->lines[i].qty + qty > CART_QTY_MAX)
			return ERR_INVAL;
		cart->lines[i].qty += qty;
		return ERR_OK;
	}
	if (cart->n >= COMPARE_CART_LINES_MAX)
		return ERR_TOOBIG;
	cart->lines[cart->n].product_id = product_id;
	cart->lines[cart->n].qty = qty;
	cart->n++;
	return ERR_OK;
}

enum err compare_cart_make(const char *user, const struct cart *cart,
			   struct buf *out)
{
	char payload[SIGNED_PAYLOAD_MAX + 1];
	size_t i, len;
	int n;

	if (!user || !auth_username_valid(user) || cart->n == 0 ||
	    cart->n > COMPARE_CART_LINES_MAX)
		return ERR_INVAL;
	n = snprintf(payload, sizeof(payload), CART_PREFIX ".%s.", user);
	if (n < 0 || (size_t)n >= sizeof(payload))
		return ERR_INVAL;
	len = (size_t)n;
	for (i = 0; i < cart->n; i++) {
		n = snprintf(payload + len, sizeof(payload) - len, "%s%lld-%d",
			     i ? "_" : "", cart->lines[i].product_id,
			     cart->lines[i].qty);
		if (n < 0 || (size_t)n >= sizeof(payload) - len)
			return ERR_INVAL;
		len += (size_t)n;
	}
	return signed_make(payload, out);
}

const char *compare_why_name(enum compare_why w)
{
	switch (w) {
	case COMPARE_OK:         return "ok";
	case COMPARE_MISSING:    return "missing";
	case COMPARE_MALFORMED:  return "malformed";
	case COMPARE_BAD_TAG:    return "bad_tag";
	case COMPARE_EXPIRED:    return "expired";
	case COMPARE_OTHER_USER: return "other_user";
	}
	return "malformed";
}

const char *compare_why_key(enum compare_why w)
{
	switch (w) {
	case COMPARE_OK:         return "compare.why.ok";
	case COMPARE_MISSING:    return "compare.why.missing";
	case COMPARE_MALFORMED:  return "compare.why.malformed";
	case COMPARE_BAD_TAG:    return "compare.why.bad_tag";
	case COMPARE_EXPIRED:    return "compare.why.expired";
	case COMPARE_OTHER_USER: return "compare.why.other_user";
	}
	return "compare.why.malformed";
}
