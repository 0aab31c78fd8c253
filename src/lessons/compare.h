/*
 * compare.h - the cookie-only pane of S-X1 (/compare): a login and a cart
 * kept entirely in signed cookies, with nothing stored on the server.
 *
 * Both values are signed with signed_make (src/signed.h), so the browser
 * can read them but not change them:
 *
 *     cmp_login = "cmp." user "." role "." exp  "." tag
 *     cmp_cart  = "cmpcart." user "." id "-" qty ("_" id "-" qty)* "." tag
 *
 * The login carries its own expiry (exp, Unix seconds of the site clock),
 * because a signature alone never expires; the cart names its user, so one
 * user's cart cookie is refused for another. The "cmp"/"cmpcart" prefixes
 * keep these payloads from ever being read as each other or as the S-C5
 * lesson's "user.role" pair, which the same key signs.
 */
#ifndef COMPARE_H
#define COMPARE_H

#include "base/buf.h"
#include "lessons/cart.h"
#include "http/cookie.h"
#include "base/err.h"
#include "state/signed.h"

#define COMPARE_LOGIN_COOKIE  "cmp_login"
#define COMPARE_CART_COOKIE   "cmp_cart"
#define COMPARE_PATH          "/compare"      /* both cookies' Path */
#define COMPARE_CART_LINES_MAX 12             /* keeps the payload under
						 SIGNED_PAYLOAD_MAX */

/* Why a cookie-only login or cart was refused. */
enum compare_why {
	COMPARE_OK = 0,
	COMPARE_MISSING,     /* no cookie */
	COMPARE_MALFORMED,   /* not a signed value of this shape */
	COMPARE_BAD_TAG,     /* signed value edited */
	COMPARE_EXPIRED,     /* login: exp has passed */
	COMPARE_OTHER_USER   /* cart: signed for another user */
};

struct compare_login {
	char      user[SIGNED_FIELD_MAX + 1];
	char      role[SIGNED_FIELD_MAX + 1];
	long long exp;
};

/*
 * compare_cookie_spec: fill *cs for cookie name with value: Path
 * COMPARE_PATH, HttpOnly, SameSite=Lax, Secure when https, Max-Age
 * max_age (0 deletes). cs points at name and value; nothing is copied.
 */
void compare_cookie_spec(struct cookie_spec *cs, const char *name,
			 const char *value, long max_age, int https);

/*
 * compare_login_make: append the signed login value for user (3..32 of
 * [a-z0-9_]) and role ([a-z0-9_], 1..32) expiring at exp (> 0) to out.
 * ERR_INVAL otherwise; out unchanged on failure.
 */
enum err compare_login_make(const char *user, const char *role,
			    long long exp, struct buf *out);

/*
 * compare_login_read: verify value (may be NULL) and fill *out. COMPARE_OK
 * only when the tag matches, the payload has the login shape and
 * now < exp; for COMPARE_EXPIRED *out is still filled (to show what it
 * said), for every other refusal it is zeroed.
 */
enum compare_why compare_login_read(const char *value, long long now,
				    struct compare_login *out);

/*
 * compare_cart_read: verify the cart value (may be NULL) signed for user
 * into *out. COMPARE_MISSING (an empty cart) when there is no cookie;
 * *out is empty unless COMPARE_OK.
 */
enum compare_why compare_cart_read(const char *value, const char *user,
				   struct cart *out);

/*
 * compare_cart_add: qty (CART_QTY_MIN..MAX) more of product_id
 * (1..CART_ID_MAX) in *cart. ERR_INVAL when qty or the id is out of range
 * or the line would pass CART_QTY_MAX, ERR_TOOBIG when a new line would
 * pass COMPARE_CART_LINES_MAX; the cart is unchanged on error. The caller
 * has checked that the product exists.
 */
enum err compare_cart_add(struct cart *cart, long long product_id, int qty);

/*
 * compare_cart_make: append the signed cart value of user's non-empty
 * cart (at most COMPARE_CART_LINES_MAX lines) to out. ERR_INVAL for an
 * empty or oversized cart or a bad user; out unchanged on failure.
 */
enum err compare_cart_make(const char *user, const struct cart *cart,
			   struct buf *out);

/* compare_why_name: "ok", "missing", "malformed", "bad_tag", "expired",
 * "other_user" (static). */
const char *compare_why_name(enum compare_why w);

/* compare_why_key: the i18n key explaining w ("compare.why.*"). */
const char *compare_why_key(enum compare_why w);

#endif
