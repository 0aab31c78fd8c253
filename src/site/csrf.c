/*
 * csrf.c - session-bound CSRF tokens. See csrf.h.
 */
#include "site/csrf.h"

#include <sodium.h>
#include <string.h>

#include "http/origin.h"

static unsigned char csrf_key[crypto_auth_KEYBYTES];

void csrf_init(const unsigned char key[32])
{
	memcpy(csrf_key, key, sizeof(csrf_key));
}

static void mac(const unsigned char id_hash[32],
		unsigned char out[crypto_auth_BYTES])
{
	unsigned char msg[5 + 32];

	memcpy(msg, "csrf", 5);   /* domain separation, NUL included */
	memcpy(msg + 5, id_hash, 32);
	crypto_auth(out, msg, sizeof(msg), csrf_key);
}

void csrf_token(const unsigned char id_hash[32], char out[CSRF_TOKEN_LEN + 1])
{
	unsigned char tag[crypto_auth_BYTES];

	mac(id_hash, tag);
	sodium_bin2base64(out, CSRF_TOKEN_LEN + 1, tag, sizeof(tag),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

enum err csrf_check(const unsigned char id_hash[32], const char *token)
{
	char want[CSRF_TOKEN_LEN + 1];

	if (!token || strlen(token) != CSRF_TOKEN_LEN)
		return ERR_FORBIDDEN;
	csrf_token(id_hash, want);
	return sodium_memcmp(want, token, CSRF_TOKEN_LEN) == 0 ?
		ERR_OK : ERR_FORBIDDEN;
}

enum err csrf_check_visitor(const struct http_request *r, int has_session,
			    const unsigned char id_hash[32],
			    const char *token, const char **why_key)
{
	*why_key = NULL;
	if (!origin_sent_by_us(r)) {
		*why_key = "cookies.guard.origin";
		return ERR_FORBIDDEN;
	}
	if (has_session && csrf_check(id_hash, token)) {
		*why_key = "cookies.guard.token";
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}
