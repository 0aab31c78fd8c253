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

void tmpl_vars_cleanup(struct tmpl_vars *vars)
{
	size_t i;

	for (i = 0; i < vars->n; i++) {
		free(vars->v[i].name);
		free(vars->v[i].value);
	}
	vars->n = 0;
}

static enum err set_var(struct tmpl_vars *vars, const char *name,
			const char *value, int is_html)
{
	char *v;
	size_t i;

	if (!(v = strdup(value)))
		return ERR_NOMEM;
	for (i = 0; i < vars->n; i++)
		if (!strcmp(vars->v[i].name, name)) {
			free(vars->v[i].value);
			vars->v[i].value = v;
			vars->v[i].is_html = is_html;
			return ERR_OK;
		}
	if (vars->n == TMPL_VARS_MAX) {
		free(v);
		return ERR_TOOBIG;
	}
	if (!(vars->v[vars->n].name = strdup(name))) {
		free(v);
		return ERR_NOMEM;
	}
	vars->v[vars->n].name_len = strlen(name);
	vars->v[vars->n].value = v;
	vars->v[vars->n].is_html = is_html;
	vars->n++;
	return ERR_OK;
}

enum err tmpl_set(struct tmpl_vars *vars, const char *name, const char *text)
{
	return set_var(vars, name, text, 0);
}

enum err tmpl_set_html(struct tmpl_vars *vars, const char *name,
		       const char *html)
{
	return set_var(vars, name, html, 1);
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
		e = set_var(vars, name, b.data ? b.data : "", 0);
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

enum err tmpl_put_bilingual(struct buf *out, const char *key, enum lang lang,
			    const char *tag)
{
	enum lang other = lang == LANG_KO ? LANG_EN : LANG_KO;
	enum err e;

	if ((e = buf_putc(out, '<')) || (e = buf_puts(out, tag)) ||
	    (e = buf_puts(out, " lang=\"")) ||
	    (e = buf_puts(out, i18n_code(lang))) || (e = buf_puts(out, "\">")) ||
	    (e = i18n_put_html(out, key, lang)) ||
	    (e = buf_puts(out, "</")) || (e = buf_puts(out, tag)) ||
	    (e = buf_puts(out, "> <")) || (e = buf_puts(out, tag)) ||
	    (e = buf_puts(out, " lang=\"")) ||
	    (e = buf_puts(out, i18n_code(other))) ||
	    (e = buf_puts(out, "\" class=\"alt\">")) ||
	    (e = i18n_put_html(out, key, other)) ||
	    (e = buf_puts(out, "</")) || (e = buf_puts(out, tag)))
		return e;
	return buf_putc(out, '>');
}

/*
 * Find the {{/name}} that closes a block opened just before src[0], given
 * the name. Blocks of the same name do not nest. Returns the offset of the
 * closing tag, or -1.
 */
static long find_close(const char *src, size_t n, const char *name, size_t nl)
{
	size_t i;

	for (i = 0; i + 4 + nl <= n; i++)
		if (src[i] == '{' && src[i + 1] == '{' && src[i + 2] == '/' &&
		    !memcmp(src + i + 3, name, nl) &&
		    i + 3 + nl + 2 <= n &&
		    src[i + 3 + nl] == '}' && src[i + 4 + nl] == '}')
			return (long)i;
	return -1;
}

/*
 * The variable named name[0..nl) for a {{name}} (raw 0) or {{{name}}}
 * (raw 1) tag, or NULL after a log line naming template tname when it is
 * unset or set as the other kind: markup printed escaped would show its
 * tags, text printed raw would be an injection.
 */
static const struct tmpl_var *var_for(const struct tmpl_vars *vars,
				      const char *name, size_t nl, int raw,
				      const char *tname)
{
	const struct tmpl_var *v = find_var(vars, name, nl);

	if (!v)
		log_msg("error", "template %s: unset %s%.*s%s", tname,
			raw ? "{{{" : "{{", (int)nl, name, raw ? "}}}" : "}}");
	else if (v->is_html != raw)
		log_msg("error", "template %s: %.*s is set as %s but printed "
			"%s", tname, (int)nl, name, v->is_html ? "HTML" : "text",
			raw ? "raw {{{...}}}" : "escaped {{...}}");
	else
		return v;
	return NULL;
}

static enum err render(const char *src, size_t n, const struct tmpl_vars *vars,
		       enum lang lang, struct buf *out, int depth,
		       const char *tname)
{
	size_t i = 0, tag_end, nl;
	const char *open, *close, *name;
	const struct tmpl_var *v;
	const struct tmpl_file *f;
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
				log_msg("error", "template %s: unclosed {{{", tname);
				return ERR_INTERNAL;
			}
			tag_end++;
		}
		switch (nl ? *name : '\0') {
		case '#':
		case '^':
			v = find_var(vars, name + 1, nl - 1);
			truthy = v && v->value[0];
			end = find_close(src + tag_end, n - tag_end, name + 1, nl - 1);
			if (end < 0) {
				log_msg("error", "template %s: unclosed {{%.*s}}",
					tname, (int)nl, name);
				return ERR_INTERNAL;
			}
			if (truthy == (*name == '#') &&
			    (e = render(src + tag_end, (size_t)end, vars, lang,
					out, depth + 1, tname)))
				return e;
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
			if ((e = render(f->src, f->len, vars, lang, out,
					depth + 1, f->name)))
				return e;
			break;
		case '{':
			if (!(v = var_for(vars, name + 1, nl - 1, 1, tname)))
				return ERR_INTERNAL;
			if ((e = buf_puts(out, v->value)))
				return e;
			break;
		default:
			if (!(v = var_for(vars, name, nl, 0, tname)))
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
	return render(src, n, vars, lang, out, 0, "(string)");
}

enum err tmpl_render(const char *name, const struct tmpl_vars *vars,
		     enum lang lang, struct buf *out)
{
	const struct tmpl_file *f = find_file(name, strlen(name));

	if (!f) {
		log_msg("error", "template: no %s", name);
		return ERR_NOTFOUND;
	}
	return render(f->src, f->len, vars, lang, out, 0, f->name);
}
