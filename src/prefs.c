/*
 * prefs.c - preference allowlists and the visitor-form guard. See prefs.h.
 */
#include "prefs.h"

#include <string.h>

#include "csrf.h"
#include "site.h"

/* one_of: the entry of list (NULL-terminated) equal to v, or NULL. */
static const char *one_of(const char *v, const char *const list[])
{
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; list[i]; i++)
		if (!strcmp(v, list[i]))
			return list[i];
	return NULL;
}

const char *prefs_theme(const char *v)
{
	static const char *const ok[] = { "light", "dark", NULL };

	return one_of(v, ok);
}

const char *prefs_lang(const char *v)
{
	static const char *const ok[] = { "ko", "en", NULL };

	return one_of(v, ok);
}

const char *prefs_sort(const char *v)
{
	static const char *const ok[] = { "name", "price-asc", "price-desc",
					  NULL };

	return one_of(v, ok);
}

const char *prefs_sort_of(const struct cookie_jar *jar)
{
	const char *s = prefs_sort(cookie_get(jar, "sort"));

	return s ? s : PREFS_SORT_DEFAULT;
}

int prefs_same_origin(const struct http_request *r)
{
	const char *scheme = r->https ? "https://" : "http://";
	size_t sl = strlen(scheme), hl;
	int o = http_same_origin(r);

	if (o >= 0)
		return o;
	/* No Origin (an older browser, or a GET form): the Referer. */
	if (!r->host || !*r->host || !r->referer || !*r->referer)
		return 0;
	hl = strlen(r->host);
	return !strncmp(r->referer, scheme, sl) &&
	       !strncmp(r->referer + sl, r->host, hl) &&
	       r->referer[sl + hl] == '/';
}

enum err prefs_check_form(const struct http_request *r, int has_session,
			  const unsigned char id_hash[32], const char *token,
			  const char **why_key)
{
	*why_key = NULL;
	if (!prefs_same_origin(r)) {
		*why_key = "cookies.guard.origin";
		return ERR_FORBIDDEN;
	}
	if (has_session && csrf_check(id_hash, token)) {
		*why_key = "cookies.guard.token";
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}

const char *prefs_back_path(const struct http_request *r)
{
	const char *scheme = r->https ? "https://" : "http://";
	size_t sl = strlen(scheme), hl;
	const char *p;

	if (!r->referer || !r->host || !*r->host)
		return NULL;
	hl = strlen(r->host);
	if (strncmp(r->referer, scheme, sl) ||
	    strncmp(r->referer + sl, r->host, hl))
		return NULL;
	p = r->referer + sl + hl;
	return site_safe_next(p) ? p : NULL;
}
