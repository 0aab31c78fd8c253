/*
 * utf8.c - UTF-8 validation (RFC 3629). See utf8.h.
 */
#include "base/utf8.h"

#include <string.h>

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, need;
	unsigned char lo, hi;

	while (i < n) {
		unsigned char c = p[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		/* RFC 3629 §4: the second byte's range rules out overlongs
		 * (E0, F0), surrogates (ED) and code points past U+10FFFF. */
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c == 0xe0) {
			need = 2;
			lo = 0xa0;
		} else if (c == 0xed) {
			need = 2;
			hi = 0x9f;
		} else if (c >= 0xe1 && c <= 0xef) {
			need = 2;
		} else if (c == 0xf0) {
			need = 3;
			lo = 0x90;
		} else if (c >= 0xf1 && c <= 0xf3) {
			need = 3;
		} else if (c == 0xf4) {
			need = 3;
			hi = 0x8f;
		} else {
			return 0;   /* 80-C1 lead, or F5-FF */
		}
		if (n - i - 1 < need)
			return 0;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (k = 2; k <= need; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += need + 1;
	}
	return 1;
}

size_t utf8_cut(const char *s, size_t cap)
{
	size_t n = s ? strnlen(s, cap + 1) : 0;

	if (n <= cap)
		return n;
	n = cap;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}
