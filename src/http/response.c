/*
 * response.c - response builder. See response.h for the contract.
 */
#include "http/response.h"

#include <stdlib.h>
#include <string.h>

void response_init(struct response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	buf_init(&res->body);
}

void response_cleanup(struct response *res)
{
	size_t i;

	free(res->content_type);
	for (i = 0; i < res->n_headers; i++) {
		free(res->headers[i].name);
		free(res->headers[i].value);
	}
	for (i = 0; i < res->n_set_cookies; i++)
		free(res->set_cookies[i]);
	buf_cleanup(&res->body);
	response_init(res);
}

/* Header field values: visible bytes, SP and HTAB (RFC 7230 §3.2). */
static int value_ok(const char *v)
{
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

enum err response_header(struct response *res, const char *name,
			 const char *value)
{
	const char *p;
	char *n = NULL, *v = NULL;

	if (!*name)
		return ERR_INVAL;
	for (p = name; *p; p++)
		if (!cookie_is_tchar((unsigned char)*p))
			return ERR_INVAL;
	if (!value_ok(value))
		return ERR_INVAL;
	if (res->n_headers == RESPONSE_HEADERS_MAX)
		return ERR_TOOBIG;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return ERR_NOMEM;
	}
	res->headers[res->n_headers].name = n;
	res->headers[res->n_headers].value = v;
	res->n_headers++;
	return ERR_OK;
}

enum err response_content_type(struct response *res, const char *type)
{
	char *t;

	if (!value_ok(type))
		return ERR_INVAL;
	if (!(t = strdup(type)))
		return ERR_NOMEM;
	free(res->content_type);
	res->content_type = t;
	return ERR_OK;
}

enum err response_cookie(struct response *res, const struct cookie_spec *c,
			 const char **why)
{
	struct buf b;
	enum err e;

	if (res->n_set_cookies == RESPONSE_COOKIES_MAX)
		return ERR_TOOBIG;
	buf_init(&b);
	if ((e = cookie_build(c, &b, why))) {
		buf_cleanup(&b);
		return e;
	}
	if (!(res->set_cookies[res->n_set_cookies] = buf_steal(&b)))
		return ERR_NOMEM;
	res->n_set_cookies++;
	return ERR_OK;
}

enum err response_redirect(struct response *res, int status,
			   const char *location)
{
	if (location[0] != '/' || location[1] == '/' || location[1] == '\\')
		return ERR_INVAL;
	res->status = status;
	return response_header(res, "Location", location);
}

const char *response_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

enum err response_serialize(const struct response *res, int head,
			    struct buf *out)
{
	size_t i;
	enum err e;

	if ((e = buf_printf(out, "Status: %d %s\r\nContent-Type: %s\r\n",
			    res->status, response_reason(res->status),
			    res->content_type ? res->content_type :
			    "text/html; charset=utf-8")))
		return e;
	for (i = 0; i < res->n_headers; i++)
		if ((e = buf_printf(out, "%s: %s\r\n", res->headers[i].name,
				    res->headers[i].value)))
			return e;
	for (i = 0; i < res->n_set_cookies; i++)
		if ((e = buf_printf(out, "Set-Cookie: %s\r\n",
				    res->set_cookies[i])))
			return e;
	/* HEAD keeps the Content-Length the GET would have had. */
	if ((e = buf_printf(out, "Content-Length: %zu\r\n\r\n",
			    res->body.len)))
		return e;
	if (!head && res->body.len)
		return buf_append(out, res->body.data, res->body.len);
	return ERR_OK;
}

enum err response_json(struct response *res, json_t *obj)
{
	char *s;
	enum err e;

	if (!obj)
		return ERR_NOMEM;
	s = json_dumps(obj, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(obj);
	if (!s)
		return ERR_NOMEM;
	buf_reset(&res->body);
	if (!(e = buf_puts(&res->body, s)))
		e = buf_putc(&res->body, '\n');
	free(s);
	if (e)
		return e;
	return response_content_type(res, "application/json; charset=utf-8");
}
