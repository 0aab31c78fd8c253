/*
 * fuzz_request.c - libFuzzer harness for http_request_parse: the whole
 * request path (RFC 3986 target, CGI variables, RFC 6265 cookies, form
 * and JSON bodies).
 *
 * Input layout: byte 0 picks the method, byte 1 the Content-Type (a value
 * from the table, or the line that follows), byte 2 sets HTTPS; the rest
 * is '\n'-separated lines REQUEST_URI, HTTP_COOKIE, HTTP_USER_AGENT,
 * HTTP_ORIGIN, HTTP_REFERER, HTTP_HOST, HTTP_AUTHORIZATION, then the body
 * (everything after the seventh '\n'). A NUL inside a line ends that
 * variable, as it would in a real environment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "base/utf8.h"

#define ENSURE(c) do { if (!(c)) abort(); } while (0)
#define NLINES 7

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {
	"GET", "POST", "HEAD", "PUT", "get", "", "M-SEARCH", NULL
};
static const char *const types[] = {
	"application/x-www-form-urlencoded",
	"application/json",
	"Application/JSON; charset=UTF-8",
	"application/x-www-form-urlencoded;charset=utf-8",
	"text/plain",
	"",
	NULL,
};
static const char *const line_vars[NLINES] = {
	"REQUEST_URI", "HTTP_COOKIE", "HTTP_USER_AGENT", "HTTP_ORIGIN",
	"HTTP_REFERER", "HTTP_HOST", "HTTP_AUTHORIZATION",
};

/* env: name, value pairs for the getter; NULL-terminated. */
struct env {
	const char *v[2 * 12 + 1];
};

/* getter: look name up in the env table. */
static const char *getter(void *ctx, const char *name)
{
	const struct env *env = ctx;
	size_t i;

	for (i = 0; env->v[i]; i += 2)
		if (strcmp(env->v[i], name) == 0)
			return env->v[i + 1];
	return NULL;
}

/* check_ok: the invariants of a request that parsed. */
static void check_ok(const struct http_request *r)
{
	size_t n;

	ENSURE(r->method_name && r->path && r->query_string);
	ENSURE(r->cookie_header && r->user_agent && r->accept_language &&
	       r->content_type && r->origin && r->referer && r->host &&
	       r->authorization && r->remote_addr);
	n = strlen(r->path);
	ENSURE(n >= 1 && n <= HTTP_PATH_MAX && r->path[0] == '/');
	ENSURE(utf8_valid(r->path, n));
	ENSURE(!strstr(r->path, "/../") && !strstr(r->path, "/./"));
	ENSURE(strlen(r->query_string) <= HTTP_QUERY_MAX);
	ENSURE(r->query.n <= HTTP_FIELDS_MAX && r->form.n <= HTTP_FIELDS_MAX);
	ENSURE(r->cookies.n <= COOKIE_PAIRS_MAX);
	ENSURE(r->json == NULL || json_is_object(r->json));
	ENSURE(r->https == 0 || r->https == 1);
	ENSURE(r->bad_part == NULL);
}

/* check_failed: only method and path may survive a failure. */
static void check_failed(const struct http_request *r)
{
	ENSURE(!r->query_string && !r->query.items && !r->form.items &&
	       !r->json && !r->cookie_header && !r->cookies.pairs &&
	       !r->user_agent && !r->accept_language && !r->content_type &&
	       !r->origin && !r->referer && !r->host && !r->authorization &&
	       !r->remote_addr && !r->https);
	ENSURE(!r->path || r->path[0] == '/');
	ENSURE(r->bad_part != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request r;
	struct env env;
	char *copy, *p, *end, *body = NULL;
	size_t k = 0, nv = 0, nmethods, ntypes;
	enum err e;

	if (size < 3)
		return 0;
	nmethods = sizeof(methods) / sizeof(methods[0]);
	ntypes = sizeof(types) / sizeof(types[0]);
	copy = malloc(size - 3 + 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 3, size - 3);
	copy[size - 3] = '\0';
	end = copy + (size - 3);

	memset(&env, 0, sizeof(env));
	if (methods[data[0] % nmethods]) {
		env.v[nv++] = "REQUEST_METHOD";
		env.v[nv++] = methods[data[0] % nmethods];
	}
	if (types[data[1] % ntypes]) {
		env.v[nv++] = "CONTENT_TYPE";
		env.v[nv++] = types[data[1] % ntypes];
	}
	if (data[2] & 1) {
		env.v[nv++] = "HTTPS";
		env.v[nv++] = (data[2] & 2) ? "on" : "off";
	}
	env.v[nv++] = "REMOTE_ADDR";
	env.v[nv++] = "127.0.0.1";
	/* Lines; a NULL type slot takes its Content-Type from a line. */
	for (p = copy; k < NLINES + 1 && p <= end; k++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *var;

		if (k < NLINES)
			var = line_vars[k];
		else if (!types[data[1] % ntypes])
			var = "CONTENT_TYPE";
		else
			break;
		if (!nl) {
			env.v[nv++] = var;
			env.v[nv++] = p;
			p = end + 1;
			break;
		}
		*nl = '\0';
		env.v[nv++] = var;
		env.v[nv++] = p;
		p = nl + 1;
	}
	if (p <= end)
		body = p;

	e = http_request_parse(&r, getter, &env, body,
			       body ? (size_t)(end - body) : 0);
	if (e == ERR_OK) {
		check_ok(&r);
	} else {
		ENSURE(e == ERR_INVAL || e == ERR_TOOBIG || e == ERR_NOMEM);
		check_failed(&r);
	}
	http_request_free(&r);
	ENSURE(!r.path && !r.method_name);
	free(copy);
	return 0;
}
