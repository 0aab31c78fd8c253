/*
 * buf.h - a growable byte buffer that always keeps a NUL after its data.
 *
 * Every piece of output (HTML, headers, JSON) is built in a buf. Appends
 * that would pass BUF_MAX fail with ERR_TOOBIG and leave the buffer as it
 * was, so no response can grow without bound.
 */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/err.h"

#define BUF_MAX (8u * 1024u * 1024u)   /* hard cap on any one buffer */

struct buf {
	char   *data;  /* NUL-terminated when non-NULL; owned by the buf */
	size_t  len;   /* bytes in use, not counting the NUL */
	size_t  cap;   /* bytes allocated */
};

/* buf_init: make an empty buffer; allocates nothing. */
void buf_init(struct buf *b);

/* buf_cleanup: free the storage and reset to empty. Safe on an empty buf. */
void buf_cleanup(struct buf *b);

/* buf_reset: drop the contents but keep the storage for reuse. */
void buf_reset(struct buf *b);

/* buf_append: copy n bytes of p (which may point into b itself).
 * ERR_TOOBIG past BUF_MAX, ERR_NOMEM. */
enum err buf_append(struct buf *b, const void *p, size_t n);

/* buf_puts: append a NUL-terminated string. */
enum err buf_puts(struct buf *b, const char *s);

/* buf_putc: append one byte. */
enum err buf_putc(struct buf *b, char c);

/* buf_printf: append printf-style output (no %n). */
enum err buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* buf_vprintf: as buf_printf, with a va_list. */
enum err buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * buf_put_html: append p[0..n) with & < > " ' escaped for HTML text and
 * attribute values. This is the default path for every dynamic string.
 */
enum err buf_put_html(struct buf *b, const char *p, size_t n);

/* buf_steal: hand the data to the caller (free() it) and reset the buf. */
char *buf_steal(struct buf *b);

#endif
