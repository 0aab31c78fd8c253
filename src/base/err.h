/*
 * err.h - the one error enum every core function returns.
 *
 * Core code never writes a response: it returns one of these, and the site
 * layer maps it to an HTTP status in one place (site.c, site_status_for).
 * A handler that shows its own page or JSON for an error still returns the
 * error (site_keep_answer); only the status comes from the mapping.
 * The names carry an ERR_ prefix because <errno.h> already owns EINVAL.
 */
#ifndef ERR_H
#define ERR_H

enum err {
	ERR_OK = 0,
	ERR_INVAL,      /* malformed or unacceptable client input: 400 */
	ERR_TOOBIG,     /* a named size or count limit was exceeded: 413 */
	ERR_NOTFOUND,   /* no such route or record: 404 */
	ERR_METHOD,     /* method not allowed on this route: 405 */
	ERR_AUTH,       /* not authenticated, or wrong credentials: 401 */
	ERR_FORBIDDEN,  /* not allowed, or a failed CSRF check: 403 */
	ERR_THROTTLED,  /* too many attempts, try later: 429 */
	ERR_CONFLICT,   /* conflicts with what is stored (a username
			   already taken): 409 */
	ERR_DB,         /* storage failure: 500 */
	ERR_UNAVAILABLE,/* the store cannot take a write now (disk full,
			   locked past the busy timeout, I/O error, read-only):
			   503 with Retry-After; nothing was stored */
	ERR_CRYPTO,     /* libsodium failure: 500 */
	ERR_NOMEM,      /* allocation failure: 500 */
	ERR_INTERNAL    /* a broken invariant: 500 */
};

/*
 * err_name: a stable lower-case name for logs and JSON ("invalid_input").
 * Never returns NULL; an out-of-range value yields "unknown".
 */
const char *err_name(enum err e);

#endif
