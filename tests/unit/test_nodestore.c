/*
 * test_nodestore.c - S-X3 node-local sessions: create and find, IDs of
 * the session shape only, the hash kept (never the ID), removal, and the
 * oldest dropped when the store is full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "lessons/nodestore.h"
#include "unit.h"

/* 1 when the n bytes at p hold the string id anywhere. */
static int holds(const void *p, size_t n, const char *id)
{
	size_t i, len = strlen(id);

	for (i = 0; i + len <= n; i++)
		if (!memcmp((const char *)p + i, id, len))
			return 1;
	return 0;
}

static void test_create_find_remove(void **state)
{
	char id[SESSION_ID_LEN + 1], other[SESSION_ID_LEN + 1];
	unsigned char h[SESSION_HASH_BYTES];
	struct node_session s;

	(void)state;
	nodestore_clear();
	assert_int_equal(nodestore_create("alice", 100, id), ERR_OK);
	assert_true(session_id_valid(id));
	assert_int_equal(nodestore_create("bob", 101, other), ERR_OK);
	assert_string_not_equal(id, other);
	assert_int_equal(nodestore_count(), 2);
	assert_int_equal(nodestore_find(id, &s), 1);
	assert_string_equal(s.user, "alice");
	assert_int_equal(s.created, 100);
	/* the store keeps the ID's hash, not the ID */
	session_id_hash(id, h);
	assert_memory_equal(s.id_hash, h, sizeof(h));
	assert_false(holds(&s, sizeof(s), id));
	nodestore_remove(id);
	assert_int_equal(nodestore_find(id, &s), 0);
	assert_string_equal(s.user, "");
	assert_int_equal(nodestore_find(other, &s), 1);
	assert_int_equal(nodestore_count(), 1);
}

static void test_hostile_ids_and_users(void **state)
{
	static const char *const ids[] = {
		"", "short", "ZuyZY-SmKGbUec_W7qyoGu9vpgT2bLFwkkh9yCCxSI0x",
		"ZuyZY-SmKGbUec_W7qyoGu9vpgT2bLFwkkh9yCCxSI=",
		"ZuyZY-SmKGbUec_W7qyoGu9vpgT2bLFwkkh9yCCxSI'",
	};
	static const char *const users[] = {
		"", "al", "Alice", "alice'--", "<b>",
		"abcdefghijklmnopqrstuvwxyz0123456",
	};
	char id[SESSION_ID_LEN + 1];
	struct node_session s;
	size_t i;

	(void)state;
	nodestore_clear();
	assert_int_equal(nodestore_create("alice", 1, id), ERR_OK);
	for (i = 0; i < NROWS(ids); i++)
		CHECK(nodestore_find(ids[i], &s) == 0, i);
	assert_int_equal(nodestore_find(NULL, &s), 0);
	nodestore_remove(NULL);
	nodestore_remove("short");
	for (i = 0; i < NROWS(users); i++)
		CHECK(nodestore_create(users[i], 1, id) == ERR_INVAL, i);
	assert_int_equal(nodestore_create(NULL, 1, id), ERR_INVAL);
	assert_int_equal(nodestore_count(), 1);
}

static void test_full_store_drops_the_oldest(void **state)
{
	char first[SESSION_ID_LEN + 1], id[SESSION_ID_LEN + 1];
	struct node_session s;
	size_t i;

	(void)state;
	nodestore_clear();
	assert_int_equal(nodestore_create("first", 10, first), ERR_OK);
	for (i = 1; i < NODESTORE_MAX; i++)
		assert_int_equal(nodestore_create("later", 20 + (long long)i,
						  id), ERR_OK);
	assert_int_equal(nodestore_count(), NODESTORE_MAX);
	assert_int_equal(nodestore_find(first, &s), 1);
	assert_int_equal(nodestore_create("newest", 5000, id), ERR_OK);
	assert_int_equal(nodestore_count(), NODESTORE_MAX);
	assert_int_equal(nodestore_find(first, &s), 0);
	assert_int_equal(nodestore_find(id, &s), 1);
	assert_string_equal(s.user, "newest");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_find_remove),
		cmocka_unit_test(test_hostile_ids_and_users),
		cmocka_unit_test(test_full_store_drops_the_oldest),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
