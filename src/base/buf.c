/*
 * buf.c - growable byte buffer. See buf.h for the contract.
 */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void buf_cleanup(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the NUL, doubling the capacity. */
static enum err buf_reserve(struct buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > BUF_MAX || b->len > BUF_MAX - n)
		return ERR_TOOBIG;
	need = b->len + n + 1;
	if (need <= b->cap)
		return ERR_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return ERR_OK;
}

enum err buf_append(struct buf *b, const void *p, size_t n)
{
	const char *src = p;
	size_t off = 0;
	int inside = b->data && src >= b->data && src < b->data + b->cap;
	enum err e;

	/* Appending part of b to itself: the realloc may move it. */
	if (inside)
		off = (size_t)(src - b->data);
	if ((e = buf_reserve(b, n)))
		return e;
	if (inside)
		p = b->data + off;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ERR_OK;
}

enum err buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum err buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum err buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;
	enum err e;

	/* One pass when the output fits in the room already allocated,
	 * which is nearly always; otherwise grow and format again. */
	va_copy(ap2, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return ERR_INTERNAL;
	if ((size_t)n > BUF_MAX - b->len) {
		if (room)
			b->data[b->len] = '\0';
		return ERR_TOOBIG;
	}
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return ERR_OK;
	}
	if (room)
		b->data[b->len] = '\0';   /* undo the truncated attempt */
	e = buf_reserve(b, (size_t)n);
	if (e)
		return e;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return ERR_OK;
}

enum err buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum err e;

	va_start(ap, fmt);
	e = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

/*
 * The escaped text goes out in pieces, so a failure part-way (ERR_TOOBIG
 * near BUF_MAX) cuts the buffer back to where it was, as buf.h promises.
 */
/* What each byte becomes in HTML text and attribute values (NULL: itself). */
static const char *const html_escapes[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	['"'] = "&quot;", ['\''] = "&#39;",
};

enum err buf_put_html(struct buf *b, const char *p, size_t n)
{
	size_t i, start = 0, old = b->len;
	const char *rep;
	enum err e;

	if (n == 0)
		return buf_append(b, "", 0);   /* p may be NULL */
	for (i = 0; i < n; i++) {
		if (!(rep = html_escapes[(unsigned char)p[i]]))
			continue;
		if ((e = buf_append(b, p + start, i - start)) ||
		    (e = buf_puts(b, rep)))
			goto fail;
		start = i + 1;
	}
	if ((e = buf_append(b, p + start, n - start)) == ERR_OK)
		return ERR_OK;
fail:
	if (b->data) {
		b->len = old;
		b->data[old] = '\0';
	}
	return e;
}

char *buf_steal(struct buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	buf_init(b);
	return p;
}
