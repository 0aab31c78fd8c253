/*
 * prefs.c - the preference allowlists. See prefs.h.
 */
#include "site/prefs.h"

#include <string.h>


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
	static const char *const ok[] = { "ko", "en", "both", NULL };

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
