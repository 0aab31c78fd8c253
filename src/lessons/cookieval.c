/*
 * cookieval.c - percent-encoded text in cookie values. See cookieval.h.
 */
#include "lessons/cookieval.h"

#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "base/utf8.h"

static int has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

enum err cookieval_encode(const char *text, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = text ? strlen(text) : 0, old = out->len;
	enum err e = ERR_OK;

	if (n == 0 || !utf8_valid(text, n) || has_ctl(text, n))
		return ERR_INVAL;
	if (n > COOKIEVAL_TEXT_MAX)
		return ERR_TOOBIG;
	for (i = 0; i < n && !e; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			e = buf_putc(out, (char)c);
		} else if (!(e = buf_putc(out, '%')) &&
			   !(e = buf_putc(out, hex[c >> 4]))) {
			e = buf_putc(out, hex[c & 15]);
		}
	}
	if (e) {
		out->len = old;
		if (out->data)
			out->data[old] = '\0';
	}
	return e;
}

enum err cookieval_decode(const char *value, char **text)
{
	char *s = NULL;
	size_t n = 0;
	enum err e;

	*text = NULL;
	if (!value || !*value)
		return ERR_INVAL;
	if (strlen(value) > 3 * COOKIEVAL_TEXT_MAX)
		return ERR_TOOBIG;
	if ((e = http_urldecode(value, strlen(value), 0, &s, &n)))
		return e;
	if (n == 0 || has_ctl(s, n)) {
		free(s);
		return ERR_INVAL;
	}
	if (n > COOKIEVAL_TEXT_MAX) {
		free(s);
		return ERR_TOOBIG;
	}
	*text = s;
	return ERR_OK;
}
