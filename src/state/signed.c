/*
 * signed.c - HMAC-signed cookie values (crypto_auth). See signed.h.
 */
#include "state/signed.h"

#include <sodium.h>
#include <string.h>

#include "base/keys.h"

#define DOMAIN_SEP "cookie"   /* with its NUL: separates this MAC's use */

static unsigned char sign_key[crypto_auth_KEYBYTES];

enum err signed_load(const char *dir)
{
	unsigned char key[crypto_auth_KEYBYTES];
	enum err e;

	if (sodium_init() < 0)
		return ERR_CRYPTO;
	if ((e = keys_load(dir, SIGNED_KEY_FILE, key, sizeof(key))))
		return e;
	signed_init(key);
	sodium_memzero(key, sizeof(key));
	return ERR_OK;
}

void signed_init(const unsigned char key[32])
{
	memcpy(sign_key, key, sizeof(sign_key));
}

/* 1..SIGNED_PAYLOAD_MAX cookie-octets (RFC 6265 §4.1.1); a '.' is
 * allowed, since the tag is split off at the last one. */
static int payload_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > SIGNED_PAYLOAD_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!(c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
		      (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
		      (c >= 0x5d && c <= 0x7e)))
			return 0;
	}
	return 1;
}

/* msg_of: "cookie\0" || payload into msg; returns its length. */
static size_t msg_of(const char *payload, size_t n,
		     unsigned char msg[sizeof(DOMAIN_SEP) + SIGNED_PAYLOAD_MAX])
{
	memcpy(msg, DOMAIN_SEP, sizeof(DOMAIN_SEP));
	memcpy(msg + sizeof(DOMAIN_SEP), payload, n);
	return sizeof(DOMAIN_SEP) + n;
}

static void tag_of(const char *payload, size_t n,
		   unsigned char tag[crypto_auth_BYTES])
{
	unsigned char msg[sizeof(DOMAIN_SEP) + SIGNED_PAYLOAD_MAX];

	crypto_auth(tag, msg, msg_of(payload, n, msg), sign_key);
}

enum err signed_make(const char *payload, struct buf *out)
{
	unsigned char tag[crypto_auth_BYTES];
	char b64[SIGNED_TAG_LEN + 1];
	size_t n = payload ? strlen(payload) : 0;
	size_t old = out->len;
	enum err e;

	if (!payload_ok(payload, n))
		return ERR_INVAL;
	tag_of(payload, n, tag);
	sodium_bin2base64(b64, sizeof(b64), tag, sizeof(tag),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((e = buf_append(out, payload, n)) || (e = buf_putc(out, '.')) ||
	    (e = buf_append(out, b64, SIGNED_TAG_LEN))) {
		out->len = old;
		if (out->data)
			out->data[old] = '\0';
	}
	return e;
}

enum signed_why signed_verify(const char *value, char *payload, size_t cap)
{
	unsigned char tag[crypto_auth_BYTES];
	unsigned char msg[sizeof(DOMAIN_SEP) + SIGNED_PAYLOAD_MAX];
	const char *dot;
	size_t n, bin_len = 0;
	const char *end = NULL;

	if (cap)
		payload[0] = '\0';
	if (!value || !*value)
		return SIGNED_MISSING;
	dot = strrchr(value, '.');
	if (!dot)
		return SIGNED_MALFORMED;
	n = (size_t)(dot - value);
	if (!payload_ok(value, n) || n + 1 > cap ||
	    strlen(dot + 1) != SIGNED_TAG_LEN ||
	    sodium_base642bin(tag, sizeof(tag), dot + 1, SIGNED_TAG_LEN, NULL,
			      &bin_len, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    bin_len != sizeof(tag) || end != dot + 1 + SIGNED_TAG_LEN)
		return SIGNED_MALFORMED;
	if (crypto_auth_verify(tag, msg, msg_of(value, n, msg), sign_key))
		return SIGNED_BAD_TAG;
	memcpy(payload, value, n);
	payload[n] = '\0';
	return SIGNED_OK;
}

int signed_field_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > SIGNED_FIELD_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

enum err signed_pair_make(const char *a, const char *b, struct buf *out)
{
	char payload[2 * SIGNED_FIELD_MAX + 2];
	size_t na = a ? strlen(a) : 0, nb = b ? strlen(b) : 0;

	if (!signed_field_ok(a, na) || !signed_field_ok(b, nb))
		return ERR_INVAL;
	memcpy(payload, a, na);
	payload[na] = '.';
	memcpy(payload + na + 1, b, nb);
	payload[na + 1 + nb] = '\0';
	return signed_make(payload, out);
}

enum signed_why signed_pair_read(const char *value,
				 char a[SIGNED_FIELD_MAX + 1],
				 char b[SIGNED_FIELD_MAX + 1])
{
	char payload[SIGNED_PAYLOAD_MAX + 1];
	enum signed_why w;
	const char *dot;
	size_t na, nb;

	a[0] = b[0] = '\0';
	if ((w = signed_verify(value, payload, sizeof(payload))) != SIGNED_OK)
		return w;
	dot = strchr(payload, '.');
	if (!dot)
		return SIGNED_MALFORMED;
	na = (size_t)(dot - payload);
	nb = strlen(dot + 1);
	if (!signed_field_ok(payload, na) || !signed_field_ok(dot + 1, nb))
		return SIGNED_MALFORMED;
	memcpy(a, payload, na);
	a[na] = '\0';
	memcpy(b, dot + 1, nb + 1);
	return SIGNED_OK;
}

const char *signed_why_key(enum signed_why w)
{
	switch (w) {
	case SIGNED_OK:        return "tamper.why.ok";
	case SIGNED_MISSING:   return "tamper.why.missing";
	case SIGNED_MALFORMED: return "tamper.why.malformed";
	case SIGNED_BAD_TAG:   return "tamper.why.bad_tag";
	}
	return "tamper.why.malformed";
}
