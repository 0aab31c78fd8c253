/*
 * utf8.h - UTF-8 validation (RFC 3629), shared by every parser.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/*
 * utf8_valid: 1 if s[0..n) is well-formed UTF-8, else 0. Overlong forms,
 * surrogates (U+D800..DFFF) and code points past U+10FFFF are invalid.
 * NUL bytes are valid UTF-8; callers that refuse them check separately.
 */
int utf8_valid(const char *s, size_t n);

/* utf8_cut: how many bytes of s (NULL: 0) to keep so that at most cap
 * are kept and no character is split: strlen(s) when it fits, else cap
 * moved back to the start of the character it falls in. */
size_t utf8_cut(const char *s, size_t cap);

#endif
