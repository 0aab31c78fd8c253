/*
 * naive_login.c - INSECURE BY DESIGN: the cookie-only login of S-C5.
 * See naive_login.h. Never use it to authorise anything real.
 */
#include "unsafe/naive_login.h"

#include <string.h>

#include "state/auth.h"

static enum err put(struct response *res, const char *name,
		    const char *value, int expire)
{
	struct cookie_spec cs;

	cookie_spec_init(&cs, name, value, NAIVE_PATH,
			 expire ? 0 : COOKIE_SESSION, 0, SAMESITE_LAX);
	return response_cookie(res, &cs, NULL);
}

enum err naive_login_set(struct response *res, const char *user)
{
	enum err e;

	if (!user || !auth_username_valid(user))
		return ERR_INVAL;
	if ((e = put(res, "user", user, 0)))
		return e;
	return put(res, "role", "user", 0);
}

enum err naive_login_clear(struct response *res)
{
	enum err e;

	if ((e = put(res, "user", "", 1)))
		return e;
	return put(res, "role", "", 1);
}

static void copy_cut(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n > NAIVE_FIELD_MAX) {
		n = NAIVE_FIELD_MAX;
		/* Cut on a character boundary: the jar holds valid UTF-8. */
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int naive_login_read(const struct cookie_jar *jar,
		     char user[NAIVE_FIELD_MAX + 1],
		     char role[NAIVE_FIELD_MAX + 1])
{
	const char *u = cookie_get(jar, "user"), *r = cookie_get(jar, "role");

	copy_cut(user, u);
	copy_cut(role, r);
	return u && r && *u && *r;
}

int naive_login_is_admin(const char *role)
{
	return role && !strcmp(role, "admin");
}
