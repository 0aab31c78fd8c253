/*
 * jwk.c - the public key file and the public JWK. See jwk.h.
 */
#include "state/jwk.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"

#define B64_MAX 512   /* base64url of a 4096-bit modulus fits */

/* base64url (no padding) of the big-endian bytes of parameter name. */
static enum err b64_param(EVP_PKEY *pk, const char *name, char *out,
			  size_t cap)
{
	BIGNUM *bn = NULL;
	unsigned char bin[B64_MAX];
	int n;
	enum err e = ERR_CRYPTO;

	if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1)
		return ERR_CRYPTO;
	n = BN_num_bytes(bn);
	if (n > 0 && (size_t)n <= sizeof(bin) &&
	    sodium_base64_ENCODED_LEN((size_t)n,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING) <= cap &&
	    BN_bn2bin(bn, bin) == n) {
		sodium_bin2base64(out, cap, bin, (size_t)n,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		e = ERR_OK;
	}
	BN_free(bn);
	return e;
}

enum err jwk_parse(const char *pem, size_t len, EVP_PKEY **pk)
{
	BIO *bio = NULL;
	EVP_PKEY *k = NULL;

	*pk = NULL;
	if (!pem || len > JWK_PEM_MAX ||
	    !(bio = BIO_new_mem_buf(pem, (int)len)) ||
	    !(k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) ||
	    EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(k) < JWK_RSA_BITS) {
		EVP_PKEY_free(k);
		BIO_free(bio);
		ERR_clear_error();
		return ERR_INVAL;
	}
	BIO_free(bio);
	*pk = k;
	return ERR_OK;
}

enum err jwk_export(EVP_PKEY *pk, json_t **jwk, char kid[JWK_KID_MAX])
{
	char n[B64_MAX * 2], ex[32];
	unsigned char digest[crypto_hash_sha256_BYTES];
	struct buf canon;
	enum err e;

	*jwk = NULL;
	kid[0] = '\0';
	buf_init(&canon);
	if ((e = b64_param(pk, OSSL_PKEY_PARAM_RSA_N, n, sizeof(n))) ||
	    (e = b64_param(pk, OSSL_PKEY_PARAM_RSA_E, ex, sizeof(ex))))
		goto out;
	/* RFC 7638 §3.2: the required members, sorted, no whitespace. */
	if ((e = buf_printf(&canon, "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
			    ex, n)))
		goto out;
	crypto_hash_sha256(digest, (const unsigned char *)canon.data,
			   canon.len);
	sodium_bin2base64(kid, JWK_KID_MAX, digest, sizeof(digest),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "RSA",
			 "n", n, "e", ex, "kid", kid, "alg", "RS256",
			 "use", "sig");
	e = *jwk ? ERR_OK : ERR_NOMEM;
out:
	if (e)
		kid[0] = '\0';
	buf_cleanup(&canon);
	return e;
}

enum err jwk_public(const char *pem, size_t len, json_t **jwk,
		    char kid[JWK_KID_MAX])
{
	EVP_PKEY *pk = NULL;
	enum err e;

	*jwk = NULL;
	kid[0] = '\0';
	if ((e = jwk_parse(pem, len, &pk)))
		return e;
	e = jwk_export(pk, jwk, kid);
	EVP_PKEY_free(pk);
	return e;
}
