/*
 * naive_login.h - INSECURE BY DESIGN. The cookie-only "login" of S-C5,
 * kept in its own module so that nothing else can mistake it for a way to
 * authenticate anyone.
 *
 * It stores the user name and the role in two plain cookies,
 * "user=alice" and "role=user", readable and writable by script (no
 * HttpOnly) and scoped to NAIVE_PATH, and later believes whatever the
 * browser sends back. Changing "role" to "admin" in devtools makes you an
 * admin: that is the lesson. Only the tamper lesson's routes may call it.
 */
#ifndef NAIVE_LOGIN_H
#define NAIVE_LOGIN_H

#include "http/cookie.h"
#include "base/err.h"
#include "http/response.h"

#define NAIVE_PATH      "/cookies/tamper/"
#define NAIVE_FIELD_MAX 32

/*
 * naive_login_set: send "user=<user>" and "role=user" (Path=NAIVE_PATH,
 * SameSite=Lax, no HttpOnly). user must be valid for auth_username_valid
 * (ERR_INVAL otherwise; nothing is sent).
 */
enum err naive_login_set(struct response *res, const char *user);

/* naive_login_clear: expire both cookies. */
enum err naive_login_clear(struct response *res);

/*
 * naive_login_read: the user and role the browser claims, trusted as
 * they are (that is the flaw). Each is copied into its buffer
 * (NAIVE_FIELD_MAX + 1 bytes), cut at NAIVE_FIELD_MAX bytes; "" when the
 * cookie is absent. Returns 1 when both are present, else 0.
 */
int naive_login_read(const struct cookie_jar *jar,
		     char user[NAIVE_FIELD_MAX + 1],
		     char role[NAIVE_FIELD_MAX + 1]);

/* naive_login_is_admin: 1 when role is exactly "admin". */
int naive_login_is_admin(const char *role);

#endif
