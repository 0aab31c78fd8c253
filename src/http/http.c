/*
 * http.c - one HTTP request, parsed with hard limits. See http.h for the
 * contracts.
 *
 * Standards followed: RFC 3986 §2.1 and §3.3 for the request target
 * (percent-encoding, path segments), the WHATWG URL Standard's
 * application/x-www-form-urlencoded parser for query strings and form
 * bodies (made strict: a bad escape is an error, not literal text),
 * RFC 8259 through jansson for JSON, RFC 3629 for UTF-8, RFC 7230 §3.2.6
 * for method tokens, RFC 7231 §3.1.1.1 for media types, and RFC 6265 via
 * cookie.c for the Cookie header.
 *
 * Every limit is checked on lengths computed in a first pass, before the
 * allocation it bounds.
 */
#include "http/http.h"
#include "base/utf8.h"

#include <stdlib.h>
#include <string.h>

/* RFC 7230 gives methods no length; no method this site knows is longer. */

static const char MEDIA_FORM[] = "application/x-www-form-urlencoded";
static const char MEDIA_JSON[] = "application/json";

/* dup_bytes: a NUL-terminated malloc'd copy of p[0..n), or NULL. */
static char *dup_bytes(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* hex_val: the value of one hex digit, or -1. */
static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * pct_len: check every '%' in s[0..n) has two hex digits after it (RFC
 * 3986 §2.1) and set *dlen to the decoded length. Allocates nothing.
 */
static enum err pct_len(const char *s, size_t n, size_t *dlen)
{
	size_t i, d = 0;

	for (i = 0; i < n; i++, d++) {
		if (s[i] != '%')
			continue;
		if (n - i < 3 || hex_val((unsigned char)s[i + 1]) < 0 ||
		    hex_val((unsigned char)s[i + 2]) < 0)
			return ERR_INVAL;
		i += 2;
	}
	*dlen = d;
	return ERR_OK;
}

/*
 * decode: percent-decode s[0..n) into a new string when the decoded text
 * fits in max bytes (else ERR_TOOBIG, before allocating). The result must
 * hold no NUL and be valid UTF-8. *out is NULL on failure.
 */
static enum err decode(const char *s, size_t n, int plus_is_space,
		       size_t max, char **out, size_t *out_len)
{
	char *d = NULL;
	size_t i, j, dlen = 0;
	enum err e;

	*out = NULL;
	*out_len = 0;
	if (n && !s)
		return ERR_INTERNAL;
	if ((e = pct_len(s, n, &dlen)) != ERR_OK)
		goto out;
	if (dlen > max) {
		e = ERR_TOOBIG;
		goto out;
	}
	if (!(d = malloc(dlen + 1))) {
		e = ERR_NOMEM;
		goto out;
	}
	for (i = j = 0; i < n; i++, j++) {
		if (s[i] == '%') {
			d[j] = (char)(hex_val((unsigned char)s[i + 1]) * 16 +
				      hex_val((unsigned char)s[i + 2]));
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			d[j] = ' ';
		} else {
			d[j] = s[i];
		}
	}
	d[dlen] = '\0';
	if (memchr(d, '\0', dlen) || !utf8_valid(d, dlen)) {
		e = ERR_INVAL;
		goto out;
	}
	*out = d;
	*out_len = dlen;
	d = NULL;
out:
	free(d);
	return e;
}

enum err http_urldecode(const char *s, size_t n, int plus_is_space,
			char **out, size_t *out_len)
{
	size_t dummy;

	if (!out_len)
		out_len = &dummy;
	*out = NULL;
	*out_len = 0;
	/* No input this site takes is longer than a request body. */
	if (n > HTTP_BODY_MAX)
		return ERR_TOOBIG;
	return decode(s, n, plus_is_space, HTTP_BODY_MAX, out, out_len);
}

void http_fields_free(struct http_fields *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->items[i].name);
		free(f->items[i].value);
	}
	free(f->items);
	f->items = NULL;
	f->n = 0;
}

/*
 * next_segment: from *pos, the next non-empty '&'-separated segment of
 * s[0..n) as [*b, *e). Returns 0 when there is none left.
 */
static int next_segment(const char *s, size_t n, size_t *pos, size_t *b,
			size_t *e)
{
	while (*pos < n) {
		size_t i = *pos;

		while (i < n && s[i] != '&')
			i++;
		*b = *pos;
		*e = i;
		*pos = i < n ? i + 1 : i;
		if (*e > *b)
			return 1;
	}
	return 0;
}

enum err http_parse_fields(const char *s, size_t n, struct http_fields *out)
{
	struct http_fields f = { NULL, 0 };
	size_t pos, b, e, eq, count = 0, i, nlen;
	enum err err = ERR_OK;

	out->items = NULL;
	out->n = 0;
	if (n && !s)
		return ERR_INTERNAL;
	if (n > HTTP_BODY_MAX)
		return ERR_TOOBIG;
	for (pos = 0; next_segment(s, n, &pos, &b, &e);)
		if (++count > HTTP_FIELDS_MAX)
			return ERR_TOOBIG;
	if (count == 0)
		return ERR_OK;
	if (!(f.items = calloc(count, sizeof(*f.items))))
		return ERR_NOMEM;

	for (pos = 0; f.n < count && next_segment(s, n, &pos, &b, &e);) {
		struct http_field *it = &f.items[f.n];

		for (eq = b; eq < e && s[eq] != '='; eq++)
			;
		/* f.n counts this item from here so the cleanup frees it. */
		f.n++;
		if ((err = decode(s + b, eq - b, 1, HTTP_FIELD_NAME_MAX,
				  &it->name, &nlen)) != ERR_OK)
			goto out;
		/* A segment without '=' is a name with an empty value. */
		if ((err = decode(eq < e ? s + eq + 1 : "",
				  eq < e ? e - eq - 1 : 0, 1,
				  HTTP_FIELD_VALUE_MAX, &it->value,
				  &it->value_len)) != ERR_OK)
			goto out;
		if (nlen == 0) {
			err = ERR_INVAL;   /* "=x": no form control sends this */
			goto out;
		}
		for (i = 0; i + 1 < f.n; i++) {
			if (strcmp(f.items[i].name, it->name) == 0) {
				err = ERR_INVAL;
				goto out;
			}
		}
	}
	*out = f;
	f.items = NULL;
	f.n = 0;
out:
	http_fields_free(&f);
	return err;
}

const char *http_field(const struct http_fields *f, const char *name)
{
	size_t i;

	if (!f || !name)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->items[i].name, name) == 0)
			return f->items[i].value;
	return NULL;
}

enum err http_parse_num(const char *s, long long min, long long max,
			int flags, long long *out)
{
	long long v = 0;
	size_t i = 0, digits = 0;
	int neg;

	*out = 0;
	if (!s)
		return ERR_INVAL;
	neg = s[0] == '-';
	i = (size_t)neg;
	if (flags & HTTP_NUM_ZEROS) {
		if (strnlen(s, HTTP_NUM_TEXT_MAX + 1) > HTTP_NUM_TEXT_MAX)
			return ERR_INVAL;
		/* Skip leading zeros, keeping the last digit. */
		while (s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
			i++;
	} else if (s[neg] == '0' && (s[neg + 1] || neg)) {
		/* One spelling per number: no leading zero, no "-0". */
		return ERR_INVAL;
	}
	for (; s[i]; i++, digits++) {
		if (s[i] < '0' || s[i] > '9' || digits == 18)
			return ERR_INVAL;
		v = v * 10 + (s[i] - '0');   /* 18 digits cannot overflow */
	}
	if (!digits)
		return ERR_INVAL;
	if (neg)
		v = -v;
	if (v < min || v > max)
		return ERR_INVAL;
	*out = v;
	return ERR_OK;
}

int http_field_allowed(const char *name, const char *const allowed[])
{
	size_t k;

	for (k = 0; allowed && allowed[k]; k++)
		if (strcmp(name, allowed[k]) == 0)
			return 1;
	return 0;
}

enum err http_fields_only(const struct http_fields *f,
			  const char *const allowed[])
{
	size_t i;

	if (!f)
		return ERR_OK;
	for (i = 0; i < f->n; i++)
		if (!http_field_allowed(f->items[i].name, allowed))
			return ERR_INVAL;
	return ERR_OK;
}

/*
 * json_prescan: the deepest nesting of '[' and '{' outside strings must
 * stay within HTTP_JSON_DEPTH_MAX, checked on the raw bytes so jansson's
 * recursive parser never sees "[[[[...". Unbalanced input is left for
 * jansson to reject.
 */
static enum err json_prescan(const char *s, size_t n)
{
	size_t i, depth = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;        /* skip the escaped byte, e.g. \" */
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > HTTP_JSON_DEPTH_MAX)
				return ERR_TOOBIG;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return ERR_OK;
}

/*
 * json_depth_ok: 1 if v, a container at nesting level depth (the top
 * object is 1), holds nothing deeper than HTTP_JSON_DEPTH_MAX. Recursion
 * stops at the limit, so it is bounded even without the prescan.
 */
static int json_depth_ok(json_t *v, size_t depth)
{
	const char *key;
	json_t *child;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return 1;
	if (depth > HTTP_JSON_DEPTH_MAX)
		return 0;
	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
			if (!json_depth_ok(child, depth + 1))
				return 0;
	} else {
		json_array_foreach(v, i, child)
			if (!json_depth_ok(child, depth + 1))
				return 0;
	}
	return 1;
}

enum err http_parse_json(const char *s, size_t n, json_t **out)
{
	json_error_t jerr;
	json_t *v = NULL;
	enum err e;

	*out = NULL;
	if (n > HTTP_BODY_MAX)
		return ERR_TOOBIG;
	if (!s)
		return ERR_INVAL;
	if ((e = json_prescan(s, n)) != ERR_OK)
		goto out;
	/* Without JSON_ALLOW_NUL, "\u0000" is refused too. */
	v = json_loadb(s, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		e = json_error_code(&jerr) == json_error_out_of_memory ?
		    ERR_NOMEM : ERR_INVAL;
		goto out;
	}
	if (!json_is_object(v)) {
		e = ERR_INVAL;
		goto out;
	}
	if (!json_depth_ok(v, 1)) {
		e = ERR_TOOBIG;
		goto out;
	}
	*out = v;
	v = NULL;
out:
	json_decref(v);
	return e;
}

void http_request_init(struct http_request *r)
{
	*r = (struct http_request){ .method = HTTP_OTHER };
}

void http_request_free(struct http_request *r)
{
	if (!r)
		return;
	free(r->method_name);
	free(r->path);
	free(r->query_string);
	http_fields_free(&r->query);
	http_fields_free(&r->form);
	json_decref(r->json);
	free(r->cookie_header);
	cookie_jar_free(&r->cookies);
	free(r->user_agent);
	free(r->accept_language);
	free(r->content_type);
	free(r->origin);
	free(r->referer);
	free(r->host);
	free(r->authorization);
	free(r->remote_addr);
	free(r->gw.secret);
	free(r->gw.sub);
	free(r->gw.name);
	free(r->gw.role);
	free(r->gw.jti);
	free(r->gw.exp);
	free(r->gw.ver);
	http_request_init(r);
}

/* lower: ASCII tolower, untouched by the locale. */
static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* eq_ci: p[0..n) equals the NUL-terminated ASCII string want, any case. */
static int eq_ci(const char *p, size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!want[i] || lower((unsigned char)p[i]) !=
				lower((unsigned char)want[i]))
			return 0;
	return want[n] == '\0';
}

/*
 * media_is: the media type of a Content-Type value (the part before any
 * ';' parameter, SP/HTAB trimmed; RFC 7231 §3.1.1.1) is want, any case.
 */
static int media_is(const char *ct, const char *want)
{
	size_t b = 0, e;

	while (ct[b] == ' ' || ct[b] == '\t')
		b++;
	for (e = b; ct[e] && ct[e] != ';'; e++)
		;
	while (e > b && (ct[e - 1] == ' ' || ct[e - 1] == '\t'))
		e--;
	return eq_ci(ct + b, e - b, want);
}

/*
 * parse_method: REQUEST_METHOD must be a token of 1 to HTTP_METHOD_MAX
 * bytes (ERR_INVAL otherwise). Sets r->method and r->method_name.
 */
static enum err parse_method(struct http_request *r, const char *v)
{
	size_t i, n;

	if (!v)
		return ERR_INVAL;
	n = strnlen(v, HTTP_METHOD_MAX + 1);
	if (n == 0 || n > HTTP_METHOD_MAX)
		return ERR_INVAL;
	for (i = 0; i < n; i++)
		if (!cookie_is_tchar((unsigned char)v[i]))
			return ERR_INVAL;
	if (!(r->method_name = dup_bytes(v, n)))
		return ERR_NOMEM;
	/* RFC 7230 §3.1.1: methods are case-sensitive. */
	if (strcmp(v, "GET") == 0)
		r->method = HTTP_GET;
	else if (strcmp(v, "HEAD") == 0)
		r->method = HTTP_HEAD;
	else if (strcmp(v, "POST") == 0)
		r->method = HTTP_POST;
	else
		r->method = HTTP_OTHER;
	return ERR_OK;
}

/*
 * path_ok: a decoded path has no control byte and no "." or ".."
 * segment (RFC 3986 §3.3), which is what a traversal needs. Empty
 * segments ("//") are allowed.
 */
static int path_ok(const char *p, size_t n)
{
	size_t i, seg = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && ((unsigned char)p[i] < 0x20 ||
			      (unsigned char)p[i] == 0x7f))
			return 0;
		if (i == n || p[i] == '/') {
			size_t len = i - seg;

			if ((len == 1 && p[seg] == '.') ||
			    (len == 2 && p[seg] == '.' && p[seg + 1] == '.'))
				return 0;
			seg = i + 1;
		}
	}
	return 1;
}

/*
 * parse_target: REQUEST_URI is "path[?query]" within HTTP_URI_MAX, with
 * no raw space or control byte. The path is decoded ('+' stays '+'),
 * must start with '/', fit HTTP_PATH_MAX and pass path_ok; the raw query
 * must fit HTTP_QUERY_MAX and parse as fields. On failure *part names
 * "uri", "path" or "query". No fragment handling: a browser never sends
 * one, and '#' is then just a byte of the path.
 */
static enum err parse_target(struct http_request *r, const char *v,
			     const char **part)
{
	const char *q;
	char *path = NULL;
	size_t i, n, plen, qlen = 0, dlen;
	enum err e;

	*part = "uri";
	if (!v)
		return ERR_INVAL;
	n = strnlen(v, HTTP_URI_MAX + 1);
	if (n > HTTP_URI_MAX)
		return ERR_TOOBIG;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] == 0x7f)
			return ERR_INVAL;
	q = memchr(v, '?', n);
	plen = q ? (size_t)(q - v) : n;
	if (q)
		qlen = n - plen - 1;
	if (plen == 0 || v[0] != '/')
		return ERR_INVAL;

	*part = "path";
	if ((e = decode(v, plen, 0, HTTP_PATH_MAX, &path, &dlen)) != ERR_OK)
		goto out;
	if (!path_ok(path, dlen)) {
		e = ERR_INVAL;
		goto out;
	}
	r->path = path;
	path = NULL;

	*part = "query";
	if (qlen > HTTP_QUERY_MAX) {
		e = ERR_TOOBIG;
		goto out;
	}
	if (!(r->query_string = dup_bytes(q ? q + 1 : "", qlen))) {
		e = ERR_NOMEM;
		goto out;
	}
	e = http_parse_fields(r->query_string, qlen, &r->query);
out:
	free(path);
	return e;
}

/*
 * get_header: copy variable name into *dst ("" when absent). A value past
 * HTTP_HEADER_MAX is ERR_TOOBIG; a control byte other than HTAB is
 * ERR_INVAL (RFC 7230 §3.2: field-value is VCHAR, SP, HTAB, obs-text).
 */
static enum err get_header(http_getenv_fn get, void *ctx, const char *name,
			   char **dst)
{
	const char *v = get(ctx, name);
	size_t i, n;

	if (!v)
		v = "";
	n = strnlen(v, HTTP_HEADER_MAX + 1);
	if (n > HTTP_HEADER_MAX)
		return ERR_TOOBIG;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return ERR_INVAL;
	}
	if (!(*dst = dup_bytes(v, n)))
		return ERR_NOMEM;
	return ERR_OK;
}

/*
 * parse_body: a form body fills r->form; a JSON body fills r->json (a
 * POST must then carry one; an empty body on another method is left
 * NULL). A POST with a body of any other type is ERR_INVAL. On failure
 * *part names "form", "json" or "body".
 */
static enum err parse_body(struct http_request *r, const char *body,
			   size_t body_len, const char **part)
{
	if (media_is(r->content_type, MEDIA_FORM)) {
		*part = "form";
		return http_parse_fields(body, body_len, &r->form);
	}
	if (media_is(r->content_type, MEDIA_JSON)) {
		*part = "json";
		if (body_len == 0 && r->method != HTTP_POST)
			return ERR_OK;
		return http_parse_json(body, body_len, &r->json);
	}
	*part = "body";
	if (r->method == HTTP_POST && body_len > 0)
		return ERR_INVAL;
	return ERR_OK;
}

enum err http_request_parse(struct http_request *r, http_getenv_fn get,
			    void *ctx, const char *body, size_t body_len)
{
	struct {
		const char *var;
		char      **dst;
	} hdrs[] = {
		{ "HTTP_COOKIE",          &r->cookie_header },
		{ "HTTP_USER_AGENT",      &r->user_agent },
		{ "HTTP_ACCEPT_LANGUAGE", &r->accept_language },
		{ "CONTENT_TYPE",         &r->content_type },
		{ "HTTP_ORIGIN",          &r->origin },
		{ "HTTP_REFERER",         &r->referer },
		{ "HTTP_HOST",            &r->host },
		{ "HTTP_AUTHORIZATION",   &r->authorization },
		{ "REMOTE_ADDR",          &r->remote_addr },
		{ "HTTP_X_GATEWAY_SECRET", &r->gw.secret },
		{ "HTTP_X_GATEWAY_SUB",   &r->gw.sub },
		{ "HTTP_X_GATEWAY_NAME",  &r->gw.name },
		{ "HTTP_X_GATEWAY_ROLE",  &r->gw.role },
		{ "HTTP_X_GATEWAY_JTI",   &r->gw.jti },
		{ "HTTP_X_GATEWAY_EXP",   &r->gw.exp },
		{ "HTTP_X_GATEWAY_VER",   &r->gw.ver },
	};
	const char *https, *part = NULL;
	size_t i;
	enum err e;

	http_request_init(r);
	if (!get || (body_len && !body)) {
		/* The caller's mistake, not the client's: no part to name. */
		e = ERR_INTERNAL;
		goto out;
	}
	part = "method";
	if ((e = parse_method(r, get(ctx, "REQUEST_METHOD"))) ||
	    (e = parse_target(r, get(ctx, "REQUEST_URI"), &part)))
		goto out;
	part = "body";
	if (body_len > HTTP_BODY_MAX) {
		e = ERR_TOOBIG;
		goto out;
	}
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		part = hdrs[i].dst == &r->cookie_header ? "cookie" : "header";
		if ((e = get_header(get, ctx, hdrs[i].var, hdrs[i].dst)))
			goto out;
	}
	https = get(ctx, "HTTPS");
	r->https = https && eq_ci(https, strnlen(https, 3), "on");
	part = "cookie";
	if ((e = cookie_parse(r->cookie_header, strlen(r->cookie_header),
			      &r->cookies)) ||
	    (e = parse_body(r, body, body_len, &part)))
		goto out;
out:
	if (e) {
		/* Keep what the error page may show: the method, the path
		 * and which part was at fault. */
		enum http_method m = r->method;
		char *name = r->method_name, *path = r->path;

		r->method_name = NULL;
		r->path = NULL;
		http_request_free(r);
		r->method = m;
		r->method_name = name;
		r->path = path;
		r->bad_part = part;
	}
	return e;
}
