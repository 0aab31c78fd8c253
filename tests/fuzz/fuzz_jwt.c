/*
 * fuzz_jwt.c - libFuzzer harness for the JWT verifier (token_verify), the
 * part splitter (token_parse), the decoder's checklist and the lab's weak
 * verifier, with a real key folder made once at start-up.
 *
 * Each input is used twice. As it is, as a token: nothing crashes or
 * leaks; a refused token yields no claims; an accepted token (none can be,
 * without the keys) would have to name one of our kids with that key's
 * algorithm; the checklist agrees with token_verify.
 *
 * Then signed: the input is "M" + header JSON + "\n" + payload JSON, where
 * M's low bit picks RS256 (1) or HS256 (0) and "@HS" / "@RS" in the
 * header stand for our kids; the harness signs header.payload with that
 * key and compares the checklist's signature row (token_verify's own
 * check with the key parsed once) with libjwt's keyed jwt_decode (the
 * verifier before the key was cached): whenever the header names the key
 * of its alg and the token parses, both accept or both refuse.
 */
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "state/token.h"
#include "state/tokensign.h"
#include "unsafe/weakjwt.h"

#define ENSURE(c) do { if (!(c)) abort(); } while (0)
#define NOW 1800000000LL

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct token_signer signer;
static const struct token_keys *keys = &signer.keys;
static EVP_PKEY *priv;                  /* the RS256 signing key */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* One folder for every run: keys are made once, then reused. */
	const char *dir = "/tmp/fuzz_jwt_keys";
	BIO *bio;

	(void)argc;
	(void)argv;
	ENSURE(sodium_init() >= 0);
	ENSURE(tokensign_create_keys(dir) == ERR_OK);
	ENSURE(tokensign_load(dir, &signer) == ERR_OK);
	ENSURE(bio = BIO_new_mem_buf(signer.rs_priv_pem,
				     (int)signer.rs_priv_len));
	ENSURE(priv = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL));
	BIO_free(bio);
	return 0;
}

/* The input as it is, as a token. */
static void as_token(const uint8_t *data, size_t size)
{
	struct token_claims cl;
	struct token_parts p;
	json_t *list = NULL;
	enum token_reason r, r2;
	char *tok;

	if (!(tok = malloc(size + 1)))
		return;
	memcpy(tok, data, size);
	tok[size] = '\0';
	if (token_parse(tok, size, &p) == ERR_OK)
		ENSURE(p.header && p.payload && p.sig_ok);
	token_parts_cleanup(&p);
	r = token_verify(keys, tok, NOW, 0, &cl);
	ENSURE(r <= TOKEN_REVOKED);
	if (r == TOKEN_VALID)
		ENSURE(cl.payload && (!strcmp(cl.kid, keys->hs_kid) ||
				      !strcmp(cl.kid, keys->rs_kid)));
	else
		ENSURE(cl.payload == NULL);
	token_claims_cleanup(&cl);
	r2 = token_checklist(keys, tok, NOW, &list);
	ENSURE(list != NULL);
	ENSURE(r2 == r || r2 == TOKEN_MALFORMED);
	json_decref(list);
	(void)weakjwt_accepts(keys, tok);
	free(tok);
}

/* Append base64url of bin[0..n) to out at *at (out has room). */
static void b64(char *out, size_t *at, const void *bin, size_t n)
{
	sodium_bin2base64(out + *at, sodium_base64_ENCODED_LEN(n,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING), bin, n,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*at += strlen(out + *at);
}

/* h[0..n) with the first "@HS" and "@RS" replaced by our kids (malloc'd,
 * length in *out_len). */
static char *with_kids(const char *h, size_t n, size_t *out_len)
{
	static const char *const marks[] = { "@HS", "@RS" };
	char *out = malloc(n + 2 * JWK_KID_MAX + 1), *cur;
	size_t i, len = n;

	if (!out)
		return NULL;
	memcpy(out, h, n);
	out[n] = '\0';
	for (i = 0; i < 2; i++) {
		const char *kid = i ? keys->rs_kid : keys->hs_kid;
		size_t kl = strlen(kid);

		cur = strstr(out, marks[i]);   /* up to a NUL, if any */
		if (!cur)
			continue;
		memmove(cur + kl, cur + 3, len - (size_t)(cur + 3 - out) + 1);
		memcpy(cur, kid, kl);
		len = len - 3 + kl;
	}
	*out_len = len;
	return out;
}

/* The checklist's signature row: 1, 0, or -1 when it was not run. */
static int signature_row(const char *tok)
{
	json_t *list = NULL, *row;
	size_t i;
	int ok = -1;

	token_checklist(keys, tok, NOW, &list);
	ENSURE(list);
	json_array_foreach(list, i, row)
		if (!strcmp(json_string_value(json_object_get(row, "check")),
			    "signature")) {
			json_t *v = json_object_get(row, "ok");

			ok = json_is_null(v) ? -1 : json_is_true(v);
		}
	json_decref(list);
	return ok;
}

/* The input signed, compared with libjwt's keyed verification. */
static void as_signed(const uint8_t *data, size_t size)
{
	const char *nl;
	char *hdr = NULL, *tok = NULL;
	size_t hl, pl, at = 0, cap;
	unsigned char sig[512];
	size_t sl = sizeof(sig);
	int rs, mine, ref;
	struct token_parts p;
	const char *alg, *kid;
	jwt_t *jwt = NULL;

	if (size < 2 || !(nl = memchr(data + 1, '\n', size - 1)))
		return;
	rs = data[0] & 1;
	if (!(hdr = with_kids((const char *)data + 1,
			      (size_t)(nl - (const char *)data - 1), &hl)))
		return;
	pl = size - (size_t)(nl + 1 - (const char *)data);
	cap = (hl + pl) / 3 * 4 + 16 + 700;
	if (hl + pl > TOKEN_MAX || !(tok = malloc(cap)))
		goto out;
	b64(tok, &at, hdr, hl);
	tok[at++] = '.';
	b64(tok, &at, nl + 1, pl);
	if (rs) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();

		ENSURE(md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
						priv) == 1 &&
		       EVP_DigestSign(md, sig, &sl, (unsigned char *)tok,
				      at) == 1);
		EVP_MD_CTX_free(md);
	} else {
		crypto_auth_hmacsha256(sig, (unsigned char *)tok, at,
				       keys->hs_secret);
		sl = crypto_auth_hmacsha256_BYTES;
	}
	tok[at++] = '.';
	b64(tok, &at, sig, sl);
	as_token((const uint8_t *)tok, at);
	if (at > TOKEN_MAX || token_parse(tok, at, &p) != ERR_OK) {
		token_parts_cleanup(&p);
		goto out;
	}
	alg = json_string_value(json_object_get(p.header, "alg"));
	kid = json_string_value(json_object_get(p.header, "kid"));
	/* Only where the pin lets a key be used: the header names the key
	 * of its own alg. */
	if (alg && kid && ((!strcmp(alg, "HS256") &&
			    !strcmp(kid, keys->hs_kid)) ||
			   (!strcmp(alg, "RS256") &&
			    !strcmp(kid, keys->rs_kid)))) {
		int key_rs = !strcmp(alg, "RS256");

		mine = signature_row(tok);
		ENSURE(mine >= 0);
		ref = jwt_decode(&jwt, tok, key_rs ?
				 (const unsigned char *)keys->rs_pub_pem :
				 keys->hs_secret, key_rs ?
				 (int)keys->rs_pub_len : TOKEN_SECRET_BYTES)
			== 0 && jwt && jwt_get_alg(jwt) == (key_rs ?
				JWT_ALG_RS256 : JWT_ALG_HS256);
		jwt_free(jwt);
		ENSURE(mine == ref);
		/* Signed by the key its header names: it verifies. */
		if (key_rs == rs && ref)
			ENSURE(mine == 1);
	}
	token_parts_cleanup(&p);
out:
	free(tok);
	free(hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > TOKEN_MAX + 64)
		return 0;
	as_token(data, size);
	as_signed(data, size);
	return 0;
}
