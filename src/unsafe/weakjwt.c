/*
 * weakjwt.c - INSECURE BY DESIGN: the naive verifier of the forgery lab.
 * See weakjwt.h. Never use this to protect anything.
 */
#include "unsafe/weakjwt.h"

#include <jwt.h>
#include <string.h>

int weakjwt_accepts(const struct token_keys *k, const char *token)
{
	struct token_parts p;
	const unsigned char *key = NULL;
	const char *kid;
	int key_len = 0, ok;
	jwt_t *jwt = NULL;

	if (!token || strnlen(token, TOKEN_MAX + 1) > TOKEN_MAX)
		return 0;
	token_parse(token, strlen(token), &p);
	kid = json_string_value(json_object_get(p.header, "kid"));
	if (kid && !strcmp(kid, k->rs_kid)) {
		key = (const unsigned char *)k->rs_pub_pem;
		key_len = (int)k->rs_pub_len;
	} else if (kid && !strcmp(kid, k->hs_kid)) {
		key = k->hs_secret;
		key_len = TOKEN_SECRET_BYTES;
	}
	token_parts_cleanup(&p);
	/* The mistake: whatever alg the header names, with this key. */
	ok = jwt_decode(&jwt, token, key, key_len) == 0 && jwt;
	jwt_free(jwt);
	return ok;
}
