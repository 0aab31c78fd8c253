/*
 * token.c - JWT verify keys, parsing and the pinned verifier. See token.h.
 */
#include "state/token.h"

#include <jwt.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/keys.h"
#include "base/log.h"

static const char *const reason_text[] = {
	[TOKEN_VALID]           = "valid",
	[TOKEN_MALFORMED]       = "malformed",
	[TOKEN_TOO_LARGE]       = "too large",
	[TOKEN_ALG_NOT_ALLOWED] = "alg not allowed for this key",
	[TOKEN_UNKNOWN_KID]     = "unknown kid",
	[TOKEN_BAD_SIGNATURE]   = "bad signature",
	[TOKEN_WRONG_ISS]       = "wrong iss",
	[TOKEN_WRONG_AUD]       = "wrong aud",
	[TOKEN_WRONG_USE]       = "wrong token_use",
	[TOKEN_EXPIRED]         = "expired",
	[TOKEN_NOT_YET_VALID]   = "not yet valid",
	[TOKEN_REVOKED]         = "revoked",
	[TOKEN_SUPERSEDED]      = "issued before a revocation",
	[TOKEN_NO_ACCOUNT]      = "no such account",
};

const char *token_reason_text(enum token_reason r)
{
	if ((size_t)r >= sizeof(reason_text) / sizeof(reason_text[0]))
		return "malformed";
	return reason_text[r];
}

const char *token_alg_name(enum token_alg a)
{
	return a == TOKEN_RS256 ? "RS256" : "HS256";
}

int token_alg_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "HS256"))
		return TOKEN_HS256;
	if (!strcmp(s, "RS256"))
		return TOKEN_RS256;
	return -1;
}

void token_random_id(char out[TOKEN_JTI_MAX])
{
	unsigned char raw[16];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_JTI_MAX, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

long long token_access_ttl(void)
{
	long long def = config_long("CLASSROOM", 0, 0, 1) ?
		TOKEN_CLASSROOM_TTL : TOKEN_ACCESS_TTL;

	return config_long("ACCESS_TOKEN_SECONDS", def, 1, 86400);
}

void token_hs_kid(const unsigned char secret[TOKEN_SECRET_BYTES],
		  char kid[JWK_KID_MAX])
{
	static const unsigned char label[] = "web-state jwt kid";
	unsigned char h[9];

	crypto_generichash(h, sizeof(h), label, sizeof(label) - 1, secret,
			   TOKEN_SECRET_BYTES);
	memcpy(kid, "hs-", 3);
	sodium_bin2base64(kid + 3, JWK_KID_MAX - 3, h, sizeof(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

enum err token_keys_load(const char *dir, struct token_keys *k)
{
	enum err e;

	memset(k, 0, sizeof(*k));
	if ((e = keys_load(dir, TOKEN_HS_FILE, k->hs_secret,
			   TOKEN_SECRET_BYTES)))
		goto fail;
	/* A secret of zeros means a broken generator, not a key. */
	if (sodium_is_zero(k->hs_secret, TOKEN_SECRET_BYTES)) {
		log_msg("error", "%s is all zero bytes", TOKEN_HS_FILE);
		e = ERR_INVAL;
		goto fail;
	}
	token_hs_kid(k->hs_secret, k->hs_kid);
	if ((e = keys_read(dir, JWK_PUBLIC_FILE, JWK_PEM_MAX, &k->rs_pub_pem,
			   &k->rs_pub_len)) ||
	    (e = jwk_parse(k->rs_pub_pem, k->rs_pub_len, &k->rs_pkey)) ||
	    (e = jwk_export(k->rs_pkey, &k->rs_jwk, k->rs_kid)))
		goto fail;
	return ERR_OK;
fail:
	log_msg("error", "JWT keys in %s: %s", dir, err_name(e));
	token_keys_cleanup(k);
	return e;
}

void token_keys_cleanup(struct token_keys *k)
{
	if (!k)
		return;
	free(k->rs_pub_pem);
	EVP_PKEY_free(k->rs_pkey);
	json_decref(k->rs_jwk);
	sodium_memzero(k, sizeof(*k));
}

/* Decode base64url (no padding) s[0..n) into a new buffer. */
static int b64url_decode(const char *s, size_t n, unsigned char **out,
			 size_t *out_len)
{
	unsigned char *bin;
	const char *end = NULL;
	size_t bl = 0;

	*out = NULL;
	*out_len = 0;
	if (!(bin = malloc(n / 4 * 3 + 3)))
		return -1;
	if (sodium_base642bin(bin, n / 4 * 3 + 3, s, n, NULL, &bl, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != s + n) {
		free(bin);
		return -1;
	}
	*out = bin;
	*out_len = bl;
	return 0;
}

/* A base64url JSON object, or NULL. */
static json_t *decode_object(const char *s, size_t n)
{
	unsigned char *bin;
	size_t bl;
	json_t *v;

	if (n == 0 || b64url_decode(s, n, &bin, &bl))
		return NULL;
	v = json_loadb((const char *)bin, bl, JSON_REJECT_DUPLICATES, NULL);
	free(bin);
	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

/*
 * A compact JWS (RFC 7515 §7.1) as token_verify sees it: the parts
 * token_parse gives, plus what only the signature check needs.
 */
struct jws {
	struct token_parts parts;
	unsigned char     *sig;         /* owned: the decoded signature */
	size_t             signed_len;  /* bytes of header.payload */
};

/* Split token[0..len) at exactly two dots and decode each part (see
 * token_parse). j is filled with what did decode; release with
 * jws_cleanup. */
static enum err jws_split(const char *token, size_t len, struct jws *j)
{
	struct token_parts *p = &j->parts;
	const char *d1, *d2;

	memset(j, 0, sizeof(*j));
	if (len > TOKEN_MAX)
		return ERR_TOOBIG;
	if (!token || !(d1 = memchr(token, '.', len)) ||
	    !(d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token))) ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)))
		return ERR_INVAL;
	p->header = decode_object(token, (size_t)(d1 - token));
	p->payload = decode_object(d1 + 1, (size_t)(d2 - d1 - 1));
	if (b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - token), &j->sig,
			  &p->sig_len) == 0)
		p->sig_ok = 1;
	j->signed_len = (size_t)(d2 - token);
	return p->header && p->payload && p->sig_ok ? ERR_OK : ERR_INVAL;
}

static void jws_cleanup(struct jws *j)
{
	token_parts_cleanup(&j->parts);
	free(j->sig);
	j->sig = NULL;
}

enum err token_parse(const char *token, size_t len, struct token_parts *p)
{
	struct jws j;
	enum err e = jws_split(token, len, &j);

	free(j.sig);
	*p = j.parts;
	return e;
}

void token_parts_cleanup(struct token_parts *p)
{
	json_decref(p->header);
	json_decref(p->payload);
	memset(p, 0, sizeof(*p));
}

void token_claims_cleanup(struct token_claims *c)
{
	json_decref(c->payload);
	memset(c, 0, sizeof(*c));
}

/* Copy string claim name into out (cap bytes). required: absent is bad.
 * -1 when present but not a string or too long. */
static int claim_str(json_t *payload, const char *name, char *out,
		     size_t cap, int required)
{
	json_t *v = json_object_get(payload, name);
	const char *s;
	size_t n;

	out[0] = '\0';
	if (!v)
		return required ? -1 : 0;
	if (!(s = json_string_value(v)) || (n = json_string_length(v)) == 0 ||
	    n >= cap || strlen(s) != n)
		return -1;
	memcpy(out, s, n + 1);
	return 0;
}

/* A non-negative integer claim: a NumericDate (RFC 7519 §2), or ver. */
static int claim_time(json_t *payload, const char *name, long long *out,
		      int required)
{
	json_t *v = json_object_get(payload, name);

	*out = 0;
	if (!v)
		return required ? -1 : 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (long long)json_integer_value(v);
	return 0;
}

/* aud is our audience, or an array holding it (RFC 7519 §4.1.3). */
static int audience_ok(json_t *aud)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud))
		return !strcmp(json_string_value(aud), TOKEN_AUDIENCE);
	if (json_is_array(aud))
		json_array_foreach(aud, i, v)
			if (json_is_string(v) &&
			    !strcmp(json_string_value(v), TOKEN_AUDIENCE))
				return 1;
	return 0;
}

/*
 * HS256 (RFC 7518 §3.2): the HMAC-SHA256 of input[0..n) under the secret
 * equals sig, compared in constant time. 1 when it does.
 */
static int verify_hs256(const struct token_keys *k, const char *input,
			size_t n, const unsigned char *sig, size_t sig_len)
{
	_Static_assert(TOKEN_SECRET_BYTES == crypto_auth_hmacsha256_KEYBYTES,
		       "the HS256 secret is an HMAC-SHA256 key");
	return sig_len == crypto_auth_hmacsha256_BYTES &&
		crypto_auth_hmacsha256_verify(sig, (const unsigned char *)input,
					      n, k->hs_secret) == 0;
}

/*
 * RS256 (RFC 7518 §3.3): sig is an RSASSA-PKCS1-v1_5 SHA-256 signature
 * of input[0..n) by the key parsed at load (no PEM is parsed here). A
 * signature is exactly the modulus size (RFC 8017 §8.2.2). 1 when valid.
 */
static int verify_rs256(const struct token_keys *k, const char *input,
			size_t n, const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *md;
	int ok;

	if (!k->rs_pkey || EVP_PKEY_get_size(k->rs_pkey) <= 0 ||
	    sig_len != (size_t)EVP_PKEY_get_size(k->rs_pkey) ||
	    !(md = EVP_MD_CTX_new()))
		return 0;
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
				  k->rs_pkey) == 1 &&
		EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)input,
				 n) == 1;
	EVP_MD_CTX_free(md);
	if (!ok)
		ERR_clear_error();    /* a bad signature is no library error */
	return ok;
}

/*
 * Steps 3 and 4: the key named by kid, pinned to its algorithm before any
 * crypto; the signature verified with that key's mechanism; then libjwt
 * decodes the token with no key (decoding only: the signature is ours to
 * check, done above) and must read the same alg.
 */
static enum token_reason check_signature(const struct token_keys *k,
					 const char *token,
					 const struct jws *j,
					 struct token_claims *out)
{
	json_t *header = j->parts.header;
	const char *alg = json_string_value(json_object_get(header, "alg"));
	const char *kid = json_string_value(json_object_get(header, "kid"));
	const char *read;
	int a = token_alg_parse(alg), ok;
	jwt_t *jwt = NULL;
	enum token_reason r = TOKEN_BAD_SIGNATURE;

	if (a < 0)
		return TOKEN_ALG_NOT_ALLOWED;    /* none, nOnE, HS512... */
	if (!kid)
		return TOKEN_UNKNOWN_KID;
	if (k->hs_kid[0] && !strcmp(kid, k->hs_kid)) {
		if (a != TOKEN_HS256)
			return TOKEN_ALG_NOT_ALLOWED;
		ok = verify_hs256(k, token, j->signed_len, j->sig,
				  j->parts.sig_len);
	} else if (k->rs_kid[0] && !strcmp(kid, k->rs_kid)) {
		if (a != TOKEN_RS256)
			return TOKEN_ALG_NOT_ALLOWED;   /* RS256 -> HS256 */
		ok = verify_rs256(k, token, j->signed_len, j->sig,
				  j->parts.sig_len);
	} else {
		return TOKEN_UNKNOWN_KID;
	}
	if (!ok)
		return TOKEN_BAD_SIGNATURE;
	if (jwt_decode(&jwt, token, NULL, 0) == 0 && jwt &&
	    (read = jwt_get_header(jwt, "alg")) &&
	    !strcmp(read, token_alg_name((enum token_alg)a))) {
		r = TOKEN_VALID;
		out->alg = (enum token_alg)a;
		memcpy(out->kid, kid, strlen(kid) + 1);
	}
	jwt_free(jwt);
	return r;
}

/* Step 5: the claims, on a payload whose signature verified. */
static enum token_reason check_claims(json_t *pl, long long now,
				      unsigned flags, struct token_claims *out)
{
	const char *iss = json_string_value(json_object_get(pl, "iss"));
	const char *use = json_string_value(json_object_get(pl, "token_use"));
	size_t i, n;

	if (claim_str(pl, "sub", out->sub, sizeof(out->sub), 1) ||
	    claim_str(pl, "jti", out->jti, sizeof(out->jti), 1) ||
	    claim_str(pl, "name", out->name, sizeof(out->name), 0) ||
	    claim_str(pl, "role", out->role, sizeof(out->role), 0) ||
	    claim_time(pl, "exp", &out->exp, 1) ||
	    claim_time(pl, "iat", &out->iat, 1) ||
	    claim_time(pl, "nbf", &out->nbf, 0) ||
	    claim_time(pl, "ver", &out->ver, 0))
		return TOKEN_MALFORMED;
	if (!iss || strcmp(iss, TOKEN_ISSUER))
		return TOKEN_WRONG_ISS;
	if (!audience_ok(json_object_get(pl, "aud")))
		return TOKEN_WRONG_AUD;
	if (!use || strcmp(use, TOKEN_USE_ACCESS))
		return TOKEN_WRONG_USE;
	if (!(flags & TOKEN_IGNORE_EXP) && now >= out->exp + TOKEN_LEEWAY)
		return TOKEN_EXPIRED;
	if (out->nbf > now + TOKEN_LEEWAY || out->iat > now + TOKEN_LEEWAY)
		return TOKEN_NOT_YET_VALID;
	/* A site user's sub is their numeric id (18 digits at most). */
	out->user_id = 0;
	n = strlen(out->sub);
	if (n <= 18 && strspn(out->sub, "0123456789") == n)
		for (i = 0; i < n; i++)
			out->user_id = out->user_id * 10 + (out->sub[i] - '0');
	return TOKEN_VALID;
}

enum token_reason token_verify(const struct token_keys *k, const char *token,
			       long long now, unsigned flags,
			       struct token_claims *out)
{
	struct jws j;
	size_t len;
	enum token_reason r;

	memset(out, 0, sizeof(*out));
	if (!token)
		return TOKEN_MALFORMED;
	len = strnlen(token, TOKEN_MAX + 1);
	if (len > TOKEN_MAX)
		return TOKEN_TOO_LARGE;
	if (jws_split(token, len, &j)) {
		jws_cleanup(&j);
		return TOKEN_MALFORMED;
	}
	r = check_signature(k, token, &j, out);
	if (r == TOKEN_VALID)
		r = check_claims(j.parts.payload, now, flags, out);
	if (r == TOKEN_VALID) {
		out->payload = j.parts.payload;
		j.parts.payload = NULL;
	} else {
		memset(out, 0, sizeof(*out));
	}
	jws_cleanup(&j);
	return r;
}

/* One row of the checklist; ok: 1, 0, or -1 for "not checked". */
static int check_row(json_t *list, const char *check, int ok,
		     const char *detail)
{
	return json_array_append_new(list, json_pack(
		"{s:s, s:o, s:s}", "check", check, "ok",
		ok < 0 ? json_null() : json_boolean(ok), "detail",
		detail ? detail : ""));
}

/* A time claim's row: required ones must be present. */
static int time_row(json_t *list, json_t *pl, const char *name, int required,
		    int ok_if)
{
	long long t;

	if (claim_time(pl, name, &t, required))
		return check_row(list, name, 0, json_object_get(pl, name) ?
				 "@not_integer" : "@missing");
	if (!json_object_get(pl, name))
		return check_row(list, name, 1, "@optional");
	return check_row(list, name, ok_if, "");
}

enum token_reason token_checklist(const struct token_keys *k,
				  const char *token, long long now,
				  json_t **out)
{
	struct jws j;
	struct token_parts *p = &j.parts;
	struct token_claims cl;
	json_t *list = json_array(), *pl;
	const char *alg, *kid, *s;
	char tmp[TOKEN_JTI_MAX];
	size_t len = token ? strnlen(token, TOKEN_MAX + 1) : 0;
	int a, key_alg = -1, fail = 0;
	long long t;
	enum token_reason r;

	*out = NULL;
	memset(&j, 0, sizeof(j));
	if (!list)
		return TOKEN_MALFORMED;
	r = token_verify(k, token, now, 0, &cl);
	token_claims_cleanup(&cl);
	fail |= check_row(list, "size", len <= TOKEN_MAX, len > TOKEN_MAX ?
			  "@too_large" : "");
	if (len > TOKEN_MAX)
		goto done;
	if (!token || jws_split(token, len, &j)) {
		fail |= check_row(list, "format", 0, "@not_parts");
		if (!p->header || !p->payload)
			goto done;
	} else {
		fail |= check_row(list, "format", 1, "");
	}
	alg = json_string_value(json_object_get(p->header, "alg"));
	kid = json_string_value(json_object_get(p->header, "kid"));
	a = token_alg_parse(alg);
	fail |= check_row(list, "alg", a >= 0, alg ? alg : "@missing");
	if (kid && !strcmp(kid, k->hs_kid))
		key_alg = TOKEN_HS256;
	else if (kid && !strcmp(kid, k->rs_kid))
		key_alg = TOKEN_RS256;
	fail |= check_row(list, "kid", key_alg >= 0, key_alg < 0 ?
			  (kid ? "@unknown_key" : "@missing") :
			  token_alg_name((enum token_alg)key_alg));
	fail |= check_row(list, "alg_for_key", key_alg < 0 ? -1 :
			  a == key_alg, key_alg < 0 ? "@no_key" : "");
	if (key_alg < 0)    /* nothing to check it with */
		fail |= check_row(list, "signature", -1, "@no_key");
	else if (a < 0 || a != key_alg)
		fail |= check_row(list, "signature", -1, "@not_checked");
	else
		fail |= check_row(list, "signature",
				  check_signature(k, token, &j, &cl) ==
				  TOKEN_VALID, "");
	pl = p->payload;
	s = json_string_value(json_object_get(pl, "iss"));
	fail |= check_row(list, "iss", s && !strcmp(s, TOKEN_ISSUER),
			  s ? s : "@missing");
	fail |= check_row(list, "aud", audience_ok(json_object_get(pl, "aud")),
			  "");
	s = json_string_value(json_object_get(pl, "token_use"));
	fail |= check_row(list, "token_use", s && !strcmp(s, TOKEN_USE_ACCESS),
			  s ? s : "@missing");
	claim_time(pl, "exp", &t, 1);
	fail |= time_row(list, pl, "exp", 1, now < t + TOKEN_LEEWAY);
	claim_time(pl, "nbf", &t, 0);
	fail |= time_row(list, pl, "nbf", 0, t <= now + TOKEN_LEEWAY);
	claim_time(pl, "iat", &t, 1);
	fail |= time_row(list, pl, "iat", 1, t <= now + TOKEN_LEEWAY);
	fail |= check_row(list, "sub", !claim_str(pl, "sub", tmp, 24, 1), "");
	fail |= check_row(list, "jti", !claim_str(pl, "jti", tmp,
						   sizeof(tmp), 1), "");
done:
	jws_cleanup(&j);
	if (fail) {
		json_decref(list);
		return TOKEN_MALFORMED;
	}
	*out = list;
	return r;
}
