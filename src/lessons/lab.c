/*
 * lab.c - the cookie lab and the limits lab. See lab.h.
 */
#include "lessons/lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The site's own cookies and how to get each group back (lab.h). The
 * names of other programs' cookies are spelled here as those programs
 * set them (refresh.h, compare.h, cgi-bin/auth.c, cgi-bin/scale.c). */
enum {
	G_LOGIN, G_PREFS, G_NOTICE, G_VISITS, G_HELLO, G_LIFETIME,
	G_SAMESITE, G_TAMPER, G_JWT, G_STORAGE, G_COMPARE, G_SCALE
};

static const struct lab_site_group site_groups[] = {
	[G_LOGIN]    = { "limits.site.login",    "/session/login" },
	[G_PREFS]    = { "limits.site.prefs",    "/prefs" },
	[G_NOTICE]   = { "limits.site.notice",   "/notice/" },
	[G_VISITS]   = { "limits.site.visits",   "/visits" },
	[G_HELLO]    = { "limits.site.hello",    "/cookies/hello" },
	[G_LIFETIME] = { "limits.site.lifetime", "/cookies/lifetime" },
	[G_SAMESITE] = { "limits.site.samesite", "/cookies/samesite" },
	[G_TAMPER]   = { "limits.site.tamper",   "/cookies/tamper/" },
	[G_JWT]      = { "limits.site.jwt",      "/jwt" },
	[G_STORAGE]  = { "limits.site.storage",  "/jwt/storage" },
	[G_COMPARE]  = { "limits.site.compare",  "/compare" },
	[G_SCALE]    = { "limits.site.scale",    "/lab/scale" },
};

static const struct lab_site_cookie site_cookies[] = {
	{ "sid",             "/",                1, G_LOGIN },
	{ "__Host-sid",      "/",                1, G_LOGIN },
	{ "theme",           "/",                0, G_PREFS },
	{ "lang",            "/",                0, G_PREFS },
	{ "sort",            "/",                0, G_PREFS },
	{ "hideNotice",      "/",                0, G_NOTICE },
	{ "visitId",         "/",                1, G_VISITS },
	{ "hello",           "/cookies/hello",   0, G_HELLO },
	{ "keep_session",    "/cookies/",        0, G_LIFETIME },
	{ "keep_persistent", "/cookies/",        0, G_LIFETIME },
	{ "ss_strict",       "/cookies/",        0, G_SAMESITE },
	{ "ss_lax",          "/cookies/",        0, G_SAMESITE },
	{ "ss_none",         "/cookies/",        0, G_SAMESITE },
	{ "ss_default",      "/cookies/",        0, G_SAMESITE },
	{ "user",            "/cookies/tamper/", 0, G_TAMPER },
	{ "role",            "/cookies/tamper/", 0, G_TAMPER },
	{ "signed_login",    "/cookies/tamper/", 1, G_TAMPER },
	{ "refresh_token",   "/api/auth",        1, G_JWT },
	{ "lab_token",       "/jwt/storage",     1, G_STORAGE },
	{ "cmp_login",       "/compare",         1, G_COMPARE },
	{ "cmp_cart",        "/compare",         1, G_COMPARE },
	{ "scale_sid",       "/lab/scale",       1, G_SCALE },
	{ "scale_node",      "/lab/scale",       0, G_SCALE },
};

#define N_SITE (sizeof(site_cookies) / sizeof(site_cookies[0]))

_Static_assert(N_SITE <= LAB_SITE_MAX && LAB_SITE_MAX <= 32,
	       "a mask of site cookies fits an unsigned long");

/* The Paths the builder offers (and clears). */
static const char *const lab_paths[] = {
	LAB_PATH, LAB_SUB_PATH, "/", NULL
};

const struct lab_site_cookie *lab_site_cookies(size_t *n)
{
	*n = N_SITE;
	return site_cookies;
}

const struct lab_site_group *lab_site_groups(size_t *n)
{
	*n = sizeof(site_groups) / sizeof(site_groups[0]);
	return site_groups;
}

/* The index of name[0..len) in the table, or -1. */
static int site_index(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_SITE; i++)
		if (strlen(site_cookies[i].name) == len &&
		    !memcmp(site_cookies[i].name, name, len))
			return (int)i;
	return -1;
}

const char *lab_builder_key(const char *why)
{
	/* Longest prefixes first where one is a prefix of another. */
	static const struct { const char *start; const char *key; } tab[] = {
		{ "Cookie name is empty",          "lab.builder.name_empty" },
		{ "Cookie name is longer",         "lab.builder.name_long" },
		{ "Cookie name and value",         "lab.builder.too_big" },
		{ "Cookie name must",              "lab.builder.name_token" },
		{ "Cookie value may only",         "lab.builder.value_octets" },
		{ "Path is longer",                "lab.builder.path_long" },
		{ "Path must",                     "lab.builder.path_chars" },
		{ "Domain is longer",              "lab.builder.domain_long" },
		{ "Domain may only",               "lab.builder.domain_chars" },
		{ "Expires must",                  "lab.builder.expires" },
		{ "SameSite=None requires",        "lab.why.none_secure" },
		{ "SameSite must",                 "lab.builder.samesite" },
		{ "A __Secure- cookie requires",   "lab.why.prefix_secure" },
		{ "A __Host- cookie requires Secure", "lab.why.prefix_secure" },
		{ "A __Host- cookie requires Path", "lab.why.host_path" },
		{ "A __Host- cookie must not",     "lab.why.host_domain" },
	};
	size_t i;

	if (!why)
		return NULL;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strncmp(why, tab[i].start, strlen(tab[i].start)))
			return tab[i].key;
	return NULL;
}

int lab_reserved(const char *name)
{
	return site_index(name, strlen(name)) >= 0;
}

unsigned long lab_site_seen(const struct cookie_jar *jar)
{
	unsigned long mask = 0;
	size_t i;
	int k;

	for (i = 0; i < jar->n; i++)
		if ((k = site_index(jar->pairs[i].name,
				    strlen(jar->pairs[i].name))) >= 0)
			mask |= 1UL << k;
	return mask;
}

enum err lab_site_parse(const char *list, unsigned long *mask)
{
	const char *p, *comma;
	size_t len;
	int k;

	*mask = 0;
	if (!list || !*list)
		return ERR_OK;
	if (strlen(list) > LAB_SITE_LIST_MAX)
		return ERR_INVAL;
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if ((k = site_index(p, len)) < 0 || (*mask & (1UL << k))) {
			*mask = 0;
			return ERR_INVAL;
		}
		*mask |= 1UL << k;
		if (!comma)
			return ERR_OK;
	}
}

enum err lab_site_format(unsigned long mask, const char *sep,
			 struct buf *out)
{
	size_t i;
	int first = 1;
	enum err e = ERR_OK;

	for (i = 0; i < N_SITE && !e; i++) {
		if (!(mask & (1UL << i)))
			continue;
		if (!first)
			e = buf_puts(out, sep);
		if (!e)
			e = buf_puts(out, site_cookies[i].name);
		first = 0;
	}
	return e;
}

/* A checkbox: absent, or exactly "1". */
static int checkbox(const struct http_fields *f, const char *name, int *on)
{
	const char *v = http_field(f, name);

	*on = v != NULL;
	return !v || !strcmp(v, "1");
}

enum err lab_from_form(const struct http_fields *form, long long now,
		       struct lab_cookie *out, const char **why_key,
		       const char **builder_why)
{
	const char *name = http_field(form, "name");
	const char *value = http_field(form, "value");
	const char *life = http_field(form, "life");
	const char *seconds = http_field(form, "seconds");
	const char *path = http_field(form, "path");
	const char *domain = http_field(form, "domain");
	const char *samesite = http_field(form, "samesite");
	const char *prefix = http_field(form, "prefix");
	struct cookie_spec *cs = &out->spec;
	enum cookie_samesite ss;
	struct buf probe;
	long long secs = 0;
	int secure, http_only, has_max_age = 0, has_expires = 0;
	size_t i;
	int n;
	enum err e;

	memset(out, 0, sizeof(*out));
	*why_key = "lab.why.malformed";
	*builder_why = NULL;
	if (!prefix)
		prefix = "";
	if (strcmp(prefix, "") && strcmp(prefix, "__Secure-") &&
	    strcmp(prefix, "__Host-"))
		return ERR_INVAL;
	if (!checkbox(form, "secure", &secure) ||
	    !checkbox(form, "httponly", &http_only))
		return ERR_INVAL;
	if (!samesite || !*samesite)
		ss = SAMESITE_UNSET;
	else if (!strcmp(samesite, "Strict"))
		ss = SAMESITE_STRICT;
	else if (!strcmp(samesite, "Lax"))
		ss = SAMESITE_LAX;
	else if (!strcmp(samesite, "None"))
		ss = SAMESITE_NONE;
	else
		return ERR_INVAL;
	if (!life || !strcmp(life, "session")) {
		if (seconds && *seconds &&
		    http_parse_num(seconds, LAB_SECONDS_MIN, LAB_SECONDS_MAX,
				   HTTP_NUM_ZEROS, &secs))
			return ERR_INVAL;
	} else if (!strcmp(life, "max-age") || !strcmp(life, "expires")) {
		if (http_parse_num(seconds, LAB_SECONDS_MIN, LAB_SECONDS_MAX,
				   HTTP_NUM_ZEROS, &secs)) {
			*why_key = "lab.why.seconds";
			return ERR_INVAL;
		}
		has_max_age = life[0] == 'm';
		has_expires = !has_max_age;
	} else {
		return ERR_INVAL;
	}
	if (!path || !*path)
		path = LAB_PATH;
	for (i = 0; lab_paths[i] && strcmp(path, lab_paths[i]); i++)
		;
	if (!lab_paths[i]) {
		*why_key = "lab.why.path";
		return ERR_INVAL;
	}
	if (!name || !*name) {
		*why_key = "lab.why.name_empty";
		return ERR_INVAL;
	}
	n = snprintf(out->name, sizeof(out->name), "%s%s", prefix, name);
	if (n < 0 || (size_t)n >= sizeof(out->name)) {
		*why_key = "lab.why.name_long";
		return ERR_INVAL;
	}
	if (lab_reserved(out->name)) {
		*why_key = "lab.why.reserved";
		return ERR_INVAL;
	}
	cookie_spec_init(cs, out->name, value ? value : "", lab_paths[i],
			 COOKIE_SESSION,
			 (secure ? COOKIE_SECURE : 0) |
			 (http_only ? COOKIE_HTTPONLY : 0), ss);
	/* The form's own choices, not repaired for a prefix: the checks
	 * below explain a broken prefix rule instead. A negative Max-Age is
	 * sent (as 0), as the student asked. */
	cs->secure = secure;
	cs->path = lab_paths[i];
	cs->domain = domain && *domain ? domain : NULL;
	if (has_max_age) {
		cs->has_max_age = 1;
		cs->max_age = (long)secs;
	} else if (has_expires) {
		cs->has_expires = 1;
		cs->expires = (time_t)(now + secs);
	}
	if (strlen(cs->value) > LAB_VALUE_MAX) {
		*why_key = "lab.why.value_long";
		return ERR_INVAL;
	}
	/* The combinations the lesson explains, before the builder's own
	 * checks (which would refuse them too, in English only). */
	if (cs->same_site == SAMESITE_NONE && !cs->secure) {
		*why_key = "lab.why.none_secure";
		return ERR_INVAL;
	}
	if (*prefix && !cs->secure) {
		*why_key = "lab.why.prefix_secure";
		return ERR_INVAL;
	}
	if (!strcmp(prefix, "__Host-") && cs->domain) {
		*why_key = "lab.why.host_domain";
		return ERR_INVAL;
	}
	if (!strcmp(prefix, "__Host-") && strcmp(cs->path, "/")) {
		*why_key = "lab.why.host_path";
		return ERR_INVAL;
	}
	buf_init(&probe);
	e = cookie_build(cs, &probe, builder_why);
	buf_cleanup(&probe);
	if (e) {
		*why_key = "lab.why.builder";
		return ERR_INVAL;
	}
	*why_key = NULL;
	return ERR_OK;
}

/* Add Set-Cookie name=value at path; expire when max_age is 0. */
static enum err put(struct response *res, const char *name,
		    const char *value, const char *path, int expire)
{
	struct cookie_spec cs;

	cookie_spec_init(&cs, name, value, path, expire ? 0 : COOKIE_SESSION,
			 0, SAMESITE_LAX);
	return response_cookie(res, &cs, NULL);
}

enum err lab_expire_received(struct response *res,
			     const struct cookie_jar *jar, size_t *n,
			     size_t *left)
{
	struct cookie_spec cs;
	size_t i, p, lines = 0;
	enum err e = ERR_OK;

	*n = 0;
	*left = 0;
	for (i = 0; i < jar->n; i++) {
		const char *name = jar->pairs[i].name;
		int host = !strncmp(name, "__Host-", 7);

		if (jar->pairs[i].duplicate || lab_reserved(name))
			continue;
		if (lines + 3 > LAB_CLEAR_BATCH) {
			(*left)++;
			continue;
		}
		(*n)++;
		for (p = 0; lab_paths[p]; p++) {
			if (host && strcmp(lab_paths[p], "/"))
				continue;
			cookie_spec_init(&cs, name, "", lab_paths[p], 0, 0,
					 SAMESITE_UNSET);
			/* The name as received, unrepaired: every "__" name
			 * is tried with Secure at each path, and the builder
			 * refuses a path its prefix forbids. */
			cs.path = lab_paths[p];
			cs.secure = name[0] == '_' && name[1] == '_';
			/* A name the builder would refuse cannot be expired
			 * by a Set-Cookie either; skip it. */
			e = response_cookie(res, &cs, NULL);
			if (e == ERR_INVAL)
				e = ERR_OK;
			if (e)
				return e;
			lines++;
		}
	}
	return e;
}

enum err lab_big(struct response *res, long size, const char **why)
{
	struct cookie_spec cs;
	char *value;
	enum err e;

	*why = NULL;
	if (size < 4 || size > LAB_BIG_MAX)
		return ERR_INVAL;
	if (!(value = malloc((size_t)size - 3 + 1)))
		return ERR_NOMEM;
	memset(value, 'x', (size_t)size - 3);
	value[size - 3] = '\0';
	cookie_spec_init(&cs, "big", value, LAB_LIMITS_PATH, COOKIE_SESSION, 0,
			 SAMESITE_LAX);
	e = response_cookie(res, &cs, why);
	free(value);
	return e;
}

enum err lab_many(struct response *res, long first)
{
	char name[32];
	long i;
	enum err e;

	if (first < 1 || first > LAB_MANY_TOTAL ||
	    (first - 1) % LAB_MANY_BATCH)
		return ERR_INVAL;
	for (i = first; i < first + LAB_MANY_BATCH; i++) {
		snprintf(name, sizeof(name), "c%03ld", i);
		if ((e = put(res, name, "1", LAB_LIMITS_PATH, 0)))
			return e;
	}
	return ERR_OK;
}

enum err lab_fill(struct response *res)
{
	char name[32], *value;
	size_t vlen = LAB_FILL_BYTES - 5;   /* "fill1" */
	int i;
	enum err e = ERR_OK;

	if (!(value = malloc(vlen + 1)))
		return ERR_NOMEM;
	memset(value, 'f', vlen);
	value[vlen] = '\0';
	for (i = 1; i <= LAB_FILL_COUNT && !e; i++) {
		snprintf(name, sizeof(name), "fill%d", i);
		e = put(res, name, value, LAB_LIMITS_PATH, 0);
	}
	free(value);
	return e;
}

enum err lab_expire_limits(struct response *res, size_t *left)
{
	char name[32];
	size_t lines = 0;
	long i;
	enum err e;

	*left = 0;
	if ((e = put(res, "big", "", LAB_LIMITS_PATH, 1)))
		return e;
	lines++;
	for (i = 1; i <= LAB_FILL_COUNT; i++, lines++) {
		snprintf(name, sizeof(name), "fill%ld", i);
		if ((e = put(res, name, "", LAB_LIMITS_PATH, 1)))
			return e;
	}
	for (i = 1; i <= LAB_MANY_TOTAL; i++) {
		if (lines >= LAB_CLEAR_BATCH) {
			(*left)++;
			continue;
		}
		snprintf(name, sizeof(name), "c%03ld", i);
		if ((e = put(res, name, "", LAB_LIMITS_PATH, 1)))
			return e;
		lines++;
	}
	return ERR_OK;
}
