/*
 * fuzz_signed.c - libFuzzer harness for the signed cookie values of S-C5
 * (signed_verify, signed_pair_read) and the percent-encoded cookie text
 * of S-H1 (cookieval_decode). Whatever the input, nothing crashes, a
 * value that verifies re-signs to itself, and a decoded text re-encodes
 * and decodes to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookieval.h"
#include "signed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
