/*
 * gateway.c - trusting the claims HAProxy verified. See gateway.h.
 */
#include "site/gateway.h"

#include <sodium.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "base/utf8.h"

#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	       "0123456789-_"
#define GATEWAY_NUM_MAX 999999999999999999LL  /* http_parse_num's 18 digits */

enum err gateway_load(struct gateway *g)
{
	const char *hex = config_str(GATEWAY_SECRET_ENV, NULL);
	size_t len = 0;

	memset(g, 0, sizeof(*g));
	if (!hex)
		return ERR_NOTFOUND;
	if (strlen(hex) != GATEWAY_SECRET_HEX ||
	    sodium_hex2bin(g->secret, sizeof(g->secret), hex,
			   GATEWAY_SECRET_HEX, NULL, &len, NULL) ||
	    len != GATEWAY_SECRET_BYTES) {
		sodium_memzero(g, sizeof(*g));
		log_msg("error", "%s must be %d hex digits", GATEWAY_SECRET_ENV,
			GATEWAY_SECRET_HEX);
		return ERR_INVAL;
	}
	g->configured = 1;
	return ERR_OK;
}

void gateway_cleanup(struct gateway *g)
{
	if (g)
		sodium_memzero(g, sizeof(*g));
}

int gateway_trusted(const struct gateway *g, const struct http_request *r)
{
	unsigned char got[GATEWAY_SECRET_BYTES];
	const char *hex = r->gw.secret;
	size_t len = 0;
	int ok;

	if (!g->configured || !hex || strlen(hex) != GATEWAY_SECRET_HEX ||
	    sodium_hex2bin(got, sizeof(got), hex, GATEWAY_SECRET_HEX, NULL,
			   &len, NULL) || len != sizeof(got))
		return 0;
	ok = sodium_memcmp(got, g->secret, sizeof(got)) == 0;
	sodium_memzero(got, sizeof(got));
	return ok;
}

/* Copy header value s into out (cap bytes with the NUL): 0, or -1 when it
 * is longer than cap - 1 bytes or shorter than min. */
static int copy_claim(const char *s, size_t min, char *out, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n < min || n >= cap)
		return -1;
	memcpy(out, s, n + 1);
	return 0;
}

/* 1 when s is printable ASCII (no space, the shape of a sub). */
static int printable(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return 0;
	return 1;
}

enum gateway_refusal gateway_claims(const struct http_request *r,
				    struct token_claims *out)
{
	const struct http_gateway *h = &r->gw;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (!h->sub || !*h->sub || !h->jti || !*h->jti || !h->exp ||
	    !*h->exp || !h->ver || !*h->ver || !h->name || !h->role)
		return GATEWAY_NO_CLAIMS;
	if (copy_claim(h->sub, 1, out->sub, sizeof(out->sub)) ||
	    !printable(out->sub) ||
	    copy_claim(h->name, 0, out->name, sizeof(out->name)) ||
	    !utf8_valid(out->name, strlen(out->name)) ||
	    copy_claim(h->role, 0, out->role, sizeof(out->role)) ||
	    (*out->role && strcmp(out->role, "user") &&
	     strcmp(out->role, "admin")) ||
	    copy_claim(h->jti, 1, out->jti, sizeof(out->jti)) ||
	    strspn(out->jti, B64URL) != strlen(out->jti) ||
	    http_parse_num(h->exp, 0, GATEWAY_NUM_MAX, 0, &out->exp) ||
	    http_parse_num(h->ver, 0, GATEWAY_NUM_MAX, 0, &out->ver)) {
		memset(out, 0, sizeof(*out));
		return GATEWAY_BAD_CLAIMS;
	}
	out->alg = TOKEN_RS256;
	/* A site user's sub is their numeric id, as token_verify reads it. */
	n = strlen(out->sub);
	if (n <= 18 && strspn(out->sub, "0123456789") == n)
		for (i = 0; i < n; i++)
			out->user_id = out->user_id * 10 + (out->sub[i] - '0');
	return GATEWAY_OK;
}
