/*
 * cookie.h - the Cookie request header (RFC 6265 §5.4, §4.2) and the
 * Set-Cookie response header (RFC 6265 §4.1, with the __Host-/__Secure-
 * prefixes of RFC 6265bis §4.1.3 and SameSite of §4.1.2.7).
 *
 * Parsing keeps every pair in the order the browser sent it. When a name
 * repeats, the first pair wins (browsers send the most specific Path first,
 * RFC 6265 §5.4 step 2) and the later ones are marked duplicate so that a
 * page can show and explain them.
 *
 * Building refuses anything a browser would reject or misread: a name that
 * is not an RFC 7230 token, a value outside cookie-octet, a Path or Domain
 * with ';' or control bytes, SameSite=None without Secure, and a prefix
 * whose rules are broken.
 */
#ifndef COOKIE_H
#define COOKIE_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"

#define COOKIE_HEADER_MAX 8192   /* bytes in one Cookie header */
#define COOKIE_PAIRS_MAX  256    /* pairs in one Cookie header */
#define COOKIE_NAME_MAX   256    /* bytes in one cookie name */
#define COOKIE_SIZE_MAX   4096   /* name + value, as browsers count it */
#define COOKIE_ATTR_MAX   1024   /* bytes in a Path value */
#define COOKIE_DOMAIN_MAX  253   /* bytes in a Domain value (a DNS name) */

struct cookie_pair {
	char   *name;       /* owned by the jar; NUL-terminated */
	char   *value;      /* owned by the jar; may be empty, never NULL */
	int     duplicate;  /* 1 if an earlier pair had the same name */
};

struct cookie_jar {
	struct cookie_pair *pairs;  /* owned; in header order */
	size_t              n;
	size_t              n_duplicate;
};

/*
 * cookie_parse: split a Cookie header of len bytes (no NUL needed) into
 * pairs. Whitespace around names and values is trimmed; a pair without '='
 * or with an empty name is skipped, as browsers do. A quoted value keeps
 * its quotes (the raw value is what the lesson shows).
 *
 * Returns ERR_TOOBIG past COOKIE_HEADER_MAX or COOKIE_PAIRS_MAX, or for a
 * name over COOKIE_NAME_MAX or a pair over COOKIE_SIZE_MAX (no browser
 * sends those), ERR_INVAL for control bytes (NUL included) or invalid
 * UTF-8, ERR_NOMEM.
 * On failure *jar is left empty. The caller frees with cookie_jar_free.
 */
enum err cookie_parse(const char *hdr, size_t len, struct cookie_jar *jar);

/* cookie_jar_free: release every pair; the jar is empty after. NULL-safe. */
void cookie_jar_free(struct cookie_jar *jar);

/*
 * cookie_get: the value of the first pair called name, or NULL. The string
 * belongs to the jar.
 */
const char *cookie_get(const struct cookie_jar *jar, const char *name);

/* cookie_count: how many pairs (the first and duplicates) are called name. */
size_t cookie_count(const struct cookie_jar *jar, const char *name);

enum cookie_samesite {
	SAMESITE_UNSET = 0,  /* attribute omitted: the browser decides (Lax) */
	SAMESITE_STRICT,
	SAMESITE_LAX,
	SAMESITE_NONE
};

/*
 * One Set-Cookie to build. Zero-initialise, then fill what you need:
 * a NULL path or domain omits the attribute; max_age and expires are only
 * sent when their has_ flag is set. A name starting with "__Host-" or
 * "__Secure-" is checked against the prefix rules.
 */
struct cookie_spec {
	const char          *name;
	const char          *value;
	int                  has_max_age;
	long                 max_age;     /* seconds; 0 or less deletes */
	int                  has_expires;
	time_t               expires;     /* Unix time, sent as IMF-fixdate */
	const char          *path;
	const char          *domain;
	int                  secure;
	int                  http_only;
	enum cookie_samesite same_site;
};

/* cookie_spec_init flags. */
#define COOKIE_SECURE    1   /* send Secure (pass it when the site is https) */
#define COOKIE_HTTPONLY  2   /* send HttpOnly */

/* cookie_spec_init max_age: no Max-Age, a session cookie. */
#define COOKIE_SESSION   (-1L)

/*
 * cookie_spec_init: reset *c and fill the common part of a Set-Cookie:
 * name, value (NULL sends ""), path (NULL omits it), max_age (seconds, 0
 * expires the cookie now; COOKIE_SESSION or any negative value sends no
 * Max-Age), the flags
 * COOKIE_SECURE and COOKIE_HTTPONLY, and same_site. A name with the
 * __Secure- or __Host- prefix gets Secure, and a __Host- one Path=/, as
 * the prefix rules demand. The strings are borrowed, not copied. Set
 * expires or domain afterwards when a cookie needs them.
 */
void cookie_spec_init(struct cookie_spec *c, const char *name,
		      const char *value, const char *path, long max_age,
		      int flags, enum cookie_samesite same_site);

/*
 * cookie_build: append the value of one Set-Cookie header (without the
 * "Set-Cookie: " prefix) to out, attributes in a fixed order:
 * name=value; Max-Age; Expires; Domain; Path; Secure; HttpOnly; SameSite.
 *
 * Returns ERR_INVAL and sets *why (a static English sentence, if why is
 * not NULL) when the cookie is invalid; out is then unchanged.
 * ERR_TOOBIG when name+value passes COOKIE_SIZE_MAX, the name
 * COOKIE_NAME_MAX, the Path COOKIE_ATTR_MAX or the Domain 253 bytes.
 * *why is set for every error and NULL on success. Max-Age of 0 or less is
 * sent as Max-Age=0; Expires must lie in the years 1601-9999; the prefixes
 * are matched ignoring case (RFC 6265bis).
 */
enum err cookie_build(const struct cookie_spec *c, struct buf *out,
		      const char **why);

/*
 * cookie_is_tchar: c is an RFC 9110 §5.6.2 tchar, a byte of a token (a
 * cookie name, a method, a header field name): ALPHA, DIGIT or one of
 * !#$%&'*+-.^_`|~. NUL is not.
 */
int cookie_is_tchar(unsigned char c);

/* cookie_samesite_name: "Strict", "Lax", "None" or "" for SAMESITE_UNSET. */
const char *cookie_samesite_name(enum cookie_samesite s);

/*
 * cookie_format_date: write t as an IMF-fixdate ("Sun, 06 Nov 1994
 * 08:49:37 GMT", RFC 7231 §7.1.1.1) into out, which holds at least 30
 * bytes. Returns out.
 */
char *cookie_format_date(time_t t, char out[30]);

#endif
