/*
 * tmpl.c - escaping templates. See tmpl.h for the syntax and contract.
 */
#include "http/tmpl.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

struct tmpl_file {
	char   *name;
	size_t  name_len;    /* strlen(name): lookups compare it first */
	char   *src;
	size_t  len;
};

static struct tmpl_file files[TMPL_FILES_MAX];
static size_t           n_files;

void tmpl_vars_init(struct tmpl_vars *vars)
{
	vars->n = 0;
}

/* Free what var holds besides its name: its value or its rows. */
static void var_clear(struct tmpl_var *var)
{
	size_t i;

	free(var->value);
	var->value = NULL;
	for (i = 0; i < var->n_rows; i++) {
		tmpl_vars_cleanup(var->rows[i]);
		free(var->rows[i]);
	}
	free(var->rows);
	var->rows = NULL;
	var->n_rows = 0;
}

void tmpl_vars_cleanup(struct tmpl_vars *vars)
{
	size_t i;

	for (i = 0; i < vars->n; i++) {
		var_clear(&vars->v[i]);
		free(vars->v[i].name);
	}
	vars->n = 0;
}

/*
 * The variable name of vars, made empty (no value, no rows) and of kind
 * kind, added when unset. NULL when vars is full or out of memory.
 */
static struct tmpl_var *var_slot(struct tmpl_vars *vars, const char *name,
				 enum tmpl_kind kind)
{
	struct tmpl_var *var;
	size_t i;

	for (i = 0; i < vars->n; i++)
		if (!strcmp(vars->v[i].name, name)) {
			var = &vars->v[i];
			var_clear(var);
			var->kind = kind;
			return var;
		}
	if (vars->n == TMPL_VARS_MAX)
		return NULL;
	var = &vars->v[vars->n];
	if (!(var->name = strdup(name)))
		return NULL;
	var->name_len = strlen(name);
	var->value = NULL;
	var->rows = NULL;
	var->n_rows = 0;
	var->kind = kind;
	vars->n++;
	return var;
}

static enum err set_var(struct tmpl_vars *vars, const char *name,
			const char *value, enum tmpl_kind kind)
{
	struct tmpl_var *var;
	char *v;

	if (!(v = strdup(value)))
		return ERR_NOMEM;
	if (!(var = var_slot(vars, name, kind))) {
		free(v);
		return vars->n == TMPL_VARS_MAX ? ERR_TOOBIG : ERR_NOMEM;
	}
	var->value = v;
	return ERR_OK;
}

enum err tmpl_set(struct tmpl_vars *vars, const char *name, const char *text)
{
	return set_var(vars, name, text, TMPL_TEXT);
}

enum err tmpl_set_html(struct tmpl_vars *vars, const char *name,
		       const char *html)
{
	return set_var(vars, name, html, TMPL_HTML);
}

enum err tmpl_setf(struct tmpl_vars *vars, const char *name,
		   const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	enum err e;

	buf_init(&b);
	va_start(ap, fmt);
	e = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!e)
		e = set_var(vars, name, b.data ? b.data : "", TMPL_TEXT);
	buf_cleanup(&b);
	return e;
}

static const struct tmpl_var *find_var(const struct tmpl_vars *vars,
				       const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < vars->n; i++)
		if (vars->v[i].name_len == n &&
		    !memcmp(vars->v[i].name, name, n))
			return &vars->v[i];
	return NULL;
}

enum err tmpl_list(struct tmpl_vars *vars, const char *name)
{
	if (!var_slot(vars, name, TMPL_LIST))
		return vars->n == TMPL_VARS_MAX ? ERR_TOOBIG : ERR_NOMEM;
	return ERR_OK;
}

enum err tmpl_row_add(struct tmpl_vars *vars, const char *name,
		      struct tmpl_vars **row)
{
	struct tmpl_var *var;
	struct tmpl_vars **rows;
	enum err e;

	*row = NULL;
	var = (struct tmpl_var *)find_var(vars, name, strlen(name));
	if (!var) {
		if ((e = tmpl_list(vars, name)))
			return e;
		var = &vars->v[vars->n - 1];
	}
	if (var->kind != TMPL_LIST)
		return ERR_INVAL;
	if (var->n_rows == TMPL_ROWS_MAX)
		return ERR_TOOBIG;
	if (!(rows = realloc(var->rows, (var->n_rows + 1) * sizeof(*rows))))
		return ERR_NOMEM;
	var->rows = rows;
	if (!(rows[var->n_rows] = malloc(sizeof(**rows))))
		return ERR_NOMEM;
	tmpl_vars_init(rows[var->n_rows]);
	*row = rows[var->n_rows++];
	return ERR_OK;
}

const char *tmpl_get(const struct tmpl_vars *vars, const char *name)
{
	const struct tmpl_var *v = find_var(vars, name, strlen(name));

	return v ? v->value : NULL;
}

void tmpl_free_all(void)
{
	size_t i;

	for (i = 0; i < n_files; i++) {
		free(files[i].name);
		free(files[i].src);
	}
	n_files = 0;
}

/* Read one template file into files[n_files]. */
static enum err load_file(const char *dir, const char *fname)
{
	struct buf path;
	FILE *f = NULL;
	char *src = NULL, *name = NULL;
	size_t n, base = strlen(fname) - 5;  /* without ".html" */
	enum err e = ERR_OK;

	buf_init(&path);
	if (n_files == TMPL_FILES_MAX)
		return ERR_TOOBIG;
	if ((e = buf_printf(&path, "%s/%s", dir, fname)))
		goto out;
	if (!(f = fopen(path.data, "rb"))) {
		e = ERR_NOTFOUND;
		goto out;
	}
	if (!(src = malloc(TMPL_FILE_MAX + 1)) || !(name = strndup(fname, base))) {
		e = ERR_NOMEM;
		goto out;
	}
	n = fread(src, 1, TMPL_FILE_MAX + 1, f);
	if (n > TMPL_FILE_MAX) {
		e = ERR_TOOBIG;
		goto out;
	}
	src[n] = '\0';
	files[n_files].name = name;
	files[n_files].name_len = base;
	files[n_files].src = src;
	files[n_files].len = n;
	n_files++;
	name = src = NULL;
out:
	if (f)
		fclose(f);
	free(src);
	free(name);
	buf_cleanup(&path);
	return e;
}

enum err tmpl_load_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t len;
	enum err e = ERR_OK;

	if (!d)
		return ERR_NOTFOUND;
	tmpl_free_all();
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".html"))
			continue;
		if ((e = load_file(dir, de->d_name))) {
			log_msg("error", "template %s/%s: %s", dir, de->d_name,
				err_name(e));
			break;
		}
	}
	closedir(d);
	return e;
}

static const struct tmpl_file *find_file(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < n_files; i++)
		if (files[i].name_len == n && !memcmp(files[i].name, name, n))
			return &files[i];
	return NULL;
}

/* The first "cc" (two equal bytes, "{{" or "}}") in p[0..n), or NULL. */
static const char *find_pair(const char *p, size_t n, char c)
{
	const char *q;

	while (n >= 2 && (q = memchr(p, c, n - 1))) {
		if (q[1] == c)
			return q;
		n -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	return NULL;
}

/* Copy a key of n bytes into a NUL-terminated scratch buffer. */
static int key_copy(char *dst, size_t cap, const char *src, size_t n)
{
	if (n == 0 || n >= cap)
		return 0;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 1;
}

/* Append <tag lang="..">key in lang</tag>, lang one language. */
static enum err put_one(struct buf *out, const char *key, enum lang lang,
			const char *tag)
{
	enum err e;

	if ((e = buf_putc(out, '<')) || (e = buf_puts(out, tag)) ||
	    (e = buf_puts(out, " lang=\"")) ||
	    (e = buf_puts(out, i18n_code(lang))) || (e = buf_puts(out, "\">")) ||
	    (e = i18n_put_html(out, key, lang)) ||
	    (e = buf_puts(out, "</")) || (e = buf_puts(out, tag)))
		return e;
	return buf_putc(out, '>');
}

enum err tmpl_put_bilingual(struct buf *out, const char *key, enum lang lang,
			    const char *tag)
{
	int para = !strcmp(tag, "p");
	enum err e;

	if (lang != LANG_BOTH)
		return put_one(out, key, lang, tag);
	/* Side by side: Korean first (left), English second (right). */
	if ((e = buf_puts(out, para ? "<div class=\"both\">" :
			  "<span class=\"both\">")) ||
	    (e = put_one(out, key, LANG_KO, tag)) ||
	    (!para && (e = buf_puts(out, " / "))) ||
	    (e = put_one(out, key, LANG_EN, tag)))
		return e;
	return buf_puts(out, para ? "</div>" : "</span>");
}

/* Set name to the markup o holds once put succeeded (e), freeing o. */
static enum err set_built(struct tmpl_vars *vars, const char *name,
			  struct buf *o, enum err e)
{
	if (!e)
		e = set_var(vars, name, o->data ? o->data : "", TMPL_HTML);
	buf_cleanup(o);
	return e;
}

enum err tmpl_set_i18n(struct tmpl_vars *vars, const char *name,
		       const char *key, enum lang lang)
{
	struct buf o;

	buf_init(&o);
	return set_built(vars, name, &o, i18n_put_html(&o, key, lang));
}

enum err tmpl_set_bilingual(struct tmpl_vars *vars, const char *name,
			    const char *key, enum lang lang, const char *tag)
{
	struct buf o;

	buf_init(&o);
	return set_built(vars, name, &o, tmpl_put_bilingual(&o, key, lang, tag));
}

/* Whether src[i..n) starts with the tag {{<c>name}} (c one of "#^* /"). */
static int tag_at(const char *src, size_t n, size_t i, const char *cs,
		  const char *name, size_t nl)
{
	return i + 5 + nl <= n && src[i] == '{' && src[i + 1] == '{' &&
		strchr(cs, src[i + 2]) && src[i + 2] &&
		!memcmp(src + i + 3, name, nl) &&
		src[i + 3 + nl] == '}' && src[i + 4 + nl] == '}';
}

/*
 * Find the {{/name}} that closes a block opened just before src[0], given
 * the name. Blocks of the same name nest ({{#rows}}<ul>{{*rows}}...
 * {{/rows}}</ul>{{/rows}}). Returns the offset of the closing tag, or -1.
 */
static long find_close(const char *src, size_t n, const char *name, size_t nl)
{
	size_t i, open = 0;

	for (i = 0; i + 5 + nl <= n; i++)
		if (tag_at(src, n, i, "#^*", name, nl))
			open++;
		else if (tag_at(src, n, i, "/", name, nl) && open-- == 0)
			return (long)i;
	return -1;
}

/*
 * The variables a render sees: a row of a list section, then the variables
 * around the section, out to the caller's.
 */
struct scope {
	const struct tmpl_vars *vars;
	const struct scope     *up;
};

/* name[0..n) in the innermost scope that sets it, or NULL. */
static const struct tmpl_var *scope_find(const struct scope *sc,
					 const char *name, size_t n)
{
	const struct tmpl_var *v;

	for (; sc; sc = sc->up)
		if ((v = find_var(sc->vars, name, n)))
			return v;
	return NULL;
}

static const char *const kind_names[] = {
	[TMPL_TEXT] = "text", [TMPL_HTML] = "HTML", [TMPL_LIST] = "a list",
};

/*
 * The variable named name[0..nl) for a tag that wants kind (a {{name}},
 * {{{name}}} or {{*name}}), or NULL after a log line naming template tname
 * when it is unset or set as another kind: markup printed escaped would
 * show its tags, text printed raw would be an injection.
 */
static const struct tmpl_var *var_for(const struct scope *sc,
				      const char *name, size_t nl,
				      enum tmpl_kind kind, const char *tname)
{
	static const char *const tags[][2] = {
		[TMPL_TEXT] = { "{{", "}}" }, [TMPL_HTML] = { "{{{", "}}}" },
		[TMPL_LIST] = { "{{*", "}}" },
	};
	const struct tmpl_var *v = scope_find(sc, name, nl);

	if (!v)
		log_msg("error", "template %s: unset %s%.*s%s", tname,
			tags[kind][0], (int)nl, name, tags[kind][1]);
	else if (v->kind != kind)
		log_msg("error", "template %s: %.*s is set as %s but used as "
			"%s%.*s%s", tname, (int)nl, name, kind_names[v->kind],
			tags[kind][0], (int)nl, name, tags[kind][1]);
	else
		return v;
	return NULL;
}

static enum err render(const char *src, size_t n, const struct scope *sc,
		       enum lang lang, struct buf *out, int depth,
		       const char *tname)
{
	size_t i = 0, tag_end, nl, r;
	const char *open, *close, *name;
	const struct tmpl_var *v;
	const struct tmpl_file *f;
	struct scope row;
	char key[128];
	long end;
	int truthy;
	enum err e;

	if (depth > TMPL_DEPTH_MAX)
		return ERR_INTERNAL;
	while (i < n) {
		open = find_pair(src + i, n - i, '{');
		if (!open)
			return buf_append(out, src + i, n - i);
		if ((e = buf_append(out, src + i, (size_t)(open - (src + i)))))
			return e;
		close = find_pair(open + 2, n - (size_t)(open + 2 - src), '}');
		if (!close) {
			log_msg("error", "template %s: unclosed {{", tname);
			return ERR_INTERNAL;
		}
		tag_end = (size_t)(close + 2 - src);
		name = open + 2;
		nl = (size_t)(close - name);
		if (nl && *name == '{') {
			/* {{{name}}}: the "}}" found is the first two of "}}}" */
			if (tag_end >= n || src[tag_end] != '}') {
				log_msg("error", "template %s: unclosed {{{",
					tname);
				return ERR_INTERNAL;
			}
			tag_end++;
		}
		switch (nl ? *name : '\0') {
		case '#':
		case '^':
		case '*':
			end = find_close(src + tag_end, n - tag_end, name + 1, nl - 1);
			if (end < 0) {
				log_msg("error", "template %s: unclosed {{%.*s}}",
					tname, (int)nl, name);
				return ERR_INTERNAL;
			}
			if (*name == '*') {
				if (!(v = var_for(sc, name + 1, nl - 1,
						  TMPL_LIST, tname)))
					return ERR_INTERNAL;
				row.up = sc;
				for (r = 0; r < v->n_rows; r++) {
					row.vars = v->rows[r];
					if ((e = render(src + tag_end, (size_t)end,
							&row, lang, out,
							depth + 1, tname)))
						return e;
				}
			} else {
				v = scope_find(sc, name + 1, nl - 1);
				truthy = v && (v->kind == TMPL_LIST ?
					       v->n_rows > 0 : v->value[0]);
				if (truthy == (*name == '#') &&
				    (e = render(src + tag_end, (size_t)end, sc,
						lang, out, depth + 1, tname)))
					return e;
			}
			i = tag_end + (size_t)end + nl + 4;
			continue;
		case '@':
			if (!key_copy(key, sizeof(key), name + 1, nl - 1))
				return ERR_INTERNAL;
			if ((e = i18n_put_html(out, key, lang)))
				return e;
			break;
		case '%':
			if (!key_copy(key, sizeof(key), name + 1, nl - 1))
				return ERR_INTERNAL;
			if ((e = tmpl_put_bilingual(out, key, lang, "p")))
				return e;
			break;
		case '>':
			if (!(f = find_file(name + 1, nl - 1))) {
				log_msg("error", "template %s: no partial %.*s",
					tname, (int)nl - 1, name + 1);
				return ERR_INTERNAL;
			}
			if ((e = render(f->src, f->len, sc, lang, out,
					depth + 1, f->name)))
				return e;
			break;
		case '{':
			if (!(v = var_for(sc, name + 1, nl - 1, TMPL_HTML, tname)))
				return ERR_INTERNAL;
			if ((e = buf_puts(out, v->value)))
				return e;
			break;
		default:
			if (!(v = var_for(sc, name, nl, TMPL_TEXT, tname)))
				return ERR_INTERNAL;
			if ((e = buf_put_html(out, v->value, strlen(v->value))))
				return e;
		}
		i = tag_end;
	}
	return ERR_OK;
}

enum err tmpl_render_string(const char *src, size_t n,
			    const struct tmpl_vars *vars, enum lang lang,
			    struct buf *out)
{
	struct scope sc = { vars, NULL };

	return render(src, n, &sc, lang, out, 0, "(string)");
}

enum err tmpl_render(const char *name, const struct tmpl_vars *vars,
		     enum lang lang, struct buf *out)
{
	const struct tmpl_file *f = find_file(name, strlen(name));
	struct scope sc = { vars, NULL };

	if (!f) {
		log_msg("error", "template: no %s", name);
		return ERR_NOTFOUND;
	}
	return render(f->src, f->len, &sc, lang, out, 0, f->name);
}
