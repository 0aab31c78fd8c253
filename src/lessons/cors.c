/*
 * cors.c - the CORS replies of S-C9. See cors.h.
 */
#include "lessons/cors.h"

#include <string.h>

static const char *const names[] = { "none", "star", "origin",
				     "credentials" };

enum err cors_mode_parse(const char *s, enum cors_mode *out)
{
	size_t i;

	*out = CORS_NONE;
	if (!s || !*s)
		return ERR_OK;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum cors_mode)i;
			return ERR_OK;
		}
	}
	return ERR_INVAL;
}

const char *cors_mode_name(enum cors_mode m)
{
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ?
		names[m] : "none";
}

/* http:// or https://, then [A-Za-z0-9.:-]+ and nothing else. */
static int origin_ok(const char *o)
{
	size_t i, start, n = strlen(o);

	if (n > CORS_ORIGIN_MAX)
		return 0;
	if (!strncmp(o, "http://", 7))
		start = 7;
	else if (!strncmp(o, "https://", 8))
		start = 8;
	else
		return 0;
	if (start == n)
		return 0;
	for (i = start; i < n; i++) {
		char c = o[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == ':' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

enum err cors_apply(struct response *res, enum cors_mode m,
		    const char *origin, const char *const allowed[],
		    int *granted)
{
	size_t i;
	enum err e;

	*granted = 0;
	if (!origin || !*origin || m == CORS_NONE)
		return ERR_OK;
	if (m == CORS_STAR) {
		*granted = 1;
		return response_header(res, "Access-Control-Allow-Origin",
				       "*");
	}
	/* The answer depends on Origin: caches must know. */
	if ((e = response_header(res, "Vary", "Origin")))
		return e;
	if (!origin_ok(origin))
		return ERR_OK;
	if (m == CORS_ORIGIN) {
		*granted = 1;
		return response_header(res, "Access-Control-Allow-Origin",
				       origin);
	}
	for (i = 0; allowed && allowed[i]; i++) {
		if (!strcmp(origin, allowed[i])) {
			*granted = 1;
			if ((e = response_header(res,
					"Access-Control-Allow-Origin",
					origin)))
				return e;
			return response_header(res,
				"Access-Control-Allow-Credentials", "true");
		}
	}
	return ERR_OK;
}

/* host_len: the length of the host part of "name[:port]" (an IPv6
 * literal "[::1]:8080" keeps its brackets). */
static size_t host_len(const char *h)
{
	const char *colon;

	if (h[0] == '[') {
		const char *end = strchr(h, ']');

		return end ? (size_t)(end - h) + 1 : strlen(h);
	}
	colon = strrchr(h, ':');
	return colon ? (size_t)(colon - h) : strlen(h);
}

enum cors_relation cors_relation(const char *origin, int https,
				 const char *host)
{
	const char *scheme = https ? "https://" : "http://";
	size_t sl = strlen(scheme), a, b;
	const char *o;

	if (!origin || !*origin)
		return CORS_REL_NONE;
	if (!host || !*host || !origin_ok(origin) ||
	    strncmp(origin, scheme, sl))
		return CORS_REL_CROSS_SITE;
	o = origin + sl;
	if (!strcmp(o, host))
		return CORS_REL_SAME_ORIGIN;
	a = host_len(o);
	b = host_len(host);
	if (a == b && !strncmp(o, host, a))
		return CORS_REL_SAME_SITE;
	return CORS_REL_CROSS_SITE;
}

const char *cors_relation_key(enum cors_relation r)
{
	switch (r) {
	case CORS_REL_NONE:        return "cors.rel.none";
	case CORS_REL_SAME_ORIGIN: return "cors.rel.same_origin";
	case CORS_REL_SAME_SITE:   return "cors.rel.same_site";
	case CORS_REL_CROSS_SITE:  return "cors.rel.cross_site";
	}
	return "cors.rel.cross_site";
}

const char *cors_relation_name(enum cors_relation r)
{
	switch (r) {
	case CORS_REL_NONE:        return "none";
	case CORS_REL_SAME_ORIGIN: return "same-origin";
	case CORS_REL_SAME_SITE:   return "same-site";
	case CORS_REL_CROSS_SITE:  return "cross-site";
	}
	return "cross-site";
}
