/*
 * http.h - one HTTP request, parsed with hard limits (RFC 3986 for the
 * target, WHATWG application/x-www-form-urlencoded for query and form,
 * RFC 8259 via jansson for JSON, RFC 6265 via cookie.h for cookies).
 *
 * The parser does not know about FastCGI: it reads CGI-style variables
 * through a getter (so unit tests and fuzzers can feed it) and a body the
 * caller has already read, within HTTP_BODY_MAX. The request owns every
 * string in it and is released by one call, http_request_free.
 *
 * Hostile input never aborts: it is a return code. Decoded text must be
 * valid UTF-8 without NUL bytes; a path must also be free of control bytes
 * and of "." and ".." segments.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <jansson.h>

#include "http/cookie.h"
#include "base/err.h"

#define HTTP_METHOD_MAX         16   /* bytes in a method name */
#define HTTP_URI_MAX          4096   /* bytes in REQUEST_URI */
#define HTTP_PATH_MAX         1024   /* bytes in the decoded path */
#define HTTP_QUERY_MAX        2048   /* bytes in the raw query string */
#define HTTP_BODY_MAX        65536   /* bytes in any request body */
#define HTTP_HEADER_MAX       8192   /* bytes in any one header value */
#define HTTP_FIELDS_MAX         64   /* fields in a query or form */
#define HTTP_FIELD_NAME_MAX     64   /* bytes in a field name */
#define HTTP_FIELD_VALUE_MAX  8192   /* bytes in a decoded field value */
#define HTTP_JSON_DEPTH_MAX     16   /* nesting of arrays/objects */

/* One decoded name=value field. Both strings are owned by the list. */
struct http_field {
	char   *name;
	char   *value;
	size_t  value_len;
};

struct http_fields {
	struct http_field *items;
	size_t             n;
};

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_OTHER
};

/*
 * The X-Gateway-* headers HAProxy adds under `make cluster` after it has
 * verified a bearer token itself (S-J11): the claims it read and the
 * secret that shows the request came through it. Client input like any
 * header until site/gateway.h has compared the secret.
 */
struct http_gateway {
	char *secret;     /* X-Gateway-Secret */
	char *sub;        /* X-Gateway-Sub */
	char *name;       /* X-Gateway-Name */
	char *role;       /* X-Gateway-Role */
	char *jti;        /* X-Gateway-Jti */
	char *exp;        /* X-Gateway-Exp */
	char *ver;        /* X-Gateway-Ver */
};

/*
 * A parsed request. Header strings are copies (never NULL: absent is "").
 * form is filled for application/x-www-form-urlencoded bodies; json for
 * application/json bodies (a JSON object; NULL otherwise).
 */
struct http_request {
	enum http_method   method;
	char              *method_name;
	char              *path;            /* decoded, starts with '/' */
	char              *query_string;    /* raw, without '?' */
	struct http_fields query;
	struct http_fields form;
	json_t            *json;
	char              *cookie_header;   /* raw Cookie header */
	struct cookie_jar  cookies;
	char              *user_agent;
	char              *accept_language;
	char              *content_type;
	char              *origin;
	char              *referer;
	char              *host;
	char              *authorization;
	char              *remote_addr;
	struct http_gateway gw;             /* X-Gateway-* headers */
	int                https;           /* 1 when served over TLS */
	const char        *bad_part;        /* after a failed parse: static
					       name of the part at fault:
					       "method", "uri", "path",
					       "query", "cookie", "header",
					       "body", "form" or "json" */
};

/*
 * Where the parser reads CGI variables (REQUEST_METHOD, REQUEST_URI,
 * HTTP_COOKIE, CONTENT_TYPE, REMOTE_ADDR, HTTPS...). get returns NULL for
 * an absent variable; the string must live until http_request_parse
 * returns.
 */
typedef const char *(*http_getenv_fn)(void *ctx, const char *name);

/*
 * http_request_parse: fill r from the variables and the body (body_len
 * bytes, no NUL needed; may be NULL when body_len is 0).
 *
 * Returns ERR_INVAL for malformed input (bad percent-encoding, NUL,
 * invalid UTF-8, a form body that is not a form, JSON that is not an
 * object, duplicate field names), ERR_TOOBIG when a limit above is passed,
 * ERR_NOMEM (and ERR_INTERNAL for a caller mistake: no getter, or a NULL
 * body with a length). On failure every string of r is NULL except
 * method, method_name and path when they parsed, and bad_part names the
 * part at fault, so the error page can say what was asked and what was
 * wrong. r is still safe to free. After success no header string is NULL.
 */
enum err http_request_parse(struct http_request *r, http_getenv_fn get,
			    void *ctx, const char *body, size_t body_len);

/* http_request_init: an empty request that is safe to free. */
void http_request_init(struct http_request *r);

/* http_request_free: release everything r owns; r is empty after. */
void http_request_free(struct http_request *r);

/*
 * http_urldecode: percent-decode s[0..n) into a new NUL-terminated string
 * (*out, caller frees; *out_len its length). plus_is_space turns '+' into
 * ' ' (form encoding). Rejects a '%' not followed by two hex digits, a
 * decoded NUL, and invalid UTF-8 (ERR_INVAL); input over HTTP_BODY_MAX is
 * ERR_TOOBIG. *out is NULL on failure.
 */
enum err http_urldecode(const char *s, size_t n, int plus_is_space,
			char **out, size_t *out_len);

/*
 * http_parse_fields: parse an application/x-www-form-urlencoded string of
 * n bytes into out (caller frees with http_fields_free). Empty segments
 * ("a=1&&b=2") are skipped. A repeated name is ERR_INVAL: this site never
 * takes a field twice, and accepting it invites parameter pollution.
 * Limits: HTTP_FIELDS_MAX, HTTP_FIELD_NAME_MAX, HTTP_FIELD_VALUE_MAX
 * (ERR_TOOBIG). out is empty on failure.
 */
enum err http_parse_fields(const char *s, size_t n, struct http_fields *out);

/* http_fields_free: release the list; NULL-safe. */
void http_fields_free(struct http_fields *f);

/* http_field: the value of field name, or NULL. Owned by the list. */
const char *http_field(const struct http_fields *f, const char *name);

/* http_parse_num flags. */
#define HTTP_NUM_ZEROS   1   /* also accept leading zeros and "-0" */
#define HTTP_NUM_TEXT_MAX 20 /* bytes of s with HTTP_NUM_ZEROS */

/*
 * http_parse_num: the one integer parser. ERR_OK when s is a plain
 * decimal integer within [min, max], stored in *out; ERR_INVAL otherwise,
 * with *out set to 0. Plain is an optional '-' then digits, nothing else
 * (no '+', spaces or other bytes), at most 18 of them after any leading
 * zeros, so no value overflows. Without flags each number has one
 * spelling: no leading zero and no "-0". With HTTP_NUM_ZEROS (a number
 * typed into a lesson's form) "007" and "-0" are numbers too, and s may
 * hold at most HTTP_NUM_TEXT_MAX bytes. s may be NULL (an absent field).
 */
enum err http_parse_num(const char *s, long long min, long long max,
			int flags, long long *out);

/* http_field_allowed: 1 when name is in allowed (NULL-terminated). */
int http_field_allowed(const char *name, const char *const allowed[]);

/*
 * http_fields_only: ERR_INVAL when f holds a name not in allowed (a
 * NULL-terminated array); ERR_OK otherwise.
 */
enum err http_fields_only(const struct http_fields *f,
			  const char *const allowed[]);

/*
 * http_parse_json: parse n bytes as one JSON object into *out (caller
 * json_decref's). ERR_TOOBIG past HTTP_BODY_MAX or HTTP_JSON_DEPTH_MAX;
 * ERR_INVAL for anything else that is not a clean object (duplicate keys,
 * NUL in strings, invalid UTF-8, trailing data). *out is NULL on failure.
 */
enum err http_parse_json(const char *s, size_t n, json_t **out);

#endif
