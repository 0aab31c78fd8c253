/*
 * oplog.c - the per-request record of store operations. See oplog.h.
 */
#include "base/oplog.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static struct oplog_entry entries[OPLOG_MAX];
static size_t n_entries, n_dropped;
static double total_us;

void oplog_reset(void)
{
	n_entries = 0;
	n_dropped = 0;
	total_us = 0;
}

/* Copy src into dst (cap bytes), cut to fit, and never ending inside a
 * UTF-8 character (a label cut by snprintf may arrive so). */
static void copy_cut(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src), start, need;
	unsigned char lead;

	if (n >= cap)
		n = cap - 1;
	start = n;
	while (start > 0 && ((unsigned char)src[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0) {
		lead = (unsigned char)src[start - 1];
		need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (n - (start - 1) < need)
			n = start - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void oplog_add(const char *store, const char *label, double us)
{
	struct oplog_entry *e;

	total_us += us;
	if (n_entries == OPLOG_MAX) {
		n_dropped++;
		return;
	}
	e = &entries[n_entries++];
	e->store = store;
	e->us = us;
	copy_cut(e->label, sizeof(e->label), label ? label : "");
}

size_t oplog_count(void)
{
	return n_entries;
}

const struct oplog_entry *oplog_at(size_t i)
{
	return i < n_entries ? &entries[i] : NULL;
}

size_t oplog_dropped(void)
{
	return n_dropped;
}

double oplog_total_us(void)
{
	return total_us;
}

/* The next SQL word of s (letters, digits, '_') into w (cap bytes);
 * returns what follows it, or NULL at the end. Skips quotes' contents
 * as one word. */
static const char *sql_word(const char *s, char *w, size_t cap)
{
	size_t n = 0;

	while (*s && !isalnum((unsigned char)*s) && *s != '_' && *s != '"')
		s++;
	if (!*s)
		return NULL;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++)
			if (n + 1 < cap)
				w[n++] = *s;
		if (*s)
			s++;
	} else {
		for (; isalnum((unsigned char)*s) || *s == '_'; s++)
			if (n + 1 < cap)
				w[n++] = *s;
	}
	w[n] = '\0';
	return s;
}

/* The word after the first keyword kw (case-insensitive) in sql that is
 * not a subquery's SELECT. */
static int word_after(const char *sql, const char *kw, char *w, size_t cap)
{
	char cur[64];
	const char *s = sql;

	while ((s = sql_word(s, cur, sizeof(cur))))
		if (!strcasecmp(cur, kw)) {
			const char *next = sql_word(s, w, cap);

			/* FROM (SELECT ...): the table is the inner one's. */
			if (next && !strcasecmp(w, "SELECT")) {
				s = next;
				continue;
			}
			return next != NULL;
		}
	return 0;
}

char *oplog_sql_label(const char *sql, char *out, size_t cap)
{
	char verb[16], table[48], up[16];
	const char *kw = NULL;
	size_t i;

	if (!sql || !sql_word(sql, verb, sizeof(verb))) {
		copy_cut(out, cap, "SQL");
		return out;
	}
	for (i = 0; verb[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)verb[i]);
	up[i] = '\0';
	if (!strcmp(up, "SELECT") || !strcmp(up, "DELETE") ||
	    !strcmp(up, "WITH"))
		kw = "FROM";
	else if (!strcmp(up, "INSERT") || !strcmp(up, "REPLACE"))
		kw = "INTO";
	else if (!strcmp(up, "UPDATE"))
		kw = "UPDATE";
	if (!strcmp(up, "WITH"))
		memcpy(up, "SELECT", sizeof("SELECT"));
	table[0] = '\0';
	if (kw && word_after(sql, kw, table, sizeof(table)) &&
	    !strcmp(kw, "UPDATE") && !strcasecmp(table, "OR")) {
		/* UPDATE OR IGNORE t: the table follows the conflict word. */
		char skip[16];
		const char *s = sql_word(sql, skip, sizeof(skip));  /* UPDATE */

		s = s ? sql_word(s, table, sizeof(table)) : NULL;  /* OR */
		s = s ? sql_word(s, table, sizeof(table)) : NULL;  /* word */
		if (!s || !sql_word(s, table, sizeof(table)))
			table[0] = '\0';
	}
	snprintf(out, cap, table[0] ? "%s %s" : "%s", up, table);
	return out;
}

/* Append the len bytes at p to out (used of cap), printable ASCII only. */
static size_t put_word(char *out, size_t used, size_t cap, const char *p,
		       size_t len)
{
	size_t i;

	for (i = 0; i < len && used + 1 < cap; i++)
		out[used++] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	out[used] = '\0';
	return used;
}

char *oplog_kv_label(int argc, const char *const *argv, const size_t *len,
		     char *out, size_t cap)
{
	static const char ellipsis[] = "\xE2\x80\xA6";   /* … */
	size_t used = 0, n, head;
	const char *key;
	int i;

	out[0] = '\0';
	if (argc < 1)
		return out;
	used = put_word(out, used, cap, argv[0],
			len ? len[0] : strlen(argv[0]));
	if (argc < 2)
		return out;
	used = put_word(out, used, cap, " ", 1);
	key = argv[1];
	n = len ? len[1] : strlen(key);
	/* The part after the last ':' is an ID or hash: cut it short. */
	for (head = 0, i = 0; (size_t)i < n; i++)
		if (key[i] == ':')
			head = (size_t)i + 1;
	if (n - head > OPLOG_KEY_SHOWN) {
		used = put_word(out, used, cap, key, head + OPLOG_KEY_SHOWN);
		if (used + sizeof(ellipsis) <= cap) {
			memcpy(out + used, ellipsis, sizeof(ellipsis));
			used += sizeof(ellipsis) - 1;
		}
	} else {
		used = put_word(out, used, cap, key, n);
	}
	return out;
}
