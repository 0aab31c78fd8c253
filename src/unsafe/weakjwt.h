/*
 * weakjwt.h - INSECURE BY DESIGN. A deliberately naive JWT verifier for
 * the S-J8 forgery lab, shown beside the real one (token_verify) so a
 * visitor sees which forged tokens a careless server accepts.
 *
 * It does what libjwt 1.10.2 does when used without care: it takes the
 * key named by the header's kid (the RSA public key's PEM text for the RSA
 * kid, the HMAC secret for the HMAC kid, no key at all otherwise), hands it
 * to jwt_decode with whatever alg the header claims, and trusts the result.
 * No algorithm pinning, no claim checks. So it accepts alg "none" (any
 * case), HS256 or HS512 signed with the public key, expired tokens and
 * tokens for another audience.
 *
 * Only the lab page links it. The resource API (cgi-bin/api.c) and every
 * protected route verify with token_verify and never call this.
 */
#ifndef WEAKJWT_H
#define WEAKJWT_H

#include "state/token.h"

/* weakjwt_accepts: 1 when the naive verifier accepts token (at most
 * TOKEN_MAX bytes; longer is refused), else 0. */
int weakjwt_accepts(const struct token_keys *k, const char *token);

#endif
