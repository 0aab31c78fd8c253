/*
 * ctx.h - the per-request context every handler receives, and the route
 * table entry that names a handler. The modules of site/ that work on a
 * request (the wire view, bearer tokens, the accept loop in site.c) share
 * these; site.h adds the functions a handler calls.
 */
#ifndef CTX_H
#define CTX_H

#include <jansson.h>

#include "state/auth.h"
#include "base/db.h"
#include "base/err.h"
#include "http/http.h"
#include "http/i18n.h"
#include "http/response.h"
#include "state/session.h"
#include "http/tmpl.h"

/* Route flags. */
#define ROUTE_CSRF  0x1   /* POST: require the session's CSRF token */
#define ROUTE_JSON  0x2   /* errors are answered as JSON, not HTML, and
			     a JSON body is accepted */
#define ROUTE_PREFIX 0x4  /* path is a prefix (ends with '/') */

#define SITE_STORE_RETRY_AFTER 5  /* seconds a 503 asks the client to wait
				     when the store cannot take a write */

struct ctx;
typedef enum err (*route_fn)(struct ctx *c);

struct route {
	enum http_method   method;   /* HTTP_GET also answers HEAD */
	const char        *path;
	route_fn           fn;
	unsigned           flags;
	const char *const *fields;   /* NULL-terminated names the query and
					form may carry (NULL: none); "csrf"
					is implied by ROUTE_CSRF */
};

struct site_config {
	const char           *db_path;
	const char           *keys_dir;
	const char           *template_dir;
	struct session_config session;
};

/* Everything one request needs; reset between requests. */
struct ctx {
	struct http_request       req;
	struct response           res;
	struct db                *db;
	const struct site_config *cfg;
	long long                 now;        /* the site clock */
	enum lang                 lang;       /* one language: LANG_KO or
						 LANG_EN, for dates, plurals,
						 names (Korean when both) */
	enum lang                 shown;      /* what pages show: lang, or
						 LANG_BOTH (lang=both) */
	const char               *theme;      /* "light" or "dark" */

	struct session            sess;       /* loaded or created */
	int                       has_session;
	enum session_miss         miss;       /* why a presented ID failed */
	int                       sid_dups;   /* extra "sid" pairs sent */

	struct user               user;       /* when logged_in */
	int                       logged_in;

	struct tmpl_vars          vars;       /* the page's variables */
	const char               *page;       /* template, or NULL */
	const char               *title_key;  /* i18n key of the title */
	const char               *error_key;  /* i18n key explaining an error */
	const char               *store_failed; /* i18n key: what this read
						   could not record */
	enum err                  kept;       /* the error whose answer the
						 handler made itself
						 (site_keep_answer) */
	double                    t0_us;      /* clock_mono_us at the start:
						 the program's own time */
};

#endif
