/*
 * cookieval.h - text in a cookie value. A value may hold only
 * cookie-octets (RFC 6265 §4.1.1: no space, DQUOTE, comma, semicolon,
 * backslash or control byte, and nothing outside ASCII), so a name such
 * as "김 철수" is percent-encoded on the way in, as JavaScript's
 * encodeURIComponent would, and decoded on the way out.
 */
#ifndef COOKIEVAL_H
#define COOKIEVAL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define COOKIEVAL_TEXT_MAX 64   /* bytes of text before encoding */

/*
 * cookieval_encode: append text, percent-encoded (everything but
 * [A-Za-z0-9-_.~] becomes %XX), to out. ERR_INVAL for empty text, invalid
 * UTF-8 or control bytes; ERR_TOOBIG past COOKIEVAL_TEXT_MAX bytes. out is
 * unchanged on failure.
 */
enum err cookieval_encode(const char *text, struct buf *out);

/*
 * cookieval_decode: decode a value made by cookieval_encode into *text
 * (malloc'd, caller frees). ERR_INVAL for broken percent-encoding, NUL,
 * control bytes, invalid UTF-8 or an empty result; ERR_TOOBIG when the
 * decoded text passes COOKIEVAL_TEXT_MAX. *text is NULL on failure.
 */
enum err cookieval_decode(const char *value, char **text);

#endif
