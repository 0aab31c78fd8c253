/*
 * tokensign.h - signing access tokens: the issuer's half of token.h.
 *
 * Only the issuer (cgi-bin/auth.c), siteinit and the costs lab (which signs
 * with throwaway keys of its own, src/costs.c) link this module, so the
 * resource API (cgi-bin/api.c) contains neither the code nor the file
 * name that reads the RSA private key.
 */
#ifndef TOKENSIGN_H
#define TOKENSIGN_H

#include <stddef.h>

#include "base/err.h"
#include "state/token.h"

#define TOKENSIGN_PRIVATE_FILE "jwt_rs256.pem"

/* The issuer's keys: the verify keys plus the RSA private key. */
struct token_signer {
	struct token_keys keys;
	char             *rs_priv_pem;   /* owned, wiped on cleanup */
	size_t            rs_priv_len;
};

/* What to put in one token. NULL strings take the defaults: aud
 * TOKEN_AUDIENCE, token_use "access", iss TOKEN_ISSUER. */
struct token_spec {
	enum token_alg alg;
	const char    *sub;
	const char    *name;
	const char    *role;
	const char    *jti;
	const char    *iss;
	const char    *aud;
	const char    *token_use;
	long long      iat, nbf, exp;
	long long      ver;       /* the account's token version ("ver") */
};

/*
 * tokensign_create_keys: siteinit's step: create the HS256 secret
 * (TOKEN_SECRET_BYTES, 0600) and the RSA pair in dir when missing.
 */
enum err tokensign_create_keys(const char *dir);

/*
 * tokensign_load: token_keys_load plus the private key (mode 0600).
 * ERR_NOTFOUND, ERR_INVAL as token_keys_load; s is zeroed on failure.
 */
enum err tokensign_load(const char *dir, struct token_signer *s);

/* tokensign_cleanup: wipe and free. NULL-safe. */
void tokensign_cleanup(struct token_signer *s);

/*
 * tokensign_issue: sign spec with the key of spec->alg, kid in the header.
 * *out is the compact token (malloc'd, caller frees). ERR_INVAL for a
 * missing sub or jti, ERR_CRYPTO when libjwt fails.
 */
enum err tokensign_issue(const struct token_signer *s,
			 const struct token_spec *spec, char **out);

#endif
