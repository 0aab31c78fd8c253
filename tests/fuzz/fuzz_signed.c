/*
 * fuzz_signed.c - libFuzzer harness for the signed cookie values of S-C5
 * (signed_verify, signed_pair_read) and the percent-encoded cookie text
 * of S-H1 (cookieval_decode), and the S-X1 cookie-only login and cart
 * (compare_login_read, compare_cart_read: the input is signed as a
 * payload first, so their parsers see it). Whatever the input, nothing
 * crashes, a value that verifies re-signs to itself, a login or cart that
 * reads back is made again to the same value, and a decoded text
 * re-encodes and decodes to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lessons/compare.h"
#include "lessons/cookieval.h"
#include "state/signed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* payload signed, then read as a cookie-only login and as alice's cart:
 * what reads back is made again, to the same value. */
static void compare_values(const char *payload)
{
	struct compare_login l;
	struct cart cart;
	struct buf v, again;

	buf_init(&v);
	buf_init(&again);
	if (signed_make(payload, &v) == ERR_OK) {
		if (compare_login_read(v.data, 0, &l) == COMPARE_OK &&
		    (compare_login_make(l.user, l.role, l.exp, &again) !=
		     ERR_OK || strcmp(again.data, v.data) != 0))
			abort();
		buf_reset(&again);
		if (compare_cart_read(v.data, "alice", &cart) == COMPARE_OK &&
		    (compare_cart_make("alice", &cart, &again) != ERR_OK ||
		     strcmp(again.data, v.data) != 0))
			abort();
	}
	buf_cleanup(&v);
	buf_cleanup(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[32] = { 7 };
	char payload[SIGNED_PAYLOAD_MAX + 1];
	char a[SIGNED_FIELD_MAX + 1], b[SIGNED_FIELD_MAX + 1];
	char *s = malloc(size + 1), *text = NULL, *again = NULL;
	struct buf out;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	signed_init(key);
	buf_init(&out);
	if (signed_verify(s, payload, sizeof(payload)) == SIGNED_OK) {
		if (signed_make(payload, &out) != ERR_OK ||
		    strcmp(out.data, s) != 0)
			abort();
	}
	(void)signed_pair_read(s, a, b);
	compare_values(s);
	buf_reset(&out);
	if (cookieval_decode(s, &text) == ERR_OK) {
		if (cookieval_encode(text, &out) != ERR_OK ||
		    cookieval_decode(out.data, &again) != ERR_OK ||
		    strcmp(text, again) != 0)
			abort();
	}
	free(text);
	free(again);
	buf_cleanup(&out);
	free(s);
	return 0;
}
