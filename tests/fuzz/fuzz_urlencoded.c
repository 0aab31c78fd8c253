/*
 * fuzz_urlencoded.c - libFuzzer harness for percent-decoding (RFC 3986
 * §2.1) and application/x-www-form-urlencoded fields (WHATWG URL).
 *
 * Byte 0 picks plus_is_space for http_urldecode on the rest; the whole
 * input is also parsed as fields. Results must be valid UTF-8 without
 * NUL, within every limit, and decoding must round-trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/http.h"
#include "base/utf8.h"

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_decode: decode, then re-encode every byte and decode again. */
static void check_decode(const char *s, size_t n, int plus)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf enc;
	char *out = NULL, *again = NULL;
	size_t len = 0, len2 = 0, i;
	enum err e = http_urldecode(s, n, plus, &out, &len);

	if (e != ERR_OK) {
		ENSURE(e == ERR_INVAL || e == ERR_TOOBIG || e == ERR_NOMEM);
		ENSURE(out == NULL && len == 0);
		return;
	}
	ENSURE(out[len] == '\0' && strlen(out) == len);
	ENSURE(len <= n);
	ENSURE(utf8_valid(out, len));
	buf_init(&enc);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		ENSURE(buf_putc(&enc, '%') == ERR_OK);
		ENSURE(buf_putc(&enc, hex[c >> 4]) == ERR_OK);
		ENSURE(buf_putc(&enc, hex[c & 15]) == ERR_OK);
	}
	if (enc.len <= HTTP_BODY_MAX) {
		ENSURE(http_urldecode(enc.data ? enc.data : "", enc.len, plus,
				      &again, &len2) == ERR_OK);
		ENSURE(len2 == len && memcmp(again, out, len) == 0);
		free(again);
	}
	buf_cleanup(&enc);
	free(out);
}

/* check_fields: the invariants of a parsed field list. */
static void check_fields(const char *s, size_t n)
{
	struct http_fields f;
	const char *names[HTTP_FIELDS_MAX + 1];
	size_t i, j;
	enum err e = http_parse_fields(s, n, &f);

	if (e != ERR_OK) {
		ENSURE(e == ERR_INVAL || e == ERR_TOOBIG || e == ERR_NOMEM);
		ENSURE(f.items == NULL && f.n == 0);
		return;
	}
	ENSURE(f.n <= HTTP_FIELDS_MAX);
	for (i = 0; i < f.n; i++) {
		const struct http_field *it = &f.items[i];
		size_t nl = strlen(it->name);

		ENSURE(nl > 0 && nl <= HTTP_FIELD_NAME_MAX);
		ENSURE(strlen(it->value) == it->value_len);
		ENSURE(it->value_len <= HTTP_FIELD_VALUE_MAX);
		ENSURE(utf8_valid(it->name, nl));
		ENSURE(utf8_valid(it->value, it->value_len));
		for (j = 0; j < i; j++)
			ENSURE(strcmp(f.items[j].name, it->name) != 0);
		ENSURE(http_field(&f, it->name) == it->value);
		names[i] = it->name;
	}
	names[f.n] = NULL;
	ENSURE(http_fields_only(&f, names) == ERR_OK);
	if (f.n > 0) {
		names[f.n - 1] = NULL;
		ENSURE(http_fields_only(&f, names) == ERR_INVAL);
	}
	http_fields_free(&f);
	ENSURE(f.items == NULL && f.n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (size > 0)
		check_decode(s + 1, size - 1, data[0] & 1);
	check_fields(s, size);
	return 0;
}
