/*
 * keys.c - secret key files. See keys.h.
 */
#include "base/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"

enum err keys_write_new(const char *dir, const char *name, const void *p,
			size_t len)
{
	struct buf path;
	int fd = -1;
	enum err e = ERR_OK;

	buf_init(&path);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_msg("error", "mkdir %s: %s", dir, strerror(errno));
		return ERR_INTERNAL;
	}
	if ((e = buf_printf(&path, "%s/%s", dir, name)))
		goto out;
	fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		if (errno != EEXIST) {
			log_msg("error", "create %s: %s", path.data,
				strerror(errno));
			e = ERR_INTERNAL;
		}
		goto out;
	}
	if (write(fd, p, len) != (ssize_t)len || fsync(fd) != 0) {
		log_msg("error", "write %s: %s", path.data, strerror(errno));
		unlink(path.data);
		e = ERR_INTERNAL;
		goto out;
	}
	log_msg("info", "created key %s", path.data);
out:
	if (fd >= 0)
		close(fd);
	buf_cleanup(&path);
	return e;
}

enum err keys_create(const char *dir, const char *name, size_t len)
{
	unsigned char key[256];
	enum err e;

	if (len > sizeof(key))
		return ERR_INVAL;
	randombytes_buf(key, len);
	e = keys_write_new(dir, name, key, len);
	sodium_memzero(key, sizeof(key));
	return e;
}

/*
 * open_key: open dir/name for reading into *fd and stat it into *st; the
 * path is left in path for the caller's log lines. ERR_NOTFOUND when it
 * cannot be opened, ERR_INVAL when group or others may read it (or fstat
 * fails). *fd is -1 on failure.
 */
static enum err open_key(const char *dir, const char *name, struct buf *path,
			 int *fd, struct stat *st)
{
	enum err e;

	*fd = -1;
	if ((e = buf_printf(path, "%s/%s", dir, name)))
		return e;
	if ((*fd = open(path->data, O_RDONLY)) < 0) {
		log_msg("error", "key %s: %s", path->data, strerror(errno));
		return ERR_NOTFOUND;
	}
	if (fstat(*fd, st) != 0 || (st->st_mode & 077)) {
		log_msg("error", "key %s: want mode 0600", path->data);
		close(*fd);
		*fd = -1;
		return ERR_INVAL;
	}
	return ERR_OK;
}

enum err keys_load(const char *dir, const char *name, unsigned char *out,
		   size_t len)
{
	struct buf path;
	struct stat st;
	int fd = -1;
	enum err e;

	buf_init(&path);
	sodium_memzero(out, len);
	if ((e = open_key(dir, name, &path, &fd, &st)))
		goto out;
	if ((size_t)st.st_size != len) {
		log_msg("error", "key %s: want %zu bytes", path.data, len);
		e = ERR_INVAL;
		goto out;
	}
	if (read(fd, out, len) != (ssize_t)len) {
		sodium_memzero(out, len);
		e = ERR_INVAL;
	}
out:
	if (fd >= 0)
		close(fd);
	buf_cleanup(&path);
	return e;
}

enum err keys_read(const char *dir, const char *name, size_t max, char **out,
		   size_t *len)
{
	struct buf path;
	struct stat st;
	char *p = NULL;
	int fd = -1;
	enum err e;

	*out = NULL;
	*len = 0;
	buf_init(&path);
	if ((e = open_key(dir, name, &path, &fd, &st)))
		goto out;
	if (st.st_size <= 0 || (unsigned long long)st.st_size > max) {
		log_msg("error", "key %s: want at most %zu bytes", path.data,
			max);
		e = ERR_INVAL;
		goto out;
	}
	if (!(p = malloc((size_t)st.st_size + 1))) {
		e = ERR_NOMEM;
		goto out;
	}
	if (read(fd, p, (size_t)st.st_size) != (ssize_t)st.st_size) {
		e = ERR_INVAL;
		goto out;
	}
	p[st.st_size] = '\0';
	*out = p;
	*len = (size_t)st.st_size;
	p = NULL;
out:
	free(p);
	if (fd >= 0)
		close(fd);
	buf_cleanup(&path);
	return e;
}
