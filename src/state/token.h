/*
 * token.h - JWT (RFC 7519) access tokens: the verify keys, parsing, and the
 * one verifier every protected route uses. Signing lives in tokensign.h,
 * which only the issuer links; refresh families live in refresh.h.
 *
 * libjwt 1.10.2 trusts the token header: it accepts alg "none" when the key
 * is empty, never checks a claim, and verifies an HS256 token with any key
 * bytes, an RSA public key's PEM included; it also parses a PEM key again
 * on every call. So token_verify does, in order:
 *
 *   1. refuse more than TOKEN_MAX bytes, before decoding anything;
 *   2. split header.payload.signature (exactly two dots) and decode all
 *      three parts itself (strict base64url without padding, JSON objects
 *      without duplicate keys): else "malformed";
 *   3. require the header's alg to be exactly "HS256" or "RS256" and its
 *      kid to name one of our keys, and the key's algorithm to be the
 *      header's alg ("alg not allowed for this key", "unknown kid"),
 *      all before any crypto;
 *   4. verify the signature over header.payload with that key's one
 *      mechanism (RFC 7518 §3.2 HS256: HMAC-SHA256, compared in constant
 *      time; §3.3 RS256: RSASSA-PKCS1-v1_5 SHA-256 with the EVP_PKEY
 *      parsed at load), then let jwt_decode decode the token without a
 *      key (libjwt 1.10.2 then verifies nothing) and require the alg it
 *      read to be the key's ("bad signature");
 *   5. check iss, aud, token_use, then exp, nbf and iat with
 *      TOKEN_LEEWAY seconds of leeway.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stddef.h>
#include <jansson.h>
#include <openssl/types.h>

#include "base/err.h"
#include "state/jwk.h"

#define TOKEN_MAX          4096        /* bytes of a token we look at */
#define TOKEN_SECRET_BYTES 32          /* HS256 secret: 256 random bits */
#define TOKEN_HS_FILE      "jwt_hs256.key"
#define TOKEN_LEEWAY       10          /* seconds of clock skew allowed */
#define TOKEN_ISSUER       "urn:web-state:auth"
#define TOKEN_AUDIENCE     "urn:web-state:api"
#define TOKEN_USE_ACCESS   "access"
#define TOKEN_JTI_MAX      64          /* bytes of a jti, with the NUL */
#define TOKEN_ACCESS_TTL   900         /* default access lifetime */
#define TOKEN_CLASSROOM_TTL 60         /* with CLASSROOM=1 */

enum token_alg {
	TOKEN_HS256 = 0,
	TOKEN_RS256
};

/* Why a token was refused; each has a fixed RFC 6750 error_description. */
enum token_reason {
	TOKEN_VALID = 0,
	TOKEN_MALFORMED,
	TOKEN_TOO_LARGE,
	TOKEN_ALG_NOT_ALLOWED,
	TOKEN_UNKNOWN_KID,
	TOKEN_BAD_SIGNATURE,
	TOKEN_WRONG_ISS,
	TOKEN_WRONG_AUD,
	TOKEN_WRONG_USE,
	TOKEN_EXPIRED,
	TOKEN_NOT_YET_VALID,
	TOKEN_REVOKED,          /* its jti is on the blacklist */
	TOKEN_SUPERSEDED,       /* its ver is older than the account's:
				   issued before a revocation */
	TOKEN_NO_ACCOUNT        /* its numeric sub names no account */
};

/*
 * The verify keys: the HS256 secret (which can also sign: that is the
 * lesson of S-J7) and the RSA public key, parsed once at load (rs_pkey:
 * what token_verify uses) and kept as PEM text for the forgery lab's
 * weak verifier and forger. Nothing here can sign RS256.
 */
struct token_keys {
	unsigned char hs_secret[TOKEN_SECRET_BYTES];
	char          hs_kid[JWK_KID_MAX];
	char         *rs_pub_pem;              /* owned, NUL-terminated */
	size_t        rs_pub_len;
	EVP_PKEY     *rs_pkey;                 /* owned: rs_pub_pem parsed */
	char          rs_kid[JWK_KID_MAX];
	json_t       *rs_jwk;                  /* owned: the public JWK */
};

/* A token split into its parts, decoded but not verified. */
struct token_parts {
	json_t *header;       /* owned; NULL when not a JSON object */
	json_t *payload;      /* owned; NULL when not a JSON object */
	size_t  sig_len;      /* bytes of the decoded signature */
	int     sig_ok;       /* 1 when the signature part is base64url */
};

/* What a verified (or, with TOKEN_IGNORE_EXP, an expired) token says. */
struct token_claims {
	enum token_alg alg;
	char           kid[JWK_KID_MAX];
	char           sub[24];
	long long      user_id;                /* sub as a number */
	char           name[64];
	char           role[16];
	char           jti[TOKEN_JTI_MAX];
	long long      iat, nbf, exp;
	long long      ver;                    /* the account's token version
						  at issue; 0 when absent */
	json_t        *payload;                /* owned; token_claims_cleanup */
};

#define TOKEN_IGNORE_EXP 0x1   /* the pair check: an expired token with a
				  valid signature is still its own */

/*
 * token_keys_load: read the HS256 secret (exactly TOKEN_SECRET_BYTES, mode
 * 0600) and the RSA public key from dir, and derive both kids. Refuses
 * (ERR_INVAL) a short or open secret and a public key under 2048 bits;
 * ERR_NOTFOUND when a file is missing. The public key is parsed here, once
 * (k->rs_pkey), never per token. *k is zeroed on failure. Release with
 * token_keys_cleanup.
 */
enum err token_keys_load(const char *dir, struct token_keys *k);

/* token_keys_cleanup: wipe the secret and free the rest (the EVP_PKEY
 * included). NULL-safe; safe on a zeroed struct. */
void token_keys_cleanup(struct token_keys *k);

/* token_hs_kid: the kid of an HS256 secret: "hs-" and 12 base64url
 * characters of a keyed BLAKE2b (reveals nothing about the secret). */
void token_hs_kid(const unsigned char secret[TOKEN_SECRET_BYTES],
		  char kid[JWK_KID_MAX]);

/*
 * token_parse: split token[0..len) and decode its header and payload.
 * Returns ERR_TOOBIG past TOKEN_MAX, ERR_INVAL when it is not three
 * base64url parts or header/payload are not JSON objects (p is still
 * filled with what did decode, for the lab decoder). Release with
 * token_parts_cleanup.
 */
enum err token_parse(const char *token, size_t len, struct token_parts *p);

/* token_parts_cleanup: free the parts. Safe on a zeroed struct. */
void token_parts_cleanup(struct token_parts *p);

/*
 * token_verify: the verifier (see the file comment) over the NUL-terminated
 * token at time now. Returns TOKEN_VALID and fills *out (release with
 * token_claims_cleanup), or the reason and a zeroed *out. flags:
 * TOKEN_IGNORE_EXP skips exp only. The blacklist and the account's token
 * version are the caller's (revoke_access_check), since a stateless
 * verifier has no database.
 */
enum token_reason token_verify(const struct token_keys *k, const char *token,
			       long long now, unsigned flags,
			       struct token_claims *out);

/*
 * token_checklist: for the S-J1 decoder, every check token_verify makes,
 * each run on its own so that all problems show, not just the first: a
 * JSON array of {check, ok, detail} (*out, caller decrefs), where ok is
 * true, false, or null when the check could not run (the signature is not
 * checked with a key the header was not allowed to choose: "@not_checked",
 * nor when the kid names no key: "@no_key"). Checks: size,
 * format, alg, kid, alg_for_key, signature, iss, aud, token_use, exp, nbf,
 * iat, sub, jti. Returns TOKEN_VALID when every check passed, else the
 * reason token_verify would give. *out is NULL only on ERR_NOMEM (then
 * TOKEN_MALFORMED). A detail is a value from the token (an alg, an iss),
 * or "@" and a word naming an explanation ("@missing", "@too_large",
 * "@not_parts", "@unknown_key", "@no_key", "@not_checked",
 * "@not_integer", "@optional") that the page translates.
 */
enum token_reason token_checklist(const struct token_keys *k,
				  const char *token, long long now,
				  json_t **out);

/* token_claims_cleanup: free the payload; *c is zeroed. */
void token_claims_cleanup(struct token_claims *c);

/* token_reason_text: the error_description for r ("expired", "bad
 * signature"...), static. */
const char *token_reason_text(enum token_reason r);

/* token_alg_name: "HS256" or "RS256". */
const char *token_alg_name(enum token_alg a);

/* token_alg_parse: TOKEN_HS256/RS256 from exactly "HS256"/"RS256"; -1
 * otherwise. */
int token_alg_parse(const char *s);

/*
 * token_random_id: a new 128-bit random ID, base64url (22 characters),
 * into out (at least 23 bytes): used for jti.
 */
void token_random_id(char out[TOKEN_JTI_MAX]);

/* token_access_ttl: ACCESS_TOKEN_SECONDS from the environment, else 60
 * with CLASSROOM=1, else TOKEN_ACCESS_TTL. */
long long token_access_ttl(void);

#endif
