/*
 * test_token.c - the JWT wrapper, the weak verifier, the forgeries, and
 * refresh-token families against a real key folder and SQLite file:
 * every claim check and refusal reason (table-driven), algorithm pinning
 * by kid, a table of forgeries built here byte by byte (alg none, HMAC
 * keyed with the public PEM, tampering, truncation, bad base64, other RSA
 * paddings and digests, NUL bytes), the 4 KB limit, the checklist,
 * rotation, reuse, pair binding, revocation and the blacklist.
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
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "state/auth.h"
#include "base/db.h"
#include "unsafe/forge.h"
#include "state/refresh.h"
#include "state/revoke.h"
#include "state/token.h"
#include "state/tokensign.h"
#include "unit.h"
#include "unsafe/weakjwt.h"

#define NOW 1800000000LL

static char keydir[64];
static struct token_signer signer;

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(keydir, sizeof(keydir), "/tmp/test_token_keys_%ld",
		 (long)getpid());
	if (tokensign_create_keys(keydir) ||
	    tokensign_load(keydir, &signer))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	char p[128];
	static const char *const files[] = {
		TOKEN_HS_FILE, TOKENSIGN_PRIVATE_FILE, JWK_PUBLIC_FILE
	};
	size_t i;

	(void)state;
	tokensign_cleanup(&signer);
	for (i = 0; i < NROWS(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", keydir, files[i]);
		unlink(p);
	}
	rmdir(keydir);
	return 0;
}

/* A token from spec defaults with the given changes. */
static char *issue(enum token_alg alg, const char *aud, const char *use,
		   const char *iss, long long iat, long long exp)
{
	struct token_spec s = {
		.alg = alg, .sub = "7", .name = "Alice", .role = "user",
		.jti = "jti-1", .aud = aud, .token_use = use, .iss = iss,
		.iat = iat, .nbf = iat, .exp = exp,
	};
	char *out = NULL;

	assert_int_equal(tokensign_issue(&signer, &s, &out), ERR_OK);
	return out;
}

static void test_keys(void **state)
{
	struct token_keys k;
	struct stat st;
	char p[128];

	(void)state;
	assert_int_equal(token_keys_load(keydir, &k), ERR_OK);
	assert_string_equal(k.hs_kid, signer.keys.hs_kid);
	assert_string_equal(k.rs_kid, signer.keys.rs_kid);
	assert_true(strncmp(k.hs_kid, "hs-", 3) == 0);
	assert_int_equal(strlen(k.rs_kid), 43);
	assert_non_null(k.rs_pkey);
	assert_int_equal(EVP_PKEY_get_bits(k.rs_pkey), JWK_RSA_BITS);
	token_keys_cleanup(&k);
	assert_null(k.rs_pkey);
	token_keys_cleanup(&k);                  /* twice is safe */
	snprintf(p, sizeof(p), "%s/%s", keydir, TOKENSIGN_PRIVATE_FILE);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Creating again changes nothing. */
	assert_int_equal(tokensign_create_keys(keydir), ERR_OK);
	/* A missing folder is refused. */
	assert_int_equal(token_keys_load("/nonexistent-keys", &k),
			 ERR_NOTFOUND);
}

static void test_short_secret_refused(void **state)
{
	char dir[80], p[128];
	struct token_keys k;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s-short", keydir);
	mkdir(dir, 0700);
	snprintf(p, sizeof(p), "%s/%s", dir, TOKEN_HS_FILE);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("0123456789abcdef", f);     /* 16 bytes */
	fclose(f);
	chmod(p, 0600);
	assert_int_equal(token_keys_load(dir, &k), ERR_INVAL);
	unlink(p);
	rmdir(dir);
}

static void test_claims_table(void **state)
{
	static const struct {
		enum token_alg alg;
		const char *aud, *use, *iss;
		long long iat, exp;
		enum token_reason want;
	} rows[] = {
		{ TOKEN_RS256, NULL, NULL, NULL, NOW, NOW + 900, TOKEN_VALID },
		{ TOKEN_HS256, NULL, NULL, NULL, NOW, NOW + 900, TOKEN_VALID },
		{ TOKEN_HS256, NULL, NULL, NULL, NOW - 100, NOW - 5,
		  TOKEN_VALID },                       /* within the leeway */
		{ TOKEN_HS256, NULL, NULL, NULL, NOW - 100, NOW - TOKEN_LEEWAY,
		  TOKEN_EXPIRED },
		{ TOKEN_RS256, NULL, NULL, NULL, NOW + 60, NOW + 900,
		  TOKEN_NOT_YET_VALID },
		{ TOKEN_RS256, NULL, NULL, NULL, NOW + 5, NOW + 900,
		  TOKEN_VALID },
		{ TOKEN_RS256, "urn:other", NULL, NULL, NOW, NOW + 900,
		  TOKEN_WRONG_AUD },
		{ TOKEN_RS256, NULL, "refresh", NULL, NOW, NOW + 900,
		  TOKEN_WRONG_USE },
		{ TOKEN_HS256, NULL, NULL, "urn:evil", NOW, NOW + 900,
		  TOKEN_WRONG_ISS },
	};
	struct token_claims cl;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		char *t = issue(rows[i].alg, rows[i].aud, rows[i].use,
				rows[i].iss, rows[i].iat, rows[i].exp);

		CHECK(token_verify(&signer.keys, t, NOW, 0, &cl) ==
		      rows[i].want, i);
		if (rows[i].want == TOKEN_VALID) {
			CHECK(cl.user_id == 7, i);
			CHECK(!strcmp(cl.jti, "jti-1"), i);
			CHECK(cl.alg == rows[i].alg, i);
			CHECK(cl.payload != NULL, i);
		} else {
			CHECK(cl.payload == NULL, i);
		}
		token_claims_cleanup(&cl);
		free(t);
	}
}

static void test_ignore_exp(void **state)
{
	struct token_claims cl;
	char *t = issue(TOKEN_HS256, NULL, NULL, NULL, NOW - 9000, NOW - 8000);

	(void)state;
	assert_int_equal(token_verify(&signer.keys, t, NOW, 0, &cl),
			 TOKEN_EXPIRED);
	assert_int_equal(token_verify(&signer.keys, t, NOW, TOKEN_IGNORE_EXP,
				      &cl), TOKEN_VALID);
	token_claims_cleanup(&cl);
	free(t);
}

static void test_hostile_tokens(void **state)
{
	static const struct {
		const char *tok;
		enum token_reason want;
	} rows[] = {
		{ "", TOKEN_MALFORMED },
		{ "a.b", TOKEN_MALFORMED },
		{ "a.b.c.d", TOKEN_MALFORMED },
		{ "...", TOKEN_MALFORMED },
		{ "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", TOKEN_ALG_NOT_ALLOWED },
		{ "eyJhbGciOiJuT25FIn0.eyJzdWIiOiIxIn0.", TOKEN_ALG_NOT_ALLOWED },
		{ "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.AAAA",
		  TOKEN_UNKNOWN_KID },
		{ "eyJhbGciOiJIUzI1NiJ9.bm90anNvbg.AAAA", TOKEN_MALFORMED },
		{ "W10.e30.", TOKEN_MALFORMED },              /* [] header */
		{ "eyJhbGciOiJIUzI1NiJ9.e30.A=", TOKEN_MALFORMED },
		{ NULL, TOKEN_MALFORMED },
	};
	struct token_claims cl;
	char *big;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(token_verify(&signer.keys, rows[i].tok, NOW, 0, &cl) ==
		      rows[i].want, i);
		CHECK(cl.payload == NULL, i);
	}
	big = repeat('a', TOKEN_MAX + 1);
	assert_int_equal(token_verify(&signer.keys, big, NOW, 0, &cl),
			 TOKEN_TOO_LARGE);
	free(big);
}

static void test_forgeries_and_weak_verifier(void **state)
{
	static const struct {
		enum forge_kind kind;
		enum token_reason real;
		int weak;
	} rows[] = {
		{ FORGE_TAMPERED,     TOKEN_BAD_SIGNATURE,   0 },
		{ FORGE_NONE,         TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_NONE_MIXED,   TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_HS256_PUBKEY, TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_HS512,        TOKEN_ALG_NOT_ALLOWED, 1 },
		{ FORGE_EXPIRED,      TOKEN_EXPIRED,         1 },
		{ FORGE_WRONG_AUD,    TOKEN_WRONG_AUD,       1 },
		{ FORGE_NOT_YET_VALID, TOKEN_NOT_YET_VALID,  1 },
	};
	struct token_claims cl;
	char *t;
	size_t i;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		CHECK(forge_token(&signer, rows[i].kind, NOW, &t) == ERR_OK, i);
		CHECK(token_verify(&signer.keys, t, NOW, 0, &cl) ==
		      rows[i].real, i);
		CHECK(weakjwt_accepts(&signer.keys, t) == rows[i].weak, i);
		CHECK(forge_kind_parse(forge_kind_name(rows[i].kind)) ==
		      (int)rows[i].kind, i);
		free(t);
	}
	assert_int_equal(forge_kind_parse("nope"), -1);
	assert_int_equal(forge_kind_parse(NULL), -1);
}

/* ---- forgeries, built byte by byte -------------------------------------- */

/* How a forged token is signed. */
enum sig_mech {
	SIG_HS,          /* HMAC-SHA256 with our secret (the real HS256) */
	SIG_HS_PEM,      /* HMAC-SHA256 keyed with the RSA public key PEM */
	SIG_RS,          /* RSASSA-PKCS1-v1_5 SHA-256 (the real RS256) */
	SIG_RS512,       /* PKCS#1 v1.5 with SHA-512 */
	SIG_PS256,       /* RSASSA-PSS with SHA-256 */
	SIG_ZERO_RS,     /* 256 zero bytes */
	SIG_EMPTY        /* no signature at all */
};

/* What is done to the token after signing. */
enum mutation {
	MUT_NONE,
	MUT_PAYLOAD,     /* payload swapped for another's, signature kept */
	MUT_SIG,         /* one signature character changed */
	MUT_SIG_SHORT,   /* signature 3 bytes short, well encoded */
	MUT_SIG_ODD,     /* signature cut by 1 character: not base64url */
	MUT_NO_SIG,      /* "header.payload" */
	MUT_HEADER_ONLY, /* "header." */
	MUT_DOT_END,     /* a fourth, empty part */
	MUT_DOT_MID,     /* "header..payload.sig" */
	MUT_PAD,         /* "=" padding on the signature */
	MUT_STD_B64,     /* '+' in the signature (standard base64) */
	MUT_SPACE,       /* a space inside the payload part */
	MUT_NUL_SIG,     /* a NUL byte inside the signature, where it
			    leaves whole base64 groups: a short signature */
	MUT_NUL_PAYLOAD, /* a NUL byte inside the payload part */
	MUT_NUL_HEAD,    /* a NUL byte inside the header part */
	MUT_HUGE,        /* the payload padded past TOKEN_MAX */
	MUT_TYP          /* typ "at+jwt" in the header (signed): libjwt
			    refuses a typ other than JWT */
};

enum kid_choice { KID_HS, KID_RS, KID_OTHER, KID_NONE, KID_EMPTY };

/* base64url without padding of bin[0..n), appended to b. */
static void b64_append(char *b, size_t cap, const void *bin, size_t n)
{
	size_t at = strlen(b);

	assert_true(sodium_base64_ENCODED_LEN(n,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING) <= cap - at);
	sodium_bin2base64(b + at, cap - at, bin, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* s appended to b (cap bytes), checked. */
static void str_append(char *b, size_t cap, const char *s)
{
	size_t at = strlen(b), n = strlen(s);

	assert_true(at + n < cap);
	memcpy(b + at, s, n + 1);
}

/* HMAC-SHA256 of msg under key (any length). */
static void hmac(const void *key, size_t klen, const char *msg,
		 unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg,
				      strlen(msg));
	crypto_auth_hmacsha256_final(&st, out);
}

/* An RSA signature of msg with the issuer's private key. */
static size_t rsa_sign(const char *msg, const EVP_MD *md, int pss,
		       unsigned char *out, size_t cap)
{
	BIO *bio = BIO_new_mem_buf(signer.rs_priv_pem,
				   (int)signer.rs_priv_len);
	EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t n = cap;

	assert_non_null(pk);
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, &pctx, md, NULL, pk), 1);
	if (pss)
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(
			pctx, RSA_PKCS1_PSS_PADDING), 1);
	assert_int_equal(EVP_DigestSign(ctx, out, &n,
					(const unsigned char *)msg,
					strlen(msg)), 1);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	return n;
}

/* The claims of a good token, with exp and aud as given. */
static void claims_json(char *out, size_t cap, long long exp, const char *aud)
{
	snprintf(out, cap, "{\"iss\":\"%s\",\"sub\":\"7\",\"aud\":\"%s\","
		 "\"exp\":%lld,\"nbf\":%lld,\"iat\":%lld,\"jti\":\"f-1\","
		 "\"token_use\":\"access\",\"ver\":0}", TOKEN_ISSUER, aud,
		 exp, NOW, NOW);
}

/*
 * forge: the compact token of header {alg, kid, typ:"JWT"} (alg NULL:
 * none given) over payload pl (pl_len bytes: it may hold a NUL), signed
 * by mech, then changed by mut. malloc'd.
 */
static char *forge(const char *alg, enum kid_choice kc, const char *pl,
		   size_t pl_len, enum sig_mech mech, enum mutation mut)
{
	char hdr[256], kidf[96] = "", *t;
	unsigned char sig[512];
	size_t sl = 0, cap = TOKEN_MAX * 2 + 4096, n;
	const char *kid = kc == KID_HS ? signer.keys.hs_kid :
		kc == KID_RS ? signer.keys.rs_kid :
		kc == KID_OTHER ? "not-our-kid" : "";

	if (kc != KID_NONE)
		snprintf(kidf, sizeof(kidf), ",\"kid\":\"%s\"", kid);
	if (alg)
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\"%s,\"typ\":\"%s\"}",
			 alg, kidf, mut == MUT_TYP ? "at+jwt" : "JWT");
	else
		snprintf(hdr, sizeof(hdr), "{\"typ\":\"JWT\"%s}", kidf);
	t = calloc(1, cap);
	assert_non_null(t);
	if (mut == MUT_NUL_HEAD) {     /* the NUL is inside the JSON */
		n = strlen(hdr);
		hdr[n - 1] = '\0';
		b64_append(t, cap, hdr, n);
		hdr[n - 1] = '}';
	} else {
		b64_append(t, cap, hdr, strlen(hdr));
	}
	str_append(t, cap, ".");
	b64_append(t, cap, pl, pl_len);
	if (mut == MUT_HUGE) {         /* still valid base64url: 'A's */
		n = strlen(t);
		memset(t + n, 'A', TOKEN_MAX);
		t[n + TOKEN_MAX] = '\0';
	}
	switch (mech) {
	case SIG_HS:
		hmac(signer.keys.hs_secret, TOKEN_SECRET_BYTES, t, sig);
		sl = 32;
		break;
	case SIG_HS_PEM:
		hmac(signer.keys.rs_pub_pem, signer.keys.rs_pub_len, t, sig);
		sl = 32;
		break;
	case SIG_RS:
		sl = rsa_sign(t, EVP_sha256(), 0, sig, sizeof(sig));
		break;
	case SIG_RS512:
		sl = rsa_sign(t, EVP_sha512(), 0, sig, sizeof(sig));
		break;
	case SIG_PS256:
		sl = rsa_sign(t, EVP_sha256(), 1, sig, sizeof(sig));
		break;
	case SIG_ZERO_RS:
		memset(sig, 0, 256);
		sl = 256;
		break;
	case SIG_EMPTY:
		break;
	}
	if (mut == MUT_PAYLOAD) {      /* sub 7 -> 1, the old signature */
		char other[512], *d2;

		claims_json(other, sizeof(other), NOW + 900, TOKEN_AUDIENCE);
		other[strstr(other, "\"7\"") - other + 1] = '1';
		d2 = strchr(t, '.');
		d2[1] = '\0';
		b64_append(t, cap, other, strlen(other));
	}
	if (mut == MUT_SIG_SHORT)
		sl -= 3;
	str_append(t, cap, ".");
	b64_append(t, cap, sig, sl);
	n = strlen(t);
	switch (mut) {
	case MUT_SIG:                  /* a middle character, so no
					  padding bits are touched */
		t[n - 20] = t[n - 20] == 'A' ? 'B' : 'A';
		break;
	case MUT_SIG_ODD:
		t[n - (sl % 3 == 1 ? 1 : 2)] = '\0';  /* leave 4k+1 chars */
		assert_int_equal(strlen(strrchr(t, '.') + 1) % 4, 1);
		break;
	case MUT_NO_SIG:
		*strrchr(t, '.') = '\0';
		break;
	case MUT_HEADER_ONLY:
		strchr(t, '.')[1] = '\0';
		break;
	case MUT_DOT_END:
		str_append(t, cap, ".");
		break;
	case MUT_DOT_MID:
		memmove(strchr(t, '.') + 1, strchr(t, '.'),
			strlen(strchr(t, '.')) + 1);
		break;
	case MUT_PAD:
		str_append(t, cap, sl % 3 == 1 ? "==" : "=");
		break;
	case MUT_STD_B64:
		t[n - 20] = '+';
		break;
	case MUT_SPACE:
		memmove(strchr(t, '.') + 6, strchr(t, '.') + 5,
			strlen(strchr(t, '.') + 5) + 1);
		strchr(t, '.')[5] = ' ';
		break;
	case MUT_NUL_SIG:
		t[n - (sl % 3 == 1 ? 2 : 3)] = '\0';
		break;
	case MUT_NUL_PAYLOAD:
		strchr(t, '.')[5] = '\0';
		break;
	default:
		break;
	}
	return t;
}

/*
 * Every row is refused with the reason of today's verifier (the rows
 * were checked against the libjwt-keyed one, before the key was cached)
 * except the genuine tokens, and nothing is claimed for a refusal.
 */
static void test_forgery_table(void **state)
{
	static const struct {
		const char       *name;
		const char       *alg;
		enum kid_choice   kid;
		int               pl;      /* 0 good, 1 expired, 2 wrong aud,
					      3 a NUL byte inside */
		enum sig_mech     mech;
		enum mutation     mut;
		enum token_reason want;
	} rows[] = {
		{ "RS256", "RS256", KID_RS, 0, SIG_RS, MUT_NONE, TOKEN_VALID },
		{ "HS256", "HS256", KID_HS, 0, SIG_HS, MUT_NONE, TOKEN_VALID },
		{ "none, rs kid", "none", KID_RS, 0, SIG_EMPTY, MUT_NONE,
		  TOKEN_ALG_NOT_ALLOWED },
		{ "none, hs kid", "none", KID_HS, 0, SIG_EMPTY, MUT_NONE,
		  TOKEN_ALG_NOT_ALLOWED },
		{ "nOnE", "nOnE", KID_RS, 0, SIG_EMPTY, MUT_NONE,
		  TOKEN_ALG_NOT_ALLOWED },
		{ "NONE, a signature", "NONE", KID_HS, 0, SIG_HS, MUT_NONE,
		  TOKEN_ALG_NOT_ALLOWED },
		{ "no alg", NULL, KID_HS, 0, SIG_HS, MUT_NONE,
		  TOKEN_ALG_NOT_ALLOWED },
		{ "hs256 lower case", "hs256", KID_HS, 0, SIG_HS, MUT_NONE,
		  TOKEN_ALG_NOT_ALLOWED },
		{ "HS256 keyed with the PEM, rs kid", "HS256", KID_RS, 0,
		  SIG_HS_PEM, MUT_NONE, TOKEN_ALG_NOT_ALLOWED },
		{ "HS256 keyed with the PEM, hs kid", "HS256", KID_HS, 0,
		  SIG_HS_PEM, MUT_NONE, TOKEN_BAD_SIGNATURE },
		{ "HS256 keyed with the PEM, no kid", "HS256", KID_NONE, 0,
		  SIG_HS_PEM, MUT_NONE, TOKEN_UNKNOWN_KID },
		{ "RS256 header on the HS key", "RS256", KID_HS, 0, SIG_RS,
		  MUT_NONE, TOKEN_ALG_NOT_ALLOWED },
		{ "HS512 on the HS key", "HS512", KID_HS, 0, SIG_HS, MUT_NONE,
		  TOKEN_ALG_NOT_ALLOWED },
		{ "RS512 on the RS key", "RS512", KID_RS, 0, SIG_RS512,
		  MUT_NONE, TOKEN_ALG_NOT_ALLOWED },
		{ "PS256 on the RS key", "PS256", KID_RS, 0, SIG_PS256,
		  MUT_NONE, TOKEN_ALG_NOT_ALLOWED },
		{ "RS256 signed with SHA-512", "RS256", KID_RS, 0, SIG_RS512,
		  MUT_NONE, TOKEN_BAD_SIGNATURE },
		{ "RS256 signed with PSS", "RS256", KID_RS, 0, SIG_PS256,
		  MUT_NONE, TOKEN_BAD_SIGNATURE },
		{ "RS256 zero signature", "RS256", KID_RS, 0, SIG_ZERO_RS,
		  MUT_NONE, TOKEN_BAD_SIGNATURE },
		{ "RS256 empty signature", "RS256", KID_RS, 0, SIG_EMPTY,
		  MUT_NONE, TOKEN_BAD_SIGNATURE },
		{ "HS256 empty signature", "HS256", KID_HS, 0, SIG_EMPTY,
		  MUT_NONE, TOKEN_BAD_SIGNATURE },
		{ "RS256 tampered payload", "RS256", KID_RS, 0, SIG_RS,
		  MUT_PAYLOAD, TOKEN_BAD_SIGNATURE },
		{ "HS256 tampered payload", "HS256", KID_HS, 0, SIG_HS,
		  MUT_PAYLOAD, TOKEN_BAD_SIGNATURE },
		{ "RS256 tampered signature", "RS256", KID_RS, 0, SIG_RS,
		  MUT_SIG, TOKEN_BAD_SIGNATURE },
		{ "HS256 tampered signature", "HS256", KID_HS, 0, SIG_HS,
		  MUT_SIG, TOKEN_BAD_SIGNATURE },
		{ "RS256 signature 3 bytes short", "RS256", KID_RS, 0, SIG_RS,
		  MUT_SIG_SHORT, TOKEN_BAD_SIGNATURE },
		{ "HS256 signature 3 bytes short", "HS256", KID_HS, 0, SIG_HS,
		  MUT_SIG_SHORT, TOKEN_BAD_SIGNATURE },
		{ "RS256 signature not base64url", "RS256", KID_RS, 0, SIG_RS,
		  MUT_SIG_ODD, TOKEN_MALFORMED },
		{ "HS256 signature not base64url", "HS256", KID_HS, 0, SIG_HS,
		  MUT_SIG_ODD, TOKEN_MALFORMED },
		{ "RS256 without signature part", "RS256", KID_RS, 0, SIG_RS,
		  MUT_NO_SIG, TOKEN_MALFORMED },
		{ "HS256 header only", "HS256", KID_HS, 0, SIG_HS,
		  MUT_HEADER_ONLY, TOKEN_MALFORMED },
		{ "RS256 extra dot at the end", "RS256", KID_RS, 0, SIG_RS,
		  MUT_DOT_END, TOKEN_MALFORMED },
		{ "HS256 extra dot at the end", "HS256", KID_HS, 0, SIG_HS,
		  MUT_DOT_END, TOKEN_MALFORMED },
		{ "HS256 extra dot inside", "HS256", KID_HS, 0, SIG_HS,
		  MUT_DOT_MID, TOKEN_MALFORMED },
		{ "RS256 padded signature", "RS256", KID_RS, 0, SIG_RS, MUT_PAD,
		  TOKEN_MALFORMED },
		{ "HS256 padded signature", "HS256", KID_HS, 0, SIG_HS, MUT_PAD,
		  TOKEN_MALFORMED },
		{ "RS256 standard base64", "RS256", KID_RS, 0, SIG_RS,
		  MUT_STD_B64, TOKEN_MALFORMED },
		{ "HS256 space in the payload", "HS256", KID_HS, 0, SIG_HS,
		  MUT_SPACE, TOKEN_MALFORMED },
		{ "RS256 wrong kid", "RS256", KID_OTHER, 0, SIG_RS, MUT_NONE,
		  TOKEN_UNKNOWN_KID },
		{ "HS256 wrong kid", "HS256", KID_OTHER, 0, SIG_HS, MUT_NONE,
		  TOKEN_UNKNOWN_KID },
		{ "RS256 empty kid", "RS256", KID_EMPTY, 0, SIG_RS, MUT_NONE,
		  TOKEN_UNKNOWN_KID },
		{ "RS256 no kid", "RS256", KID_NONE, 0, SIG_RS, MUT_NONE,
		  TOKEN_UNKNOWN_KID },
		{ "RS256 expired", "RS256", KID_RS, 1, SIG_RS, MUT_NONE,
		  TOKEN_EXPIRED },
		{ "HS256 expired", "HS256", KID_HS, 1, SIG_HS, MUT_NONE,
		  TOKEN_EXPIRED },
		{ "RS256 wrong aud", "RS256", KID_RS, 2, SIG_RS, MUT_NONE,
		  TOKEN_WRONG_AUD },
		{ "HS256 wrong aud", "HS256", KID_HS, 2, SIG_HS, MUT_NONE,
		  TOKEN_WRONG_AUD },
		{ "RS256 huge", "RS256", KID_RS, 0, SIG_RS, MUT_HUGE,
		  TOKEN_TOO_LARGE },
		{ "HS256 huge", "HS256", KID_HS, 0, SIG_HS, MUT_HUGE,
		  TOKEN_TOO_LARGE },
		{ "RS256 NUL in the signature", "RS256", KID_RS, 0, SIG_RS,
		  MUT_NUL_SIG, TOKEN_BAD_SIGNATURE },
		{ "HS256 NUL in the signature", "HS256", KID_HS, 0, SIG_HS,
		  MUT_NUL_SIG, TOKEN_BAD_SIGNATURE },
		{ "RS256 NUL in the payload part", "RS256", KID_RS, 0, SIG_RS,
		  MUT_NUL_PAYLOAD, TOKEN_MALFORMED },
		{ "RS256 typ at+jwt", "RS256", KID_RS, 0, SIG_RS, MUT_TYP,
		  TOKEN_BAD_SIGNATURE },
		{ "HS256 typ at+jwt", "HS256", KID_HS, 0, SIG_HS, MUT_TYP,
		  TOKEN_BAD_SIGNATURE },
		{ "RS256 NUL in the header JSON", "RS256", KID_RS, 0, SIG_RS,
		  MUT_NUL_HEAD, TOKEN_MALFORMED },
		{ "HS256 NUL in the payload JSON", "HS256", KID_HS, 3, SIG_HS,
		  MUT_NONE, TOKEN_MALFORMED },
	};
	struct token_claims cl;
	enum token_reason r;
	char pl[512];
	size_t i, n;

	(void)state;
	for (i = 0; i < NROWS(rows); i++) {
		char *t;

		claims_json(pl, sizeof(pl), rows[i].pl == 1 ? NOW - 600 :
			    NOW + 900, rows[i].pl == 2 ? "urn:other" :
			    TOKEN_AUDIENCE);
		n = strlen(pl);
		if (rows[i].pl == 3)          /* "...,\0"ver":0}" */
			pl[n - 8] = '\0';
		t = forge(rows[i].alg, rows[i].kid, pl, n, rows[i].mech,
			  rows[i].mut);
		r = token_verify(&signer.keys, t, NOW, 0, &cl);
		if (r != rows[i].want)
			print_error("row %zu (%s): %s\n", i, rows[i].name,
				    token_reason_text(r));
		CHECK(r == rows[i].want, i);
		CHECK((cl.payload != NULL) == (rows[i].want == TOKEN_VALID), i);
		if (rows[i].want == TOKEN_VALID)
			CHECK(cl.user_id == 7 && !strcmp(cl.jti, "f-1") &&
			      !strcmp(cl.kid, rows[i].kid == KID_RS ?
				      signer.keys.rs_kid :
				      signer.keys.hs_kid), i);
		token_claims_cleanup(&cl);
		free(t);
	}
}

/* A zeroed key set (what a failed token_keys_load leaves) verifies
 * nothing, not even a token of empty kid keyed with zero bytes. */
static void test_zeroed_keys(void **state)
{
	static const unsigned char zero[TOKEN_SECRET_BYTES];
	struct token_keys z;
	struct token_claims cl;
	char pl[512], *t, *good;
	size_t n;

	(void)state;
	memset(&z, 0, sizeof(z));
	claims_json(pl, sizeof(pl), NOW + 900, TOKEN_AUDIENCE);
	t = forge("HS256", KID_EMPTY, pl, strlen(pl), SIG_HS, MUT_NONE);
	/* re-sign with the zero secret */
	n = (size_t)(strrchr(t, '.') - t);
	{
		unsigned char mac[32];

		t[n] = '\0';
		hmac(zero, sizeof(zero), t, mac);
		t[n] = '.';
		t[n + 1] = '\0';
		b64_append(t, n + 64, mac, sizeof(mac));
	}
	assert_int_equal(token_verify(&z, t, NOW, 0, &cl), TOKEN_UNKNOWN_KID);
	assert_null(cl.payload);
	good = forge("RS256", KID_RS, pl, strlen(pl), SIG_RS, MUT_NONE);
	assert_int_equal(token_verify(&z, good, NOW, 0, &cl),
			 TOKEN_UNKNOWN_KID);
	free(good);
	free(t);
	token_keys_cleanup(&z);
}

static void test_checklist(void **state)
{
	json_t *list = NULL, *row;
	char *t = issue(TOKEN_RS256, "urn:other", NULL, NULL, NOW, NOW - 100);
	size_t i, fails = 0;

	(void)state;
	assert_int_equal(token_checklist(&signer.keys, t, NOW, &list),
			 TOKEN_WRONG_AUD);
	assert_int_equal(json_array_size(list), 14);
	json_array_foreach(list, i, row)
		if (json_is_false(json_object_get(row, "ok")))
			fails++;
	assert_int_equal(fails, 2);            /* aud and exp, both shown */
	json_decref(list);
	free(t);
	assert_int_equal(token_checklist(&signer.keys, "x", NOW, &list),
			 TOKEN_MALFORMED);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
}

/* ---- refresh families ---------------------------------------------------- */

/* The database fixture first, so unit_db_teardown releases it all. */
struct fixture {
	struct unit_db t;
	long long      uid;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	sqlite3_stmt *st;

	if (!f || unit_db_open(&f->t) ||
	    auth_create_user(f->t.db, "alice", "Alice", "user", "pw", NOW))
		return -1;
	st = db_stmt(f->t.db, "SELECT id FROM users WHERE username = 'alice'");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return -1;
	f->uid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*state = f;
	return 0;
}

static void test_rotation_and_reuse(void **state)
{
	struct fixture *f = *state;
	char t1[REFRESH_TOKEN_LEN + 1], t2[REFRESH_TOKEN_LEN + 1];
	char t3[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	enum refresh_outcome o;
	long long fid;
	int yes;

	assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_RS256, 0, "a1",
				       NOW + 900, "UA", "127.0.0.1", NOW,
				       3600, t1, &fid), ERR_OK);
	assert_int_equal(strlen(t1), REFRESH_TOKEN_LEN);
	assert_int_equal(refresh_rotate(f->t.db, t1, NULL, "a2", NOW + 960,
					NOW + 60, 3600, t2, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_OK);
	assert_int_equal(fam.id, fid);
	assert_string_equal(fam.access_jti, "a2");
	assert_string_not_equal(t1, t2);
	/* Replay of t1: the family is revoked, a2 blacklisted, t2 dead. */
	assert_int_equal(refresh_rotate(f->t.db, t1, NULL, "a3", NOW + 990,
					NOW + 90, 3600, t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_REUSED);
	assert_string_equal(t3, "");
	assert_int_equal(refresh_blacklisted(f->t.db, "a2", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(refresh_rotate(f->t.db, t2, NULL, "a4", NOW + 990,
					NOW + 90, 3600, t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_REVOKED);
	/* Garbage and unknown tokens. */
	assert_int_equal(refresh_rotate(f->t.db, "x", NULL, "a5", 0, NOW, 3600,
					t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_UNKNOWN);
	assert_int_equal(refresh_rotate(f->t.db, NULL, NULL, "a5", 0, NOW, 3600,
					t3, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_UNKNOWN);
}

static void test_expiry_and_pair(void **state)
{
	struct fixture *f = *state;
	char t1[REFRESH_TOKEN_LEN + 1], t2[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	struct refresh_pair good = { 1, "p1", 0 }, bad = { 1, "zz", 0 };
	enum refresh_outcome o;
	long long fid;

	good.user_id = bad.user_id = f->uid;
	assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_HS256, 0, "e1",
				       NOW + 900, "", "", NOW, 10, t1, &fid),
			 ERR_OK);
	assert_int_equal(refresh_rotate(f->t.db, t1, NULL, "e2", 0, NOW + 10,
					10, t2, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_EXPIRED);
	/* A bound family. */
	assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_HS256, 1, "p1",
				       NOW + 900, "", "", NOW, 3600, t1, &fid),
			 ERR_OK);
	assert_int_equal(refresh_rotate(f->t.db, t1, &good, "p2", NOW + 900,
					NOW, 3600, t2, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_OK);
	assert_int_equal(refresh_rotate(f->t.db, t2, &bad, "p3", NOW + 900,
					NOW, 3600, t1, &fam, &o), ERR_OK);
	assert_int_equal(o, REFRESH_PAIR_MISMATCH);
	assert_true(fam.revoked_at != 0);
}

static void test_revoke_all(void **state)
{
	struct fixture *f = *state;
	char t[4][REFRESH_TOKEN_LEN + 1], out[REFRESH_TOKEN_LEN + 1];
	struct refresh_family fam;
	enum refresh_outcome o;
	json_t *list = NULL;
	struct token_claims cl;
	struct revoke_report rep;
	struct revoke_state st;
	long long fid;
	int i, yes = 0;
	enum err e;

	memset(&cl, 0, sizeof(cl));
	for (i = 0; i < 4; i++) {
		char jti[16];

		snprintf(jti, sizeof(jti), "r%d", i);
		assert_int_equal(refresh_login(f->t.db, f->uid, TOKEN_RS256, 0,
					       jti, NOW + 900, "", "", NOW,
					       3600, t[i], &fid), ERR_OK);
	}
	/* issue 10 §2: one remedy for every credential of the user */
	cl.user_id = f->uid;
	snprintf(cl.jti, sizeof(cl.jti), "live");
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e), TOKEN_VALID);
	assert_int_equal(e, ERR_OK);
	assert_int_equal(db_begin(f->t.db), ERR_OK);
	assert_int_equal(db_finish(f->t.db, revoke_user_locked(
		f->t.db, f->uid, NULL, "logout_all", NOW, &rep)), ERR_OK);
	assert_int_equal(rep.families, 4);
	assert_int_equal(rep.accounts, 1);
	assert_int_equal(revoke_state(f->t.db, f->uid, &st), ERR_OK);
	assert_int_equal(st.token_version, 1);
	assert_int_equal(st.cut_at, NOW);
	assert_string_equal(st.cut_reason, "logout_all");
	/* a token of the old version is refused; one of the new passes */
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e),
			 TOKEN_SUPERSEDED);
	cl.ver = 1;
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e), TOKEN_VALID);
	cl.user_id = f->uid + 1000;
	assert_int_equal(revoke_access_check(f->t.db, &cl, &e),
			 TOKEN_NO_ACCOUNT);
	assert_int_equal(e, ERR_OK);
	assert_int_equal(db_begin(f->t.db), ERR_OK);
	assert_int_equal(db_finish(f->t.db, revoke_user_locked(
		f->t.db, f->uid + 1000, NULL, "x", NOW, &rep)), ERR_NOTFOUND);
	for (i = 0; i < 4; i++) {
		assert_int_equal(refresh_rotate(f->t.db, t[i], NULL, "x", 0,
						NOW, 3600, out, &fam, &o),
				 ERR_OK);
		assert_int_equal(o, REFRESH_REVOKED);
	}
	assert_int_equal(refresh_blacklisted(f->t.db, "r3", &yes), ERR_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(refresh_families_json(f->t.db, f->uid, &list), ERR_OK);
	assert_int_equal(json_array_size(list), 4);
	json_decref(list);
	/* Another user's family cannot be revoked by id. */
	assert_int_equal(refresh_revoke(f->t.db, fid, f->uid + 1, "revoke", NOW,
					NULL), ERR_NOTFOUND);
	/* The purge forgets what is past its deadline. */
	assert_int_equal(refresh_purge(f->t.db, NOW + 100000), ERR_OK);
	assert_int_equal(refresh_blacklisted(f->t.db, "r3", &yes), ERR_OK);
	assert_int_equal(yes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_short_secret_refused),
		cmocka_unit_test(test_claims_table),
		cmocka_unit_test(test_ignore_exp),
		cmocka_unit_test(test_hostile_tokens),
		cmocka_unit_test(test_forgeries_and_weak_verifier),
		cmocka_unit_test(test_forgery_table),
		cmocka_unit_test(test_zeroed_keys),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test_setup_teardown(test_rotation_and_reuse, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_expiry_and_pair, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_revoke_all, setup,
						unit_db_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
