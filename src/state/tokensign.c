/*
 * tokensign.c - creating the JWT keys, the issuer's signing key and
 * tokens. See tokensign.h.
 */
#include "state/tokensign.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/jwk.h"
#include "base/buf.h"
#include "base/keys.h"
#include "base/log.h"

static int file_exists(const char *dir, const char *name)
{
	struct buf path;
	struct stat st;
	int ok;

	buf_init(&path);
	ok = !buf_printf(&path, "%s/%s", dir, name) &&
		stat(path.data, &st) == 0;
	buf_cleanup(&path);
	return ok;
}

/* The PEM text of a BIO (written by PEM_write_bio_*) into out. */
static enum err bio_text(BIO *bio, struct buf *out)
{
	char *p = NULL;
	long n = BIO_get_mem_data(bio, &p);

	if (n <= 0 || !p)
		return ERR_CRYPTO;
	return buf_append(out, p, (size_t)n);
}

static enum err write_public(const char *dir, EVP_PKEY *pk)
{
	BIO *bio = BIO_new(BIO_s_mem());
	struct buf pem;
	enum err e = ERR_CRYPTO;

	buf_init(&pem);
	if (bio && PEM_write_bio_PUBKEY(bio, pk) == 1 &&
	    !(e = bio_text(bio, &pem)))
		e = keys_write_new(dir, JWK_PUBLIC_FILE, pem.data, pem.len);
	BIO_free(bio);
	buf_cleanup(&pem);
	return e;
}

/*
 * When dir/priv_name is missing, generate a JWK_RSA_BITS key pair and
 * write both PEM files (O_EXCL, 0600); when only the public file is
 * missing, derive it from the private one. Existing files are left alone.
 */
static enum err create_rsa(const char *dir, const char *priv_name)
{
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	struct buf pem;
	char *text = NULL;
	size_t len = 0;
	enum err e = ERR_OK;

	buf_init(&pem);
	if (file_exists(dir, priv_name)) {
		if (file_exists(dir, JWK_PUBLIC_FILE))
			return ERR_OK;
		if ((e = keys_read(dir, priv_name, JWK_PEM_MAX, &text, &len)))
			goto out;
		bio = BIO_new_mem_buf(text, (int)len);
		if (!bio || !(pk = PEM_read_bio_PrivateKey(bio, NULL, NULL,
							   NULL))) {
			e = ERR_CRYPTO;
			goto out;
		}
		e = write_public(dir, pk);
		goto out;
	}
	if (!(pk = EVP_RSA_gen(JWK_RSA_BITS)) ||
	    !(bio = BIO_new(BIO_s_mem())) ||
	    PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1) {
		log_msg("error", "RSA key generation failed");
		e = ERR_CRYPTO;
		goto out;
	}
	if ((e = bio_text(bio, &pem)) ||
	    (e = keys_write_new(dir, priv_name, pem.data, pem.len)))
		goto out;
	e = write_public(dir, pk);
out:
	if (pem.data)
		sodium_memzero(pem.data, pem.len);
	if (text)
		sodium_memzero(text, len);
	free(text);
	buf_cleanup(&pem);
	BIO_free(bio);
	EVP_PKEY_free(pk);
	return e;
}

enum err tokensign_create_keys(const char *dir)
{
	enum err e;

	if ((e = keys_create(dir, TOKEN_HS_FILE, TOKEN_SECRET_BYTES)))
		return e;
	return create_rsa(dir, TOKENSIGN_PRIVATE_FILE);
}

enum err tokensign_load(const char *dir, struct token_signer *s)
{
	enum err e;

	memset(s, 0, sizeof(*s));
	if ((e = token_keys_load(dir, &s->keys)))
		return e;
	if ((e = keys_read(dir, TOKENSIGN_PRIVATE_FILE, JWK_PEM_MAX,
			   &s->rs_priv_pem, &s->rs_priv_len))) {
		log_msg("error", "no RS256 private key in %s", dir);
		tokensign_cleanup(s);
		return e;
	}
	return ERR_OK;
}

void tokensign_cleanup(struct token_signer *s)
{
	if (!s)
		return;
	token_keys_cleanup(&s->keys);
	if (s->rs_priv_pem)
		sodium_memzero(s->rs_priv_pem, s->rs_priv_len);
	free(s->rs_priv_pem);
	memset(s, 0, sizeof(*s));
}

enum err tokensign_issue(const struct token_signer *s,
			 const struct token_spec *spec, char **out)
{
	json_t *claims = NULL;
	char *json = NULL, *tok = NULL;
	jwt_t *jwt = NULL;
	int rs = spec->alg == TOKEN_RS256;
	enum err e = ERR_CRYPTO;

	*out = NULL;
	if (!spec->sub || !spec->jti)
		return ERR_INVAL;
	claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:I}",
			   "iss", spec->iss ? spec->iss : TOKEN_ISSUER,
			   "sub", spec->sub,
			   "aud", spec->aud ? spec->aud : TOKEN_AUDIENCE,
			   "exp", (json_int_t)spec->exp,
			   "nbf", (json_int_t)spec->nbf,
			   "iat", (json_int_t)spec->iat,
			   "jti", spec->jti,
			   "token_use", spec->token_use ? spec->token_use :
			   TOKEN_USE_ACCESS,
			   "ver", (json_int_t)spec->ver);
	if (!claims ||
	    (spec->name && json_object_set_new(claims, "name",
					       json_string(spec->name))) ||
	    (spec->role && json_object_set_new(claims, "role",
					       json_string(spec->role))) ||
	    !(json = json_dumps(claims, JSON_COMPACT))) {
		e = ERR_NOMEM;
		goto out;
	}
	if (jwt_new(&jwt) || jwt_add_grants_json(jwt, json) ||
	    jwt_add_header(jwt, "kid", rs ? s->keys.rs_kid : s->keys.hs_kid) ||
	    jwt_set_alg(jwt, rs ? JWT_ALG_RS256 : JWT_ALG_HS256,
			rs ? (const unsigned char *)s->rs_priv_pem :
			s->keys.hs_secret,
			rs ? (int)s->rs_priv_len : TOKEN_SECRET_BYTES) ||
	    !(tok = jwt_encode_str(jwt))) {
		log_msg("error", "signing a %s token failed",
			token_alg_name(spec->alg));
		goto out;
	}
	*out = tok;
	e = ERR_OK;
out:
	free(json);
	json_decref(claims);
	jwt_free(jwt);
	return e;
}
