/*
 * lab.h - the cookie lab of S-C1/S-C2 and the limits lab of S-C4: turning
 * the lab's form into a cookie_spec, refusing (with a reason to explain)
 * the combinations a browser would reject, and the lab's own cookies.
 *
 * Every lab cookie is scoped by Path to the lab (LAB_PATH, its sub-path
 * LAB_SUB_PATH, or LAB_LIMITS_PATH), so that however many or large they
 * get, only the lab's pages carry them; the rest of the site stays usable.
 * Path=/ is allowed in the builder, within LAB_BUDGET. Names the site
 * itself uses (sid, theme, lang, sort, visitId..., the lab_site_cookies
 * table) are refused.
 *
 * The functions that take a struct response only add Set-Cookie lines to
 * it: none sets a status or a body, or answers the client. A refusal is
 * their enum err, which the handler returns (the error page) or shows on
 * its own page with site_keep_answer (cgi-bin/cookies.c). On failure the
 * lines added before it stay in the response.
 */
#ifndef LAB_H
#define LAB_H

#include "base/buf.h"
#include "http/cookie.h"
#include "base/err.h"
#include "http/http.h"
#include "http/response.h"

#define LAB_PATH          "/lab/"
#define LAB_SUB_PATH      "/lab/path/"
#define LAB_LIMITS_PATH   "/lab/limits/"
#define LAB_VALUE_MAX     1024        /* bytes of a builder value */
#define LAB_BUDGET        2048        /* bytes of Cookie header the
					 builder page may already carry
					 before it refuses more */
#define LAB_SECONDS_MAX   34560000L   /* 400 days: browsers cap there */
#define LAB_SECONDS_MIN   (-31536000L)/* a year ago: an Expires in the
					 past deletes */

/* The limits lab (S-C4). */
#define LAB_BIG_MAX       8192        /* bytes asked for the one big cookie */
#define LAB_MANY_TOTAL    200         /* small cookies c001..c200 */
#define LAB_MANY_BATCH    50          /* set per request */
#define LAB_FILL_COUNT    5           /* fill1..fill5 */
#define LAB_FILL_BYTES    4000        /* name + value of each fill cookie:
					 5 of them pass lighttpd's 16 KiB */
#define LAB_CLEAR_BATCH   60          /* expired per response (the
					 response holds 64 Set-Cookie) */

/* A builder cookie: the spec points into this struct and into the form,
 * which must outlive it. */
struct lab_cookie {
	char               name[COOKIE_NAME_MAX + 16];
	struct cookie_spec spec;
};

/*
 * lab_from_form: read the builder's fields (name, value, life = session |
 * max-age | expires, seconds, path, domain, secure, httponly, samesite =
 * "" | Strict | Lax | None, prefix = "" | __Secure- | __Host-) into out,
 * with Expires computed from now.
 *
 * ERR_INVAL when the form is malformed or the cookie would be refused;
 * *why_key (always set on failure) is an i18n key explaining which rule,
 * and *builder_why the English sentence of cookie_build when it was the
 * builder that refused (else NULL). A refused cookie is never sent.
 */
enum err lab_from_form(const struct http_fields *form, long long now,
		       struct lab_cookie *out, const char **why_key,
		       const char **builder_why);

/* lab_reserved: 1 when name is one the site itself uses. */
int lab_reserved(const char *name);

/*
 * lab_expire_received: expire (Max-Age=0) every cookie in jar whose name
 * is not reserved, at each Path the builder offers, at most
 * LAB_CLEAR_BATCH Set-Cookie lines. *n gets the number of names expired,
 * *left how many could not fit.
 */
enum err lab_expire_received(struct response *res,
			     const struct cookie_jar *jar, size_t *n,
			     size_t *left);

/*
 * lab_big: the one big cookie "big" of size bytes (name + value, 4 to
 * LAB_BIG_MAX) at LAB_LIMITS_PATH, added to res. Past 4096 the builder
 * refuses it, as browsers would: ERR_TOOBIG with *why (English). ERR_INVAL
 * for a size out of range.
 */
enum err lab_big(struct response *res, long size, const char **why);

/*
 * lab_many: the small cookies c<first>..c<first+LAB_MANY_BATCH-1>
 * ("c001=1", LAB_LIMITS_PATH). first must be 1, 51, 101 or 151.
 */
enum err lab_many(struct response *res, long first);

/* lab_fill: fill1..fillLAB_FILL_COUNT of LAB_FILL_BYTES each, at
 * LAB_LIMITS_PATH: the next request there passes lighttpd's header limit. */
enum err lab_fill(struct response *res);

/*
 * lab_expire_limits: expire the limits lab's header breakers (big and the
 * fill cookies) and as many small ones as fit in one response, from
 * outside their Path (the 431 rescue). *left gets the small ones left.
 */
enum err lab_expire_limits(struct response *res, size_t *left);

/*
 * The site's own cookies, grouped by the lesson that sets them. The limits
 * lab (S-C4) warns that a flood of lab cookies can make the browser evict
 * them (Chromium keeps about 180 per host and then deletes the least
 * recently used), names those it found gone, and says how to get each
 * group back. The builder refuses every name here (lab_reserved).
 */
#define LAB_SITE_MAX      32          /* entries: the bits of a mask */
#define LAB_SITE_LIST_MAX 512         /* bytes of a "had" list */

struct lab_site_cookie {
	const char *name;
	const char *path;        /* the Path it is set with */
	int         http_only;   /* 1: script cannot see it */
	size_t      group;       /* index into lab_site_groups */
};

struct lab_site_group {
	const char *key;         /* i18n key: what is lost, how to get it
				    back ("limits.site.*") */
	const char *href;        /* the page that sets it again */
};

/* lab_site_cookies: the table (static, *n entries, at most LAB_SITE_MAX). */
const struct lab_site_cookie *lab_site_cookies(size_t *n);

/* lab_site_groups: the groups the table points into (static, *n). */
const struct lab_site_group *lab_site_groups(size_t *n);

/* lab_site_seen: a mask with bit i set when site cookie i is in jar. */
unsigned long lab_site_seen(const struct cookie_jar *jar);

/*
 * lab_site_parse: a comma-separated list of site cookie names ("" or NULL
 * is the empty list) into *mask. ERR_INVAL for an unknown or repeated
 * name, an empty item or a list over LAB_SITE_LIST_MAX bytes; *mask is 0
 * on failure.
 */
enum err lab_site_parse(const char *list, unsigned long *mask);

/*
 * lab_site_format: append the names whose bit is set in mask, in table
 * order, joined by sep (", " for people, "," for a form field), to out.
 * Appends nothing for an empty mask.
 */
enum err lab_site_format(unsigned long mask, const char *sep,
			 struct buf *out);

/*
 * lab_builder_key: the i18n key ("lab.builder.*" or "lab.why.*") that
 * explains why, a refusal sentence of cookie_build, in both languages;
 * NULL for a sentence without a translation (show it as it is).
 */
const char *lab_builder_key(const char *why);

#endif
