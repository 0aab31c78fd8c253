/*
 * test_jwk.c - the public JWK (RFC 7517, RFC 7518 §6.3.1) and its kid, the
 * RFC 7638 thumbprint: members, a thumbprint recomputed from the exported
 * n and e, parsing once (jwk_parse, then jwk_export, agrees with
 * jwk_public), and the keys refused by both (not PEM, too short, not RSA,
 * RSA-PSS only, too long).
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
#include <openssl/rsa.h>
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

/* The key parsed once (what token_keys_load keeps) exports what
 * jwk_public gives, and verifies. */
static void test_parse_then_export(void **state)
{
	char kid[JWK_KID_MAX], want[JWK_KID_MAX];
	json_t *jwk = NULL, *jwk2 = NULL;
	EVP_PKEY *pk = (EVP_PKEY *)1;

	(void)state;
	assert_int_equal(jwk_parse(pub_pem, pub_len, &pk), ERR_OK);
	assert_non_null(pk);
	assert_int_equal(EVP_PKEY_get_base_id(pk), EVP_PKEY_RSA);
	assert_int_equal(EVP_PKEY_get_bits(pk), JWK_RSA_BITS);
	assert_int_equal(EVP_PKEY_get_size(pk), JWK_RSA_BITS / 8);
	assert_int_equal(jwk_export(pk, &jwk, kid), ERR_OK);
	assert_int_equal(jwk_public(pub_pem, pub_len, &jwk2, want), ERR_OK);
	assert_string_equal(kid, want);
	assert_true(json_equal(jwk, jwk2));
	/* Exporting twice changes nothing: the key is not consumed. */
	json_decref(jwk);
	assert_int_equal(jwk_export(pk, &jwk, kid), ERR_OK);
	assert_string_equal(kid, want);
	json_decref(jwk);
	json_decref(jwk2);
	EVP_PKEY_free(pk);
}

/* An RSA-PSS key (the key type restricted to PSS) of 2048 bits. */
static EVP_PKEY *pss_gen(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
	EVP_PKEY *pk = NULL;

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
	assert_int_equal(EVP_PKEY_generate(ctx, &pk), 1);
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

/* pem_gen: the public PEM of a new key of kind 0 (RSA 1024), 1
 * (Ed25519) or 2 (RSA-PSS 2048), malloc'd. */
static char *pem_gen(int kind, size_t *len)
{
	EVP_PKEY *pk = kind == 0 ? EVP_RSA_gen(1024) :
		kind == 1 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519") :
		pss_gen();
	char *pem;

	assert_non_null(pk);
	pem = pem_of(pk, len);
	EVP_PKEY_free(pk);
	return pem;
}

static void test_refused(void **state)
{
	static const struct {
		const char *name;
		const char *pem;       /* NULL: made by pem_gen(gen) */
		int         gen;
	} rows[] = {
		{ "empty", "", 0 },
		{ "not a pem", "not a pem", 0 },
		{ "bad body", "-----BEGIN PUBLIC KEY-----\nAAAA\n"
		  "-----END PUBLIC KEY-----\n", 0 },
		{ "RSA 1024", NULL, 0 },
		{ "Ed25519", NULL, 1 },
		{ "RSA-PSS only", NULL, 2 },
	};
	char kid[JWK_KID_MAX];
	json_t *jwk;
	EVP_PKEY *pk;
	size_t i, len;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		char *made = rows[i].pem ? NULL : pem_gen(rows[i].gen, &len);
		const char *pem = made ? made : rows[i].pem;

		if (!made)
			len = strlen(pem);
		jwk = (json_t *)1;
		kid[0] = 'x';
		CHECK(jwk_public(pem, len, &jwk, kid) == ERR_INVAL, i);
		CHECK(jwk == NULL && kid[0] == '\0', i);
		pk = (EVP_PKEY *)1;
		CHECK(jwk_parse(pem, len, &pk) == ERR_INVAL, i);
		CHECK(pk == NULL, i);
		free(made);
	}
	/* Longer than JWK_PEM_MAX. */
	assert_int_equal(jwk_public(pub_pem, JWK_PEM_MAX + 1, &jwk, kid),
			 ERR_INVAL);
	assert_int_equal(jwk_parse(pub_pem, JWK_PEM_MAX + 1, &pk), ERR_INVAL);
	assert_null(pk);
	assert_int_equal(jwk_parse(NULL, 0, &pk), ERR_INVAL);
	assert_null(pk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_and_thumbprint),
		cmocka_unit_test(test_parse_then_export),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
