/*
 * origin.c - same-origin checks and the site's own origin. See origin.h.
 */
#include "http/origin.h"

#include <stdio.h>
#include <string.h>

#include "base/config.h"

const char *origin_scheme(const struct http_request *r)
{
	return r->https ? "https://" : "http://";
}

/* The length of this site's scheme://Host when s starts with it, else 0. */
static size_t our_prefix(const struct http_request *r, const char *s)
{
	const char *scheme = origin_scheme(r);
	size_t sl = strlen(scheme), hl;

	if (!s || !r->host || !*r->host)
		return 0;
	hl = strlen(r->host);
	if (strncmp(s, scheme, sl) || strncmp(s + sl, r->host, hl))
		return 0;
	return sl + hl;
}

int origin_header_matches(const struct http_request *r)
{
	size_t n;

	if (!r->origin || !*r->origin)
		return -1;
	n = our_prefix(r, r->origin);
	return n && r->origin[n] == '\0';
}

int origin_sent_by_us(const struct http_request *r)
{
	int o = origin_header_matches(r);
	size_t n;

	if (o >= 0)
		return o;
	/* No Origin (an older browser, or a GET form): the Referer. */
	if (!r->referer || !*r->referer)
		return 0;
	n = our_prefix(r, r->referer);
	return n && r->referer[n] == '/';
}

int origin_safe_next(const char *next)
{
	size_t i;

	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return 0;
	for (i = 0; next[i]; i++) {
		char ch = next[i];

		if (i == ORIGIN_NEXT_MAX)
			return 0;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("/_.~?=&%-", ch)))
			return 0;
		if (ch == '/' && next[i + 1] == '/')
			return 0;
	}
	return 1;
}

const char *origin_back_path(const struct http_request *r)
{
	size_t n = our_prefix(r, r->referer);
	const char *p;

	if (!n)
		return NULL;
	p = r->referer + n;
	return origin_safe_next(p) ? p : NULL;
}

const char *origin_host(const struct http_request *r)
{
	static char fallback[ORIGIN_HOST_MAX];

	if (r->host && *r->host)
		return r->host;
	if (!fallback[0])
		snprintf(fallback, sizeof(fallback), "%s:%lld",
			 config_str("HOST", "127.0.0.1"),
			 config_long("PORT", 8080, 1, 65535));
	return fallback;
}
