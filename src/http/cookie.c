/*
 * cookie.c - the Cookie request header (RFC 6265 §5.4 and §4.2.1) and the
 * Set-Cookie response header (RFC 6265 §4.1.1, prefixes and SameSite from
 * RFC 6265bis §4.1.2.7 and §4.1.3). See cookie.h for the contracts.
 *
 * Parsing is two passes over the raw bytes: one that validates and counts
 * (so every limit is checked before anything is allocated) and one that
 * copies. Building validates the whole spec first, then writes into a
 * scratch buffer, so out is touched by one append or not at all.
 */
#include "http/cookie.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* RFC 1035 §2.3.4 caps a name at 255 octets on the wire: 253 as text. */

/*
 * The years an Expires date may carry. RFC 6265 §5.1.1 makes a user agent
 * drop a cookie-date before 1601, and IMF-fixdate has a four-digit year.
 */
#define EXPIRES_MIN (-11644473600LL)  /* 1601-01-01T00:00:00Z */
#define EXPIRES_MAX 253402300799LL    /* 9999-12-31T23:59:59Z */

/* cookie_format_date clamps to years 0000-9999 so the year has 4 digits. */
#define DATE_MIN (-62167219200LL)     /* 0000-01-01T00:00:00Z */

/* The clamping above needs every date up to year 9999 to fit a time_t. */
_Static_assert(sizeof(time_t) >= 8, "time_t must be 64-bit");

/* is_ws: SP or HTAB, the whitespace RFC 6265 §5.2 trims. */
static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* is_ctl_not_tab: a control byte (0x00-0x1F, 0x7F) other than HTAB. */
static int is_ctl_not_tab(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* dup_bytes: a NUL-terminated malloc'd copy of p[0..n), or NULL. */
static char *dup_bytes(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/*
 * trim: shrink [*b, *e) past SP/HTAB on both ends. Works on offsets so a
 * NULL header with no bytes never forms a pointer.
 */
static void trim(const char *p, size_t *b, size_t *e)
{
	while (*b < *e && is_ws((unsigned char)p[*b]))
		(*b)++;
	while (*e > *b && is_ws((unsigned char)p[*e - 1]))
		(*e)--;
}

/*
 * One cookie-pair found in the header, as offsets: name [nb, ne), value
 * [vb, ve). Returned by next_pair.
 */
struct span {
	size_t nb, ne, vb, ve;
};

/*
 * next_pair: starting at *pos, find the next segment up to ';' that holds
 * a pair with '=' and a non-empty trimmed name (RFC 6265 §5.2 steps 1-6;
 * other segments are skipped). Returns 1 and fills sp, or 0 at the end.
 */
static int next_pair(const char *hdr, size_t len, size_t *pos, struct span *sp)
{
	while (*pos < len) {
		size_t b = *pos, e = b, eq;

		while (e < len && hdr[e] != ';')
			e++;
		*pos = e < len ? e + 1 : e;
		for (eq = b; eq < e && hdr[eq] != '='; eq++)
			;
		if (eq == e)
			continue;           /* no '=': skipped, as browsers do */
		sp->nb = b;
		sp->ne = eq;
		sp->vb = eq + 1;
		sp->ve = e;
		trim(hdr, &sp->nb, &sp->ne);
		trim(hdr, &sp->vb, &sp->ve);
		if (sp->nb == sp->ne)
			continue;           /* empty name: skipped */
		return 1;
	}
	return 0;
}

enum err cookie_parse(const char *hdr, size_t len, struct cookie_jar *jar)
{
	struct cookie_pair *pairs = NULL;
	struct span sp;
	size_t i, j, n = 0, n_dup = 0, pos;
	enum err e = ERR_OK;

	jar->pairs = NULL;
	jar->n = 0;
	jar->n_duplicate = 0;

	if (len > COOKIE_HEADER_MAX)
		return ERR_TOOBIG;
	if (len && !hdr)
		return ERR_INTERNAL;
	for (i = 0; i < len; i++)
		if (is_ctl_not_tab((unsigned char)hdr[i]))
			return ERR_INVAL;
	if (!utf8_valid(hdr, len))
		return ERR_INVAL;

	/*
	 * Pass 1: count pairs and check sizes before allocating anything.
	 * A name past COOKIE_NAME_MAX or a pair past COOKIE_SIZE_MAX is
	 * ERR_TOOBIG too: no browser stores, so none sends, such a cookie.
	 */
	for (pos = 0; next_pair(hdr, len, &pos, &sp);) {
		if (++n > COOKIE_PAIRS_MAX ||
		    sp.ne - sp.nb > COOKIE_NAME_MAX ||
		    (sp.ne - sp.nb) + (sp.ve - sp.vb) > COOKIE_SIZE_MAX)
			return ERR_TOOBIG;
	}
	if (n == 0)
		return ERR_OK;

	/* Pass 2: copy, flagging every name already seen. */
	pairs = calloc(n, sizeof(*pairs));
	if (!pairs)
		return ERR_NOMEM;
	for (pos = 0, i = 0; i < n && next_pair(hdr, len, &pos, &sp); i++) {
		pairs[i].name = dup_bytes(hdr + sp.nb, sp.ne - sp.nb);
		pairs[i].value = dup_bytes(hdr + sp.vb, sp.ve - sp.vb);
		if (!pairs[i].name || !pairs[i].value) {
			e = ERR_NOMEM;
			goto out;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(pairs[j].name, pairs[i].name) == 0) {
				pairs[i].duplicate = 1;
				n_dup++;
				break;
			}
		}
	}
	jar->pairs = pairs;
	jar->n = n;
	jar->n_duplicate = n_dup;
	pairs = NULL;
out:
	if (pairs) {
		/* calloc left unfilled pairs NULL, so free them all. */
		for (j = 0; j < n; j++) {
			free(pairs[j].name);
			free(pairs[j].value);
		}
		free(pairs);
	}
	return e;
}

void cookie_jar_free(struct cookie_jar *jar)
{
	size_t i;

	if (!jar)
		return;
	for (i = 0; i < jar->n; i++) {
		free(jar->pairs[i].name);
		free(jar->pairs[i].value);
	}
	free(jar->pairs);
	jar->pairs = NULL;
	jar->n = 0;
	jar->n_duplicate = 0;
}

const char *cookie_get(const struct cookie_jar *jar, const char *name)
{
	size_t i;

	if (!jar || !name)
		return NULL;
	for (i = 0; i < jar->n; i++)
		if (strcmp(jar->pairs[i].name, name) == 0)
			return jar->pairs[i].value;
	return NULL;
}

size_t cookie_count(const struct cookie_jar *jar, const char *name)
{
	size_t i, k = 0;

	if (!jar || !name)
		return 0;
	for (i = 0; i < jar->n; i++)
		if (strcmp(jar->pairs[i].name, name) == 0)
			k++;
	return k;
}

const char *cookie_samesite_name(enum cookie_samesite s)
{
	switch (s) {
	case SAMESITE_STRICT: return "Strict";
	case SAMESITE_LAX:    return "Lax";
	case SAMESITE_NONE:   return "None";
	case SAMESITE_UNSET:  break;
	}
	return "";
}

/* put_digits: write v (>= 0) as exactly width decimal digits at p. */
static void put_digits(char *p, long long v, int width)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

char *cookie_format_date(time_t t, char out[30])
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	long long v = (long long)t;

	/* Clamp so the year always has four digits and gmtime_r succeeds. */
	if (v < DATE_MIN)
		v = DATE_MIN;
	if (v > EXPIRES_MAX)
		v = EXPIRES_MAX;
	t = (time_t)v;
	if (!gmtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11) {
		/* Unreachable for the clamped range; say the epoch, not junk. */
		memcpy(out, "Thu, 01 Jan 1970 00:00:00 GMT", 30);
		return out;
	}
	/* "Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes and a NUL. */
	memcpy(out, days[tm.tm_wday], 3);
	memcpy(out + 3, ", ", 2);
	put_digits(out + 5, tm.tm_mday, 2);
	out[7] = ' ';
	memcpy(out + 8, months[tm.tm_mon], 3);
	out[11] = ' ';
	put_digits(out + 12, (long long)tm.tm_year + 1900, 4);
	out[16] = ' ';
	put_digits(out + 17, tm.tm_hour, 2);
	out[19] = ':';
	put_digits(out + 20, tm.tm_min, 2);
	out[22] = ':';
	put_digits(out + 23, tm.tm_sec, 2);
	memcpy(out + 25, " GMT", 5);
	return out;
}

int cookie_is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* is_cookie_octet: RFC 6265 §4.1.1 cookie-octet. */
static int is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	       (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	       (c >= 0x5d && c <= 0x7e);
}

/* has_prefix_ci: s starts with the ASCII prefix p, ignoring case. */
static int has_prefix_ci(const char *s, const char *p)
{
	for (; *p; s++, p++) {
		unsigned char a = (unsigned char)*s, b = (unsigned char)*p;

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

/*
 * domain_ok: letters, digits, '-' and '.', with one optional leading '.'
 * (RFC 6265 §4.1.2.3 lets it be sent; §5.2.3 ignores it), no empty label
 * and not ending in '.'. Does not check label length or public suffixes.
 */
static int domain_ok(const char *d, size_t n)
{
	size_t i;

	if (n && d[0] == '.') {
		d++;
		n--;
	}
	if (n == 0 || d[0] == '.' || d[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '.' && i + 1 < n && d[i + 1] == '.')
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/*
 * spec_check: every rule cookie_build enforces, in a fixed order so each
 * test row meets exactly one refusal. Returns ERR_OK, or the error with
 * *why set to a sentence naming the broken rule.
 */
static enum err spec_check(const struct cookie_spec *c, const char **why)
{
	const char *v = c->value ? c->value : "";
	size_t i, nlen, vlen, plen, dlen;
	size_t vb, ve;

	if (!c->name || !c->name[0]) {
		*why = "Cookie name is empty";
		return ERR_INVAL;
	}
	nlen = strlen(c->name);
	vlen = strlen(v);
	if (nlen > COOKIE_NAME_MAX) {
		*why = "Cookie name is longer than 256 bytes";
		return ERR_TOOBIG;
	}
	if (nlen + vlen > COOKIE_SIZE_MAX) {
		*why = "Cookie name and value together are longer than 4096 bytes";
		return ERR_TOOBIG;
	}
	for (i = 0; i < nlen; i++) {
		if (!cookie_is_tchar((unsigned char)c->name[i])) {
			*why = "Cookie name must be an RFC 7230 token";
			return ERR_INVAL;
		}
	}
	/* cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) */
	vb = 0;
	ve = vlen;
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		vb = 1;
		ve = vlen - 1;
	}
	for (i = vb; i < ve; i++) {
		if (!is_cookie_octet((unsigned char)v[i])) {
			*why = "Cookie value may only hold cookie-octets "
			       "(no space, DQUOTE, comma, semicolon, backslash "
			       "or control byte)";
			return ERR_INVAL;
		}
	}
	if (c->path) {
		plen = strlen(c->path);
		if (plen > COOKIE_ATTR_MAX) {
			*why = "Path is longer than 1024 bytes";
			return ERR_TOOBIG;
		}
		if (c->path[0] != '/') {
			*why = "Path must start with '/'";
			return ERR_INVAL;
		}
		for (i = 0; i < plen; i++) {
			unsigned char ch = (unsigned char)c->path[i];

			if (ch < 0x20 || ch >= 0x7f || ch == ';') {
				*why = "Path must be printable ASCII without ';'";
				return ERR_INVAL;
			}
		}
	}
	if (c->domain) {
		dlen = strlen(c->domain);
		if (dlen > COOKIE_DOMAIN_MAX) {
			*why = "Domain is longer than 253 bytes";
			return ERR_TOOBIG;
		}
		if (!domain_ok(c->domain, dlen)) {
			*why = "Domain may only hold letters, digits, '-' and "
			       "'.', in non-empty labels";
			return ERR_INVAL;
		}
	}
	if (c->has_expires && ((long long)c->expires < EXPIRES_MIN ||
			       (long long)c->expires > EXPIRES_MAX)) {
		*why = "Expires must fall between the years 1601 and 9999";
		return ERR_INVAL;
	}
	if (c->same_site != SAMESITE_UNSET && c->same_site != SAMESITE_STRICT &&
	    c->same_site != SAMESITE_LAX && c->same_site != SAMESITE_NONE) {
		*why = "SameSite must be Strict, Lax, None or unset";
		return ERR_INVAL;
	}
	if (c->same_site == SAMESITE_NONE && !c->secure) {
		*why = "SameSite=None requires Secure";
		return ERR_INVAL;
	}
	/* RFC 6265bis §4.1.3: browsers now match the prefixes ignoring case. */
	if (has_prefix_ci(c->name, "__Secure-") && !c->secure) {
		*why = "A __Secure- cookie requires Secure";
		return ERR_INVAL;
	}
	if (has_prefix_ci(c->name, "__Host-")) {
		if (!c->secure) {
			*why = "A __Host- cookie requires Secure";
			return ERR_INVAL;
		}
		if (!c->path || strcmp(c->path, "/") != 0) {
			*why = "A __Host- cookie requires Path=/";
			return ERR_INVAL;
		}
		if (c->domain) {
			*why = "A __Host- cookie must not have a Domain";
			return ERR_INVAL;
		}
	}
	return ERR_OK;
}

void cookie_spec_init(struct cookie_spec *c, const char *name,
		      const char *value, const char *path, long max_age,
		      int flags, enum cookie_samesite same_site)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->value = value;
	c->path = path;
	if (max_age >= 0) {
		c->has_max_age = 1;
		c->max_age = max_age;
	}
	c->secure = (flags & COOKIE_SECURE) != 0;
	c->http_only = (flags & COOKIE_HTTPONLY) != 0;
	c->same_site = same_site;
	if (name && (has_prefix_ci(name, "__Secure-") ||
		     has_prefix_ci(name, "__Host-")))
		c->secure = 1;
	if (name && has_prefix_ci(name, "__Host-"))
		c->path = "/";
}

enum err cookie_build(const struct cookie_spec *c, struct buf *out,
		      const char **why)
{
	struct buf tmp;
	const char *dummy = NULL;
	char date[30];
	enum err e;

	if (!why)
		why = &dummy;
	*why = NULL;
	buf_init(&tmp);
	if (!c || !out) {
		*why = "No cookie spec or output buffer was given";
		e = ERR_INTERNAL;
		goto out;
	}
	if ((e = spec_check(c, why)) != ERR_OK)
		goto out;

	if ((e = buf_puts(&tmp, c->name)) ||
	    (e = buf_putc(&tmp, '=')) ||
	    (e = buf_puts(&tmp, c->value ? c->value : "")))
		goto out;
	/* "0 or less deletes": send 0, since §4.1.1 has no negative form. */
	if (c->has_max_age &&
	    (e = buf_printf(&tmp, "; Max-Age=%ld",
			    c->max_age > 0 ? c->max_age : 0L)))
		goto out;
	if (c->has_expires &&
	    ((e = buf_puts(&tmp, "; Expires=")) ||
	     (e = buf_puts(&tmp, cookie_format_date(c->expires, date)))))
		goto out;
	if (c->domain &&
	    ((e = buf_puts(&tmp, "; Domain=")) ||
	     (e = buf_puts(&tmp, c->domain))))
		goto out;
	if (c->path &&
	    ((e = buf_puts(&tmp, "; Path=")) || (e = buf_puts(&tmp, c->path))))
		goto out;
	if (c->secure && (e = buf_puts(&tmp, "; Secure")))
		goto out;
	if (c->http_only && (e = buf_puts(&tmp, "; HttpOnly")))
		goto out;
	if (c->same_site != SAMESITE_UNSET &&
	    ((e = buf_puts(&tmp, "; SameSite=")) ||
	     (e = buf_puts(&tmp, cookie_samesite_name(c->same_site)))))
		goto out;
	e = buf_append(out, tmp.data, tmp.len);
out:
	if (e && !*why) {
		*why = e == ERR_NOMEM ? "Out of memory building the cookie"
		     : e == ERR_TOOBIG ? "The output buffer is full"
		     : "The cookie could not be built";
	}
	buf_cleanup(&tmp);
	return e;
}
