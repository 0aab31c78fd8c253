/*
 * response.h - one HTTP response being built: status, headers, Set-Cookie
 * lines and a body. Handlers fill it; only site.c serialises it onto the
 * FastCGI stream (as CGI response headers, RFC 3875 §6.3).
 *
 * Header names and values are checked: CR, LF and other control bytes are
 * refused, so no handler can split a response.
 */
#ifndef RESPONSE_H
#define RESPONSE_H

#include <stddef.h>

#include "base/buf.h"
#include "http/cookie.h"
#include <jansson.h>

#include "base/err.h"

#define RESPONSE_HEADERS_MAX  32   /* extra headers per response */
#define RESPONSE_COOKIES_MAX  64   /* Set-Cookie lines per response */

struct response_header {
	char *name;   /* owned */
	char *value;  /* owned */
};

struct response {
	int                    status;        /* 200 unless set */
	char                  *content_type;  /* owned; NULL = text/html */
	struct response_header headers[RESPONSE_HEADERS_MAX];
	size_t                 n_headers;
	char                  *set_cookies[RESPONSE_COOKIES_MAX]; /* owned */
	size_t                 n_set_cookies;
	struct buf             body;
};

/* response_init: status 200, no headers, empty body. */
void response_init(struct response *res);

/* response_cleanup: free everything; res is as after response_init. */
void response_cleanup(struct response *res);

/*
 * response_header: add "name: value". Refuses (ERR_INVAL) a name that is
 * not a token or a value with control bytes; ERR_TOOBIG past
 * RESPONSE_HEADERS_MAX. Both strings are copied.
 */
enum err response_header(struct response *res, const char *name,
			 const char *value);

/* response_content_type: set the Content-Type (copied). */
enum err response_content_type(struct response *res, const char *type);

/*
 * response_cookie: build one Set-Cookie with cookie_build and keep it.
 * Returns what cookie_build returns (*why explains a refusal), or
 * ERR_TOOBIG past RESPONSE_COOKIES_MAX.
 */
enum err response_cookie(struct response *res, const struct cookie_spec *c,
			 const char **why);

/*
 * response_redirect: status (301/302/303/307/308) with a Location.
 * location must be a local path starting with a single '/'.
 */
enum err response_redirect(struct response *res, int status,
			   const char *location);

/*
 * response_serialize: write the CGI header block ("Status: 303 See
 * Other\r\n" ... "\r\n") and the body into out. A HEAD request gets the
 * headers only (head = 1).
 */
enum err response_serialize(const struct response *res, int head,
			    struct buf *out);

/* response_reason: the reason phrase for a status ("Not Found"). */
const char *response_reason(int status);

/*
 * response_json: make obj (reference stolen; NULL is ERR_NOMEM) the body,
 * indented with sorted keys and a final newline, as application/json.
 */
enum err response_json(struct response *res, json_t *obj);

#endif
