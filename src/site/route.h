/*
 * route.h - the route table's lookup and the field allowlists checked
 * before a handler runs. struct route and the ROUTE_* flags are in
 * site/ctx.h; site.c's accept loop calls these for every request.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <stddef.h>

#include "base/buf.h"
#include "site/ctx.h"

/*
 * route_find: the first of the n routes whose path matches req->path (the
 * whole path, or its start on ROUTE_PREFIX routes) and whose method is
 * the request's; HEAD is answered by HTTP_GET routes. Returns NULL when
 * none does. *path_found is set to 1 when some route's path matched
 * whatever its method (the caller answers 405, not 404), 0 otherwise.
 * The result points into routes.
 */
const struct route *route_find(const struct route *routes, size_t n,
			       const struct http_request *req,
			       int *path_found);

/*
 * route_allow: append to out (empty) the methods the routes matching path
 * take, as an Allow header lists them (RFC 9110 §10.2.1): "GET, HEAD" for
 * each HTTP_GET route and "POST" for each HTTP_POST one, in table order,
 * separated by ", ". Nothing is appended when no route matches.
 */
enum err route_allow(const struct route *routes, size_t n, const char *path,
		     struct buf *out);

/*
 * route_check_fields: ERR_OK when c->req carries only what route r
 * allows: query fields and form fields named in r->fields (NULL allows
 * none), plus "csrf" in the form on ROUTE_CSRF routes, and a JSON body
 * only on ROUTE_JSON routes. Otherwise ERR_INVAL with c->error_key set to
 * "bad.not_form" (a JSON body) or "bad.unknown_field"; the caller answers
 * 400 before the handler runs.
 */
enum err route_check_fields(struct ctx *c, const struct route *r);

#endif
