/*
 * signed.h - cookie values that carry their own proof of origin (S-C5):
 *
 *     value = payload "." base64url(HMAC-SHA-512-256(key, "cookie\0" ||
 *                                                    payload))
 *
 * The payload stays readable (a signature hides nothing), but any change
 * to it, or to the tag, is detected. The key (SIGNED_KEY_FILE, 32 random
 * bytes) is used for nothing else. Tags are compared in constant time
 * (crypto_auth_verify).
 *
 * The lesson's login cookie is a signed pair "user.role": see
 * signed_pair_make and signed_pair_read.
 */
#ifndef SIGNED_H
#define SIGNED_H

#include "base/buf.h"
#include "base/err.h"

#define SIGNED_KEY_FILE    "cookie-sign.key"
#define SIGNED_TAG_LEN     43     /* base64url of 32 bytes, no padding */
#define SIGNED_PAYLOAD_MAX 256    /* bytes of payload */
#define SIGNED_FIELD_MAX   32     /* bytes of each half of a pair */

/* Why a signed value was refused (signed_verify). */
enum signed_why {
	SIGNED_OK = 0,
	SIGNED_MISSING,     /* no value at all */
	SIGNED_MALFORMED,   /* no '.', tag of the wrong length or alphabet,
			       payload too long or not cookie-safe */
	SIGNED_BAD_TAG      /* well-formed, but the tag does not match:
			       the payload or the tag was edited */
};

/*
 * signed_load: read the key from dir/SIGNED_KEY_FILE (keys_load). Call
 * once at start; ERR_NOTFOUND / ERR_INVAL as keys_load, and the program
 * should refuse to start.
 */
enum err signed_load(const char *dir);

/* signed_init: use key (32 bytes, copied); for tests and fuzzers. */
void signed_init(const unsigned char key[32]);

/*
 * signed_make: append payload "." tag to out. The payload must be 1 to
 * SIGNED_PAYLOAD_MAX cookie-octets (no ';', space or quote); ERR_INVAL
 * otherwise. out is unchanged on failure.
 */
enum err signed_make(const char *payload, struct buf *out);

/*
 * signed_verify: check value (may be NULL). On success the payload (the
 * part before the last '.') is copied into payload (cap bytes, at least
 * SIGNED_PAYLOAD_MAX + 1) and SIGNED_OK is returned. Otherwise payload is
 * "" and the reason is returned.
 */
enum signed_why signed_verify(const char *value, char *payload, size_t cap);

/*
 * signed_field_ok: 1 when s[0..n) is 1..SIGNED_FIELD_MAX bytes of
 * [a-z0-9_], the shape of each field a signed payload may carry.
 */
int signed_field_ok(const char *s, size_t n);

/*
 * signed_pair_make: sign "a.b" where a and b are 1..SIGNED_FIELD_MAX bytes
 * of [a-z0-9_] (a username and a role). ERR_INVAL otherwise.
 */
enum err signed_pair_make(const char *a, const char *b, struct buf *out);

/*
 * signed_pair_read: verify value and split its payload at the '.' into a
 * and b (each SIGNED_FIELD_MAX + 1 bytes). A payload that verifies but is
 * not such a pair is SIGNED_MALFORMED. a and b are "" on failure.
 */
enum signed_why signed_pair_read(const char *value,
				 char a[SIGNED_FIELD_MAX + 1],
				 char b[SIGNED_FIELD_MAX + 1]);

/* signed_why_key: the i18n key explaining a refusal ("tamper.why.*"). */
const char *signed_why_key(enum signed_why w);

#endif
