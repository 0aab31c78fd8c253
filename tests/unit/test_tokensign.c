/*
 * test_tokensign.c - the issuer's keys and tokens: siteinit's key step
 * (files 0600, created once), loading (missing and too-open private key
 * refused), issuing with each algorithm, token_verify accepting what was
 * issued with the algorithm pinned to the kid and refusing the other one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "state/jwk.h"
#include "state/token.h"
#include "state/tokensign.h"
#include "unit.h"

#define NOW 1800000000LL

static char keydir[64];
static struct token_signer signer;

static const char *const key_files[] = {
	TOKEN_HS_FILE, TOKENSIGN_PRIVATE_FILE, JWK_PUBLIC_FILE
};

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(keydir, sizeof(keydir), "/tmp/test_tokensign_%ld",
		 (long)getpid());
	if (tokensign_create_keys(keydir) || tokensign_load(keydir, &signer))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	char p[128];
	size_t i;

	(void)state;
	tokensign_cleanup(&signer);
	for (i = 0; i < NROWS(key_files); i++) {
		snprintf(p, sizeof(p), "%s/%s", keydir, key_files[i]);
		unlink(p);
	}
	rmdir(keydir);
	return 0;
}

static char *issue(enum token_alg alg)
{
	struct token_spec s = {
		.alg = alg, .sub = "7", .name = "Alice", .role = "user",
		.jti = "jti-ts", .iat = NOW, .nbf = NOW, .exp = NOW + 900,
	};
	char *out = NULL;

	assert_int_equal(tokensign_issue(&signer, &s, &out), ERR_OK);
	assert_non_null(out);
	return out;
}

static void test_create_and_load(void **state)
{
	struct token_signer s2;
	struct stat st;
	char p[128];
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(key_files); i++) {
		snprintf(p, sizeof(p), "%s/%s", keydir, key_files[i]);
		CHECK(stat(p, &st) == 0, i);
		CHECK((st.st_mode & 0777) == 0600, i);
	}
	assert_non_null(signer.rs_priv_pem);
	assert_true(signer.rs_priv_len > 0);
	assert_non_null(strstr(signer.rs_priv_pem, "PRIVATE KEY"));
	/* A second run keeps the keys: the same kids load again. */
	assert_int_equal(tokensign_create_keys(keydir), ERR_OK);
	assert_int_equal(tokensign_load(keydir, &s2), ERR_OK);
	assert_non_null(s2.keys.rs_pkey);        /* parsed once, at load */
	assert_string_equal(s2.keys.rs_kid, signer.keys.rs_kid);
	assert_string_equal(s2.keys.hs_kid, signer.keys.hs_kid);
	assert_int_equal(s2.rs_priv_len, signer.rs_priv_len);
	tokensign_cleanup(&s2);
	assert_null(s2.keys.rs_pkey);
	tokensign_cleanup(NULL);
}

static void test_load_refusals(void **state)
{
	struct token_signer s2;
	char p[128], q[160];

	(void)state;
	memset(&s2, 0x5a, sizeof(s2));
	assert_int_equal(tokensign_load("/nonexistent-keys", &s2),
			 ERR_NOTFOUND);
	assert_null(s2.rs_priv_pem);
	/* A private key readable by the group is refused. */
	snprintf(p, sizeof(p), "%s/%s", keydir, TOKENSIGN_PRIVATE_FILE);
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(tokensign_load(keydir, &s2), ERR_INVAL);
	assert_null(s2.rs_priv_pem);
	assert_int_equal(chmod(p, 0600), 0);
	/* A missing private key too (the verify keys alone do not sign). */
	snprintf(q, sizeof(q), "%s/%s.away", keydir, TOKENSIGN_PRIVATE_FILE);
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(tokensign_load(keydir, &s2), ERR_NOTFOUND);
	assert_null(s2.rs_priv_pem);
	assert_null(s2.keys.rs_pkey);
	assert_int_equal(rename(q, p), 0);
	assert_int_equal(tokensign_load(keydir, &s2), ERR_OK);
	tokensign_cleanup(&s2);
}

static void test_issue_verify(void **state)
{
	static const enum token_alg algs[] = { TOKEN_HS256, TOKEN_RS256 };
	struct token_claims cl;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(algs); i++) {
		char *t = issue(algs[i]);

		CHECK(token_verify(&signer.keys, t, NOW, 0, &cl) ==
		      TOKEN_VALID, i);
		CHECK(cl.alg == algs[i], i);
		CHECK(!strcmp(cl.kid, algs[i] == TOKEN_RS256 ?
			      signer.keys.rs_kid : signer.keys.hs_kid), i);
		CHECK(cl.user_id == 7 && !strcmp(cl.jti, "jti-ts"), i);
		token_claims_cleanup(&cl);
		free(t);
	}
}

static void test_issue_refusals(void **state)
{
	struct token_spec s = { .alg = TOKEN_HS256, .sub = "7",
				.iat = NOW, .exp = NOW + 60 };
	char *out = (char *)1;

	(void)state;
	assert_int_equal(tokensign_issue(&signer, &s, &out), ERR_INVAL);
	s.jti = "j";
	s.sub = NULL;
	assert_int_equal(tokensign_issue(&signer, &s, &out), ERR_INVAL);
}

/*
 * with_header: token t with its header replaced by the JSON hdr (the
 * payload and signature kept): a header naming one key but the other
 * algorithm (malloc'd).
 */
static char *with_header(const char *t, const char *hdr)
{
	char b64[512];
	const char *dot = strchr(t, '.');
	size_t n;
	char *out;

	assert_non_null(dot);
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)hdr,
			  strlen(hdr),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	n = strlen(b64) + strlen(dot) + 1;
	out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "%s%s", b64, dot);
	return out;
}

static void test_other_alg_refused(void **state)
{
	char hdr[256];
	struct token_claims cl;
	char *rs = issue(TOKEN_RS256), *hs = issue(TOKEN_HS256), *t;

	(void)state;
	/* The RSA kid with HS256 (the RS256 -> HS256 confusion). */
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"kid\":\"%s\","
		 "\"typ\":\"JWT\"}", signer.keys.rs_kid);
	t = with_header(rs, hdr);
	assert_int_equal(token_verify(&signer.keys, t, NOW, 0, &cl),
			 TOKEN_ALG_NOT_ALLOWED);
	token_claims_cleanup(&cl);
	free(t);
	/* The HMAC kid with RS256. */
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"kid\":\"%s\","
		 "\"typ\":\"JWT\"}", signer.keys.hs_kid);
	t = with_header(hs, hdr);
	assert_int_equal(token_verify(&signer.keys, t, NOW, 0, &cl),
			 TOKEN_ALG_NOT_ALLOWED);
	token_claims_cleanup(&cl);
	free(t);
	/* Each token's own header is still accepted (the edit is all). */
	assert_int_equal(token_verify(&signer.keys, rs, NOW, 0, &cl),
			 TOKEN_VALID);
	token_claims_cleanup(&cl);
	free(rs);
	free(hs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_load),
		cmocka_unit_test(test_load_refusals),
		cmocka_unit_test(test_issue_verify),
		cmocka_unit_test(test_issue_refusals),
		cmocka_unit_test(test_other_alg_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
