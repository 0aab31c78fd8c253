/*
 * i18n.c - string table and language negotiation. See i18n.h.
 */
#include "http/i18n.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/log.h"

struct entry {
	const char *key;
	const char *text[2];   /* [LANG_KO], [LANG_EN] */
	const char *html[2];   /* the same, made HTML once at load */
	size_t      html_len[2];
};

/* The loaded table: entries point into data (the text) and html_data
 * (the HTML forms), which own the strings. */
static char         *table_data;
static char         *html_data;
static struct entry *table;
static size_t        table_n;
/* A hash index over table, made at load: slot holds entry index + 1, 0 is
 * empty; open addressing, at most half full. Pages look up dozens of keys
 * per request, and a binary search costs a dozen strcmp each. */
static size_t       *slots;
static size_t        slots_mask;

/* FNV-1a of a key. */
static size_t key_hash(const char *key)
{
	size_t h = (size_t)14695981039346656037ULL;

	while (*key)
		h = (h ^ (unsigned char)*key++) * (size_t)1099511628211ULL;
	return h;
}

/* Index t[0..n) into a new slot array (*out, mask *mask). */
static enum err make_index(const struct entry *t, size_t n, size_t **out,
			   size_t *mask)
{
	size_t cap = 16, i, j;

	while (cap < 2 * n)
		cap *= 2;
	if (!(*out = calloc(cap, sizeof(**out))))
		return ERR_NOMEM;
	*mask = cap - 1;
	for (i = 0; i < n; i++) {
		for (j = key_hash(t[i].key) & *mask; (*out)[j];
		     j = (j + 1) & *mask)
			;
		(*out)[j] = i + 1;
	}
	return ERR_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key,
		      ((const struct entry *)b)->key);
}

void i18n_free(void)
{
	free(table_data);
	free(html_data);
	free(table);
	table_data = NULL;
	html_data = NULL;
	table = NULL;
	table_n = 0;
	free(slots);
	slots = NULL;
	slots_mask = 0;
}

enum err i18n_format_html(struct buf *out, const char *s)
{
	const char *tick, *close;
	enum err e;

	while ((tick = strchr(s, '`')) && (close = strchr(tick + 1, '`'))) {
		if ((e = buf_put_html(out, s, (size_t)(tick - s))) ||
		    (e = buf_puts(out, "<code>")) ||
		    (e = buf_put_html(out, tick + 1,
				      (size_t)(close - tick - 1))) ||
		    (e = buf_puts(out, "</code>")))
			return e;
		s = close + 1;
	}
	return buf_put_html(out, s, strlen(s));
}

/*
 * Make the HTML form of every string of t[0..n) in one buffer, so pages
 * copy it instead of escaping it on every request. On success *out owns
 * the strings that t[i].html point into.
 */
static enum err make_html(struct entry *t, size_t n, char **out)
{
	struct buf b;
	size_t i, *off;
	int l;
	enum err e = ERR_OK;

	*out = NULL;
	if (!(off = calloc(n * 2 + 1, sizeof(*off))))
		return ERR_NOMEM;
	buf_init(&b);
	for (i = 0; i < n && !e; i++)
		for (l = 0; l < 2 && !e; l++) {
			off[i * 2 + (size_t)l] = b.len;
			if (!(e = i18n_format_html(&b, t[i].text[l])))
				e = buf_putc(&b, '\0');
		}
	if (!e && !b.data)
		e = buf_putc(&b, '\0');
	if (!e) {
		for (i = 0; i < n; i++)
			for (l = 0; l < 2; l++) {
				t[i].html[l] = b.data + off[i * 2 + (size_t)l];
				t[i].html_len[l] = strlen(t[i].html[l]);
			}
		*out = buf_steal(&b);
	}
	buf_cleanup(&b);
	free(off);
	return e;
}

/*
 * Append the file at path to b, then a newline. The total stays within
 * I18N_FILE_MAX.
 */
static enum err append_file(struct buf *b, const char *path)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;
	enum err e = ERR_OK;

	if (!f)
		return ERR_NOTFOUND;
	while (!e && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > I18N_FILE_MAX)
			e = ERR_TOOBIG;
		else
			e = buf_append(b, chunk, n);
	}
	if (!e && ferror(f))
		e = ERR_INTERNAL;
	fclose(f);
	return e ? e : buf_putc(b, '\n');
}

/*
 * Parse "key<TAB>ko<TAB>en" lines of data (split in place) into a new
 * table, and install it only when every line is well formed and no key
 * repeats. On success the table owns data.
 */
static enum err parse_table(char *data, const char *origin)
{
	struct entry *t = NULL;
	char *line, *next, *t1, *t2, *html;
	size_t *index, mask;
	size_t n = 0, i, lineno = 0;
	enum err e;

	if (!(t = calloc(I18N_STRINGS_MAX, sizeof(*t))))
		return ERR_NOMEM;
	for (line = data; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2 || strchr(t2 + 1, '\t')) {
			log_msg("error", "%s: line %zu: want key<TAB>ko<TAB>en",
				origin, lineno);
			goto invalid;
		}
		if (n == I18N_STRINGS_MAX) {
			free(t);
			return ERR_TOOBIG;
		}
		*t1 = *t2 = '\0';
		t[n].key = line;
		t[n].text[LANG_KO] = t1 + 1;
		t[n].text[LANG_EN] = t2 + 1;
		n++;
	}
	qsort(t, n, sizeof(t[0]), entry_cmp);
	for (i = 1; i < n; i++)
		if (!strcmp(t[i - 1].key, t[i].key)) {
			log_msg("error", "%s: key %s appears twice", origin,
				t[i].key);
			goto invalid;
		}
	if ((e = make_html(t, n, &html))) {
		free(t);
		return e;
	}
	if ((e = make_index(t, n, &index, &mask))) {
		free(html);
		free(t);
		return e;
	}
	i18n_free();
	table_data = data;
	html_data = html;
	table = t;
	table_n = n;
	slots = index;
	slots_mask = mask;
	return ERR_OK;
invalid:
	free(t);
	return ERR_INVAL;
}

enum err i18n_load(const char *path)
{
	struct buf b;
	enum err e;

	buf_init(&b);
	if ((e = append_file(&b, path)) || (e = parse_table(b.data, path)))
		buf_cleanup(&b);
	return e;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum err i18n_load_dir(const char *dir)
{
	char *names[I18N_FILES_MAX];
	size_t n = 0, i, len;
	struct dirent *de;
	struct buf b, path;
	DIR *d = opendir(dir);
	enum err e = ERR_OK;

	if (!d)
		return ERR_NOTFOUND;
	buf_init(&b);
	buf_init(&path);
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".tsv"))
			continue;
		if (n == I18N_FILES_MAX) {
			e = ERR_TOOBIG;
			break;
		}
		if (!(names[n] = strdup(de->d_name))) {
			e = ERR_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (i = 0; i < n && !e; i++) {
		buf_reset(&path);
		if (!(e = buf_printf(&path, "%s/%s", dir, names[i])))
			e = append_file(&b, path.data);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	buf_cleanup(&path);
	if (!e && !b.data)
		e = ERR_NOTFOUND;
	if (!e)
		e = parse_table(b.data, dir);
	if (e)
		buf_cleanup(&b);
	return e;
}

static const struct entry *lookup(const char *key)
{
	size_t j;

	if (!table_n)
		return NULL;
	for (j = key_hash(key) & slots_mask; slots[j]; j = (j + 1) & slots_mask)
		if (!strcmp(table[slots[j] - 1].key, key))
			return &table[slots[j] - 1];
	return NULL;
}

const char *i18n_get(const char *key, enum lang lang)
{
	const struct entry *en = lookup(key);

	return en ? en->text[lang == LANG_EN] : key;
}

/* Append entry en's string in language l: its HTML form, or its text. */
static enum err put_one(struct buf *out, const struct entry *en, int l,
			int html)
{
	return html ? buf_append(out, en->html[l], en->html_len[l]) :
		buf_puts(out, en->text[l]);
}

/*
 * Append key's string in lang to out, as HTML when html, else as text.
 * LANG_BOTH appends "ko / en", or the string once when both say the same;
 * no tags around the two, since a label may be an attribute value.
 */
static enum err put_string(struct buf *out, const char *key, enum lang lang,
			   int html)
{
	const struct entry *en = lookup(key);
	enum err e;

	if (!en)   /* a missing key shows itself, escaped */
		return html ? buf_put_html(out, key, strlen(key)) :
			buf_puts(out, key);
	if (lang != LANG_BOTH ||
	    !strcmp(en->text[LANG_KO], en->text[LANG_EN]))
		return put_one(out, en, lang == LANG_EN, html);
	if ((e = put_one(out, en, LANG_KO, html)) ||
	    (e = buf_puts(out, " / ")))
		return e;
	return put_one(out, en, LANG_EN, html);
}

enum err i18n_put_html(struct buf *out, const char *key, enum lang lang)
{
	return put_string(out, key, lang, 1);
}

enum err i18n_put_text(struct buf *out, const char *key, enum lang lang)
{
	return put_string(out, key, lang, 0);
}

int i18n_has(const char *key)
{
	return lookup(key) != NULL;
}

const char *i18n_key_at(size_t i)
{
	return i < table_n ? table[i].key : NULL;
}

enum lang i18n_primary(enum lang lang)
{
	return lang == LANG_EN ? LANG_EN : LANG_KO;
}

const char *i18n_code(enum lang lang)
{
	return lang == LANG_EN ? "en" : "ko";
}

const char *i18n_shown_code(enum lang lang)
{
	return lang == LANG_BOTH ? "both" : i18n_code(lang);
}

/*
 * Parse a q-value ("q=0.8") at p; RFC 9110 §12.4.2 allows at most three
 * decimals. Returns the weight in thousandths, or -1 when malformed.
 */
static int parse_q(const char *p, size_t n)
{
	int w = 0, digits = 0;
	size_t i;

	if (n < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return -1;
	if (p[2] == '1')
		return 1000;
	if (p[2] != '0')
		return -1;
	for (i = 3; i < n && digits < 4; i++) {
		if (i == 3) {
			if (p[i] != '.')
				return -1;
			continue;
		}
		if (p[i] < '0' || p[i] > '9')
			return -1;
		w = w * 10 + (p[i] - '0');
		digits++;
	}
	while (digits++ < 3)
		w *= 10;
	return w;
}

enum lang i18n_choose(const char *lang_cookie, const char *accept_language)
{
	const char *p, *end, *semi;
	int best_w = 0, w;
	enum lang best = LANG_KO;
	size_t tag_len;

	if (lang_cookie && !strcmp(lang_cookie, "en"))
		return LANG_EN;
	if (lang_cookie && !strcmp(lang_cookie, "ko"))
		return LANG_KO;
	if (lang_cookie && !strcmp(lang_cookie, "both"))
		return LANG_BOTH;
	if (!accept_language)
		return LANG_KO;
	for (p = accept_language; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		tag_len = (size_t)((semi ? semi : end) - p);
		while (tag_len && (p[tag_len - 1] == ' ' || p[tag_len - 1] == '\t'))
			tag_len--;
		w = 1000;
		if (semi) {
			semi++;
			const char *qend = end;

			while (semi < end && (*semi == ' ' || *semi == '\t'))
				semi++;
			while (qend > semi && (qend[-1] == ' ' || qend[-1] == '\t'))
				qend--;
			w = parse_q(semi, (size_t)(qend - semi));
			if (w < 0)
				continue;
		}
		if (w <= best_w)
			continue;
		if (tag_len >= 2 && !strncasecmp(p, "ko", 2) &&
		    (tag_len == 2 || p[2] == '-')) {
			best = LANG_KO;
			best_w = w;
		} else if (tag_len >= 2 && !strncasecmp(p, "en", 2) &&
			   (tag_len == 2 || p[2] == '-')) {
			best = LANG_EN;
			best_w = w;
		}
	}
	return best;
}
