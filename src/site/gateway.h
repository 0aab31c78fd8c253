/*
 * gateway.h - a route behind an API gateway (S-J11, `make cluster`).
 *
 * HAProxy verifies the bearer token itself (alg pinned to RS256, the
 * signature with the issuer's public key, exp, iss, aud and token_use,
 * tools/haproxy.cfg), drops every X-Gateway-* header the client sent, and
 * forwards the claims it read as X-Gateway-Sub, -Name, -Role, -Jti, -Exp
 * and -Ver with X-Gateway-Secret: 256 random bits that tools/cluster.sh
 * makes for each run and hands to HAProxy and to the nodes as
 * GATEWAY_SECRET. A node route holds no JWT key at all: it believes the
 * claims only when the secret matches (compared in constant time), so a
 * client that reaches a node directly cannot pose as the gateway.
 *
 * What the gateway cannot see is the store: the node still checks the
 * blacklist and the account's token version (revoke_access_check) with
 * the forwarded jti and ver, so a logout reaches gateway traffic too.
 */
#ifndef GATEWAY_H
#define GATEWAY_H

#include "base/err.h"
#include "http/http.h"
#include "state/token.h"

#define GATEWAY_SECRET_BYTES 32              /* 256 bits */
#define GATEWAY_SECRET_HEX   (2 * GATEWAY_SECRET_BYTES)
#define GATEWAY_SECRET_ENV   "GATEWAY_SECRET"

/* The shared secret, when this node is behind a gateway. */
struct gateway {
	unsigned char secret[GATEWAY_SECRET_BYTES];
	int           configured;           /* 1 once a secret is loaded */
};

/* Why forwarded claims were refused (gateway_claims). */
enum gateway_refusal {
	GATEWAY_OK = 0,
	GATEWAY_NO_CLAIMS,        /* a claim header is missing */
	GATEWAY_BAD_CLAIMS        /* one is out of shape */
};

/*
 * gateway_load: read GATEWAY_SECRET (exactly GATEWAY_SECRET_HEX hex
 * digits) into *g. ERR_NOTFOUND when it is unset or empty (`make run`: no
 * gateway, gateway_trusted then says 0 to every request); ERR_INVAL, with
 * a log line, when it is set but not 64 hex digits. *g is zeroed on any
 * failure. Release with gateway_cleanup.
 */
enum err gateway_load(struct gateway *g);

/* gateway_cleanup: wipe the secret. NULL-safe. */
void gateway_cleanup(struct gateway *g);

/*
 * gateway_trusted: 1 when g holds a secret and the request's
 * X-Gateway-Secret is that secret in hex (either case), compared with
 * sodium_memcmp; 0 otherwise, a missing or malformed header included.
 */
int gateway_trusted(const struct gateway *g, const struct http_request *r);

/*
 * gateway_claims: the claims the gateway forwarded, read into *out with
 * the limits token_verify has: sub (1..23 bytes, printable ASCII; user_id
 * is its number when it is all digits), name (0..63 bytes of UTF-8),
 * role ("", "user" or "admin"), jti (1..63 base64url characters), exp
 * and ver (decimal integers, ver >= 0). alg is RS256, the only one the
 * gateway lets through; kid and payload stay empty. Only meaningful after
 * gateway_trusted. GATEWAY_OK fills *out; otherwise *out is zeroed.
 */
enum gateway_refusal gateway_claims(const struct http_request *r,
				    struct token_claims *out);

#endif
