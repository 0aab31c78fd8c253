/*
 * jwk.h - the site's RSA key pair for RS256 (RFC 7518 §3.3) and its
 * public half as a JSON Web Key (RFC 7517 §4, RFC 7518 §6.3.1), with the
 * key ID taken from the RFC 7638 thumbprint.
 *
 * siteinit creates the pair once, with OpenSSL's EVP API (tokensign.h),
 * into the keys folder: the private key (PKCS#8 PEM, 0600, read by the
 * issuer only) and JWK_PUBLIC_FILE (SubjectPublicKeyInfo PEM, 0600), which
 * verifiers read through this module.
 */
#ifndef JWK_H
#define JWK_H

#include <stddef.h>
#include <jansson.h>
#include <openssl/types.h>

#include "base/err.h"

#define JWK_RSA_BITS      2048
#define JWK_PUBLIC_FILE   "jwt_rs256.pub.pem"
#define JWK_PEM_MAX       8192   /* bytes in a PEM file we accept */
#define JWK_KID_MAX       64     /* bytes of a kid, with the NUL */

/*
 * jwk_parse: parse a public-key PEM (SubjectPublicKeyInfo) of len bytes
 * into *pk (caller EVP_PKEY_free). ERR_INVAL, with *pk NULL, when it is
 * over JWK_PEM_MAX bytes or not an RSA public key of at least
 * JWK_RSA_BITS bits. Verifiers call it once, at load (token_keys_load).
 */
enum err jwk_parse(const char *pem, size_t len, EVP_PKEY **pk);

/*
 * jwk_export: the JWK object {kty, n, e, kid, alg:"RS256", use:"sig"} of
 * pk, a key from jwk_parse (*jwk, caller decrefs), and its kid (RFC 7638
 * SHA-256 thumbprint, base64url) into kid. ERR_CRYPTO or ERR_NOMEM, with
 * *jwk NULL and kid empty, when it cannot be exported. pk is not kept.
 */
enum err jwk_export(EVP_PKEY *pk, json_t **jwk, char kid[JWK_KID_MAX]);

/*
 * jwk_public: jwk_parse and jwk_export in one: from a public-key PEM of len bytes, the JWK object
 * {kty, n, e, kid, alg:"RS256", use:"sig"} (*jwk, caller decrefs) and the
 * kid (RFC 7638 SHA-256 thumbprint, base64url) into kid. ERR_INVAL when
 * the PEM is not an RSA public key of at least JWK_RSA_BITS bits.
 */
enum err jwk_public(const char *pem, size_t len, json_t **jwk,
		    char kid[JWK_KID_MAX]);

#endif
