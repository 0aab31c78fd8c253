/*
 * route.c - route lookup and field allowlists. See route.h.
 */
#include "site/route.h"

#include <string.h>

/*
 * The request may carry only the fields its route names: in the query, and
 * (plus "csrf" on ROUTE_CSRF routes) in a form body. A JSON body is only
 * for ROUTE_JSON routes. Anything else is a 400 before the handler runs.
 */
enum err route_check_fields(struct ctx *c, const struct route *r)
{
	static const char *const none[] = { NULL };
	const char *const *allowed = r->fields ? r->fields : none;
	size_t i;

	if (c->req.json && !(r->flags & ROUTE_JSON)) {
		c->error_key = "bad.not_form";
		return ERR_INVAL;
	}
	if (http_fields_only(&c->req.query, allowed)) {
		c->error_key = "bad.unknown_field";
		return ERR_INVAL;
	}
	for (i = 0; i < c->req.form.n; i++) {
		const char *name = c->req.form.items[i].name;

		if ((r->flags & ROUTE_CSRF) && !strcmp(name, "csrf"))
			continue;
		if (!http_field_allowed(name, allowed)) {
			c->error_key = "bad.unknown_field";
			return ERR_INVAL;
		}
	}
	return ERR_OK;
}

/* Whether path is r's: the whole path, or its start on ROUTE_PREFIX. */
static int path_matches(const struct route *r, const char *path)
{
	if (r->flags & ROUTE_PREFIX)
		return !strncmp(path, r->path, strlen(r->path));
	return !strcmp(path, r->path);
}

const struct route *route_find(const struct route *routes, size_t n,
			       const struct http_request *req,
			       int *path_found)
{
	enum http_method m = req->method == HTTP_HEAD ? HTTP_GET :
		req->method;
	size_t i;

	*path_found = 0;
	for (i = 0; i < n; i++) {
		if (!path_matches(&routes[i], req->path))
			continue;
		*path_found = 1;
		if (routes[i].method == m)
			return &routes[i];
	}
	return NULL;
}

enum err route_allow(const struct route *routes, size_t n, const char *path,
		     struct buf *out)
{
	size_t i;
	enum err e = ERR_OK;

	for (i = 0; i < n && !e; i++) {
		if (!path_matches(&routes[i], path))
			continue;
		e = buf_puts(out, out->len ? ", " : "");
		if (!e)
			e = buf_puts(out, routes[i].method == HTTP_GET ?
				     "GET, HEAD" : "POST");
	}
	return e;
}
