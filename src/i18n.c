/*
 * i18n.c - string table and language negotiation. See i18n.h.
 */
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

struct entry {
	const char *key;
	const char *text[2];   /* [LANG_KO], [LANG_EN] */
};

static char        *table_data;           /* the file, split in place */
static struct entry table[I18N_STRINGS_MAX];
static size_t       table_n;

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key,
		      ((const struct entry *)b)->key);
}

void i18n_free(void)
{
	free(table_data);
	table_data = NULL;
	table_n = 0;
}

/* Read a whole file of at most I18N_FILE_MAX bytes, NUL-terminated. */
static enum err slurp(const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t n;
	enum err e = ERR_OK;

	*out = NULL;
	if (!f)
		return ERR_NOTFOUND;
	if (!(data = malloc(I18N_FILE_MAX + 1))) {
		e = ERR_NOMEM;
		goto out;
	}
	n = fread(data, 1, I18N_FILE_MAX + 1, f);
	if (n > I18N_FILE_MAX) {
		e = ERR_TOOBIG;
		goto out;
	}
	data[n] = '\0';
	*out = data;
	data = NULL;
out:
	free(data);
	fclose(f);
	return e;
}

enum err i18n_load(const char *path)
{
	char *data, *line, *next, *t1, *t2;
	size_t n = 0, lineno = 0;
	enum err e;

	if ((e = slurp(path, &data)))
		return e;
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
			log_msg("error", "%s:%zu: want key<TAB>ko<TAB>en",
				path, lineno);
			free(data);
			return ERR_INVAL;
		}
		if (n == I18N_STRINGS_MAX) {
			free(data);
			return ERR_TOOBIG;
		}
		*t1 = *t2 = '\0';
		table[n].key = line;
		table[n].text[LANG_KO] = t1 + 1;
		table[n].text[LANG_EN] = t2 + 1;
		n++;
	}
	qsort(table, n, sizeof(table[0]), entry_cmp);
	free(table_data);
	table_data = data;
	table_n = n;
	return ERR_OK;
}

static const struct entry *lookup(const char *key)
{
	struct entry k = { key, { NULL, NULL } };

	if (!table_n)
		return NULL;
	return bsearch(&k, table, table_n, sizeof(table[0]), entry_cmp);
}

const char *i18n_get(const char *key, enum lang lang)
{
	const struct entry *en = lookup(key);

	return en ? en->text[lang == LANG_EN] : key;
}

int i18n_has(const char *key)
{
	return lookup(key) != NULL;
}

const char *i18n_code(enum lang lang)
{
	return lang == LANG_EN ? "en" : "ko";
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
