/*
 * forge.h - LAB CODE: the attack tokens of the S-J8 forgery lab, made the
 * way an attacker (or a test) would make them, so the page can send each
 * to the real API and show why it is refused.
 *
 * Only the issuer's lab page links this. The tokens are useless against
 * token_verify by construction; the "expired", "wrong aud" and "not yet
 * valid" ones carry a genuine signature (so the claim checks, not the
 * signature, must refuse them) and name the fictional subject "lab", not
 * a user of the site.
 */
#ifndef FORGE_H
#define FORGE_H

#include "base/err.h"
#include "state/tokensign.h"

enum forge_kind {
	FORGE_TAMPERED = 0,   /* genuine token, payload edited afterwards */
	FORGE_NONE,           /* alg "none", empty signature */
	FORGE_NONE_MIXED,     /* alg "nOnE" */
	FORGE_HS256_PUBKEY,   /* RS256 -> HS256: HMAC keyed with the public
				 key PEM taken from the JWKS */
	FORGE_HS512,          /* HS512 keyed with the public key PEM */
	FORGE_EXPIRED,        /* genuine signature, exp an hour ago */
	FORGE_WRONG_AUD,      /* genuine signature, aud of another API */
	FORGE_NOT_YET_VALID,  /* genuine signature, nbf an hour ahead (S-J3) */
	FORGE_KINDS
};

/* forge_kind_parse: the kind named s ("tampered", "none", "none_mixed",
 * "hs256_pubkey", "hs512", "expired", "wrong_aud", "not_yet_valid"), or
 * -1. */
int forge_kind_parse(const char *s);

/* forge_kind_name: the name forge_kind_parse takes. */
const char *forge_kind_name(enum forge_kind k);

/*
 * forge_token: make a token of kind at time now (*out malloc'd, caller
 * frees). ERR_CRYPTO when signing fails, ERR_INVAL for a bad kind.
 */
enum err forge_token(const struct token_signer *s, enum forge_kind kind,
		     long long now, char **out);

#endif
