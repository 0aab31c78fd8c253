/*
 * test_keys.c - secret key files (base/keys): a created key is 0600 and
 * loads back; an existing file is left alone; a missing file, a wrong size
 * and a file readable by others are refused; keys_read's size bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "base/keys.h"
#include "unit.h"

/* A fresh temporary folder per test; the keys dir is <tmp>/keys. */
struct tmp {
	char root[64];
	char dir[80];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	snprintf(t->root, sizeof(t->root), "/tmp/test_keys.XXXXXX");
	if (!mkdtemp(t->root)) {
		free(t);
		return -1;
	}
	snprintf(t->dir, sizeof(t->dir), "%s/keys", t->root);
	*state = t;
	return 0;
}

/* path_of: dir/name into out. */
static const char *path_of(const char *dir, const char *name, char *out,
			   size_t cap)
{
	snprintf(out, cap, "%s/%s", dir, name);
	return out;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	static const char *const names[] = { "a", "b", "pem", "big", NULL };
	char p[160];
	size_t i;

	for (i = 0; names[i]; i++)
		unlink(path_of(t->dir, names[i], p, sizeof(p)));
	rmdir(t->dir);
	rmdir(t->root);
	free(t);
	return 0;
}

/* put_file: write len bytes of p to dir/name with the given mode. */
static void put_file(const char *dir, const char *name, const void *p,
		     size_t len, mode_t mode)
{
	char path[160];
	FILE *f;

	mkdir(dir, 0700);
	path_of(dir, name, path, sizeof(path));
	unlink(path);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_create_then_load(void **state)
{
	struct tmp *t = *state;
	unsigned char k1[KEYS_SECRET_BYTES], k2[KEYS_SECRET_BYTES];
	unsigned char zero[KEYS_SECRET_BYTES] = { 0 };
	char path[160];
	struct stat st;

	assert_int_equal(keys_create(t->dir, "a", KEYS_SECRET_BYTES), ERR_OK);
	assert_int_equal(stat(t->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path_of(t->dir, "a", path, sizeof(path)), &st),
			 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, KEYS_SECRET_BYTES);
	assert_int_equal(keys_load(t->dir, "a", k1, sizeof(k1)), ERR_OK);
	assert_memory_not_equal(k1, zero, sizeof(k1));

	/* An existing key is left alone. */
	assert_int_equal(keys_create(t->dir, "a", KEYS_SECRET_BYTES), ERR_OK);
	assert_int_equal(keys_load(t->dir, "a", k2, sizeof(k2)), ERR_OK);
	assert_memory_equal(k1, k2, sizeof(k1));

	/* Longer than the scratch key: refused before anything is made. */
	assert_int_equal(keys_create(t->dir, "b", 257), ERR_INVAL);
	assert_int_equal(access(path_of(t->dir, "b", path, sizeof(path)), F_OK),
			 -1);
}

static void test_write_new(void **state)
{
	struct tmp *t = *state;
	char *out = NULL;
	size_t len = 0;
	char path[160];
	struct stat st;

	assert_int_equal(keys_write_new(t->dir, "pem", "hello", 5), ERR_OK);
	assert_int_equal(stat(path_of(t->dir, "pem", path, sizeof(path)), &st),
			 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* O_EXCL: the second write leaves the first text. */
	assert_int_equal(keys_write_new(t->dir, "pem", "other", 5), ERR_OK);
	assert_int_equal(keys_read(t->dir, "pem", 64, &out, &len), ERR_OK);
	assert_int_equal(len, 5);
	assert_string_equal(out, "hello");
	free(out);
}

static void test_load_refusals(void **state)
{
	struct tmp *t = *state;
	unsigned char k[KEYS_SECRET_BYTES];
	unsigned char zero[KEYS_SECRET_BYTES] = { 0 };
	unsigned char bytes[KEYS_SECRET_BYTES + 1];

	memset(bytes, 7, sizeof(bytes));
	memset(k, 1, sizeof(k));
	assert_int_equal(keys_load(t->dir, "a", k, sizeof(k)), ERR_NOTFOUND);
	assert_memory_equal(k, zero, sizeof(k));

	/* Short and long files. */
	put_file(t->dir, "a", bytes, KEYS_SECRET_BYTES - 1, 0600);
	memset(k, 1, sizeof(k));
	assert_int_equal(keys_load(t->dir, "a", k, sizeof(k)), ERR_INVAL);
	assert_memory_equal(k, zero, sizeof(k));
	put_file(t->dir, "a", bytes, KEYS_SECRET_BYTES + 1, 0600);
	assert_int_equal(keys_load(t->dir, "a", k, sizeof(k)), ERR_INVAL);

	/* The right size, but readable by the group or by others. */
	put_file(t->dir, "a", bytes, KEYS_SECRET_BYTES, 0640);
	memset(k, 1, sizeof(k));
	assert_int_equal(keys_load(t->dir, "a", k, sizeof(k)), ERR_INVAL);
	assert_memory_equal(k, zero, sizeof(k));
	put_file(t->dir, "a", bytes, KEYS_SECRET_BYTES, 0604);
	assert_int_equal(keys_load(t->dir, "a", k, sizeof(k)), ERR_INVAL);

	/* And right. */
	put_file(t->dir, "a", bytes, KEYS_SECRET_BYTES, 0600);
	assert_int_equal(keys_load(t->dir, "a", k, sizeof(k)), ERR_OK);
	assert_memory_equal(k, bytes, sizeof(k));
}

static void test_read_refusals(void **state)
{
	struct tmp *t = *state;
	char *out = (char *)1;
	size_t len = 9;

	assert_int_equal(keys_read(t->dir, "pem", 64, &out, &len),
			 ERR_NOTFOUND);
	assert_null(out);
	assert_int_equal(len, 0);

	put_file(t->dir, "pem", "", 0, 0600);
	assert_int_equal(keys_read(t->dir, "pem", 64, &out, &len), ERR_INVAL);
	assert_null(out);

	put_file(t->dir, "big", "0123456789", 10, 0600);
	assert_int_equal(keys_read(t->dir, "big", 9, &out, &len), ERR_INVAL);
	assert_null(out);
	assert_int_equal(keys_read(t->dir, "big", 10, &out, &len), ERR_OK);
	assert_int_equal(len, 10);
	assert_string_equal(out, "0123456789");
	free(out);

	put_file(t->dir, "big", "0123456789", 10, 0644);
	assert_int_equal(keys_read(t->dir, "big", 64, &out, &len), ERR_INVAL);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_then_load,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_write_new, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_refusals, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(test_read_refusals, tmp_setup,
						tmp_teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
