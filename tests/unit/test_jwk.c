/*
 * test_jwk.c - the public JWK (RFC 7517, RFC 7518 §6.3.1) and its kid, the
 * RFC 7638 thumbprint: members, a thumbprint recomputed from the exported
 * n and e, and the keys refused (not PEM, too short, not RSA).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "base/keys.h"
#include "state/jwk.h"
#include "state/tokensign.h"
#include "unit.h"

static char keydir[64];
static char *pub_pem;
static size_t pub_len;

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(keydir, sizeof(keydir), "/tmp/test_jwk_keys_%ld",
		 (long)getpid());
	if (tokensign_create_keys(keydir) ||
	    keys_read(keydir, JWK_PUBLIC_FILE, JWK_PEM_MAX, &pub_pem, &pub_len))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	static const char *const files[] = {
		TOKEN_HS_FILE, TOKENSIGN_PRIVATE_FILE, JWK_PUBLIC_FILE
	};
	char p[128];
	size_t i;

	(void)state;
	free(pub_pem);
	for (i = 0; i < NROWS(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", keydir, files[i]);
		unlink(p);
	}
	rmdir(keydir);
	return 0;
}

static const char *member(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	assert_non_null(s);
	return s;
}

static void test_export_and_thumbprint(void **state)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char kid[JWK_KID_MAX], want[JWK_KID_MAX], canon[2048];
	json_t *jwk = NULL;
	int n;

	(void)state;
	assert_int_equal(jwk_public(pub_pem, pub_len, &jwk, kid), ERR_OK);
	assert_non_null(jwk);
	assert_string_equal(member(jwk, "kty"), "RSA");
	assert_string_equal(member(jwk, "alg"), "RS256");
	assert_string_equal(member(jwk, "use"), "sig");
	assert_string_equal(member(jwk, "e"), "AQAB");   /* 65537 */
	/* A 2048-bit modulus: 256 bytes, 342 base64url characters. */
	assert_int_equal(strlen(member(jwk, "n")), 342);
	assert_string_equal(member(jwk, "kid"), kid);
	assert_null(json_object_get(jwk, "d"));          /* public only */

	/* RFC 7638 §3: SHA-256 over the required members, sorted. */
	n = snprintf(canon, sizeof(canon),
		     "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
		     member(jwk, "e"), member(jwk, "n"));
	assert_true(n > 0 && (size_t)n < sizeof(canon));
	crypto_hash_sha256(digest, (const unsigned char *)canon, (size_t)n);
	sodium_bin2base64(want, sizeof(want), digest, sizeof(digest),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_string_equal(kid, want);
	assert_int_equal(strlen(kid), 43);
	json_decref(jwk);

	/* The same key gives the same kid. */
	assert_int_equal(jwk_public(pub_pem, pub_len, &jwk, want), ERR_OK);
	assert_string_equal(kid, want);
	json_decref(jwk);
}

/* pem_of: the SubjectPublicKeyInfo PEM of pk (malloc'd). */
static char *pem_of(EVP_PKEY *pk, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p = NULL, *out;
	long n;

	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_PUBKEY(bio, pk), 1);
	n = BIO_get_mem_data(bio, &p);
	assert_true(n > 0);
	out = malloc((size_t)n + 1);
	assert_non_null(out);
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

static void test_refused(void **state)
{
	static const char *const junk[] = {
		"", "not a pem",
		"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
	};
	char kid[JWK_KID_MAX];
	json_t *jwk;
	EVP_PKEY *pk;
	char *pem;
	size_t i, len;

	(void)state;
	for (i = 0; i < NROWS(junk); i++) {
		jwk = (json_t *)1;
		kid[0] = 'x';
		CHECK(jwk_public(junk[i], strlen(junk[i]), &jwk, kid) ==
		      ERR_INVAL, i);
		CHECK(jwk == NULL && kid[0] == '\0', i);
	}
	/* An RSA key shorter than JWK_RSA_BITS. */
	pk = EVP_RSA_gen(1024);
	assert_non_null(pk);
	pem = pem_of(pk, &len);
	assert_int_equal(jwk_public(pem, len, &jwk, kid), ERR_INVAL);
	assert_null(jwk);
	free(pem);
	EVP_PKEY_free(pk);
	/* Not RSA at all. */
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(pk);
	pem = pem_of(pk, &len);
	assert_int_equal(jwk_public(pem, len, &jwk, kid), ERR_INVAL);
	assert_null(jwk);
	free(pem);
	EVP_PKEY_free(pk);
	/* Longer than JWK_PEM_MAX. */
	assert_int_equal(jwk_public(pub_pem, JWK_PEM_MAX + 1, &jwk, kid),
			 ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_and_thumbprint),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
