/*
 * cors.h - the CORS replies of S-C9 (Fetch standard, "CORS protocol").
 * GET /cookies/echo?cors=MODE answers a cross-origin fetch in one of four
 * ways, so the lesson can show which ones let the other page's script
 * read the answer:
 *
 *   none         no Access-Control-* header: the browser hides the reply
 *   star         Access-Control-Allow-Origin: *  (readable without
 *                credentials; a credentialed fetch is refused)
 *   origin       the request's Origin echoed, without
 *                Access-Control-Allow-Credentials (credentialed: refused)
 *   credentials  the Origin echoed with Access-Control-Allow-Credentials:
 *                true, but only for an origin on the allowlist. Echoing
 *                any origin with credentials would let every site read
 *                the visitor's data.
 */
#ifndef CORS_H
#define CORS_H

#include "base/err.h"
#include "http/response.h"

#define CORS_ORIGIN_MAX 256   /* bytes of an Origin we echo */

enum cors_mode { CORS_NONE = 0, CORS_STAR, CORS_ORIGIN, CORS_CREDENTIALS };

/* cors_mode_parse: "none", "star", "origin", "credentials" (NULL or ""
 * is none). ERR_INVAL for anything else. */
enum err cors_mode_parse(const char *s, enum cors_mode *out);

/* cors_mode_name: the name cors_mode_parse takes. */
const char *cors_mode_name(enum cors_mode m);

/*
 * cors_apply: add the headers of mode m for a request carrying origin
 * ("" or NULL: not cross-origin, nothing is added). allowed is a
 * NULL-terminated list of origins trusted with credentials. *granted is 1
 * when an Access-Control-Allow-Origin header was sent. A malformed origin
 * (not scheme://host[:port] of [A-Za-z0-9.:-], or too long) is never
 * echoed.
 */
enum err cors_apply(struct response *res, enum cors_mode m,
		    const char *origin, const char *const allowed[],
		    int *granted);

/* How the page that sent a request relates to this site (S-C9). */
enum cors_relation {
	CORS_REL_NONE = 0,     /* no Origin header: typed, bookmarked, or a
				  same-origin GET */
	CORS_REL_SAME_ORIGIN,  /* same scheme, host and port */
	CORS_REL_SAME_SITE,    /* same scheme and host, another port */
	CORS_REL_CROSS_SITE    /* another host (localhost vs 127.0.0.1) */
};

/*
 * cors_relation: compare origin (may be NULL or "") with this site,
 * scheme (https or not) and host (the Host header, "name[:port]"). A site
 * is scheme + host here: for IP addresses and "localhost" that is exact;
 * for real domains browsers use the registrable domain (public suffix
 * list), which this teaching site does not need. A malformed or "null"
 * origin is cross-site.
 */
enum cors_relation cors_relation(const char *origin, int https,
				 const char *host);

/* cors_relation_name: "none", "same-origin", "same-site", "cross-site". */
const char *cors_relation_name(enum cors_relation r);

/* cors_relation_key: the i18n key describing r ("cors.rel.*"). */
const char *cors_relation_key(enum cors_relation r);

#endif
