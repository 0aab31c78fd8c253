/*
 * signup.c - the signup wizard's state rules. See signup.h.
 */
#include "lessons/signup.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/config.h"

#define KEY_SIGNUP "signup"
#define KEY_INBOX  "signup_inbox"
#define KEY_DONE   "signup_done"
#define CODE_HASH_HEX (2 * crypto_generichash_BYTES + 1)

long long signup_code_ttl(void)
{
	return config_long("SIGNUP_CODE_SECONDS", SIGNUP_CODE_TTL, 1, 3600);
}

const char *signup_get(const json_t *data, const char *name)
{
	return json_string_value(json_object_get(json_object_get(data,
								 KEY_SIGNUP),
						 name));
}

enum signup_step signup_first_incomplete(const json_t *data)
{
	const json_t *st = json_object_get(data, KEY_SIGNUP);

	if (!json_is_string(json_object_get(st, "username")) ||
	    !json_is_string(json_object_get(st, "email")) ||
	    !json_is_string(json_object_get(st, "password_hash")) ||
	    !json_is_integer(json_object_get(st, "details_at")))
		return SIGNUP_DETAILS;
	if (!json_is_integer(json_object_get(st, "verified_at")))
		return SIGNUP_VERIFY;
	return SIGNUP_AGREE;
}

const char *signup_step_path(enum signup_step step)
{
	switch (step) {
	case SIGNUP_VERIFY: return "/signup/verify";
	case SIGNUP_AGREE:  return "/signup/agree";
	case SIGNUP_DETAILS: break;
	}
	return "/signup/details";
}

int signup_code_valid_format(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; s[i]; i++)
		if (i == SIGNUP_CODE_DIGITS || s[i] < '0' || s[i] > '9')
			return 0;
	return i == SIGNUP_CODE_DIGITS;
}

/* BLAKE2b of the code, as hex. */
static void code_hash(const char *code, char out[CODE_HASH_HEX])
{
	unsigned char h[crypto_generichash_BYTES];

	crypto_generichash(h, sizeof(h), (const unsigned char *)code,
			   strlen(code), NULL, 0);
	sodium_bin2hex(out, CODE_HASH_HEX, h, sizeof(h));
}

/* data.signup, created when absent. */
static json_t *state_object(json_t *data)
{
	json_t *st = json_object_get(data, KEY_SIGNUP);

	if (json_is_object(st))
		return st;
	st = json_object();
	if (!st || json_object_set_new(data, KEY_SIGNUP, st))
		return NULL;
	return st;
}

/* Issue a new code into st and the inbox of data. */
static enum err issue_code(json_t *data, json_t *st, long long now)
{
	char code[SIGNUP_CODE_DIGITS + 1], hash[CODE_HASH_HEX];
	json_t *inbox = json_object_get(data, KEY_INBOX), *msg, *rec;
	json_int_t sent = json_integer_value(json_object_get(st,
							     "codes_sent"));

	if (sent >= SIGNUP_CODES_MAX)
		return ERR_THROTTLED;
	if (json_object_set_new(st, "codes_sent", json_integer(sent + 1)))
		return ERR_NOMEM;
	snprintf(code, sizeof(code), "%06u",
		 (unsigned)randombytes_uniform(1000000));
	code_hash(code, hash);
	rec = json_pack("{s:s, s:I, s:i, s:I}", "hash", hash, "expires",
			(json_int_t)(now + signup_code_ttl()), "attempts", 0,
			"sent", (json_int_t)now);
	if (!rec || json_object_set_new(st, "code", rec))
		return ERR_NOMEM;
	if (!json_is_array(inbox)) {
		inbox = json_array();
		if (!inbox || json_object_set_new(data, KEY_INBOX, inbox))
			return ERR_NOMEM;
	}
	msg = json_pack("{s:I, s:O, s:s}", "at", (json_int_t)now, "to",
			json_object_get(st, "email"), "code", code);
	if (!msg || json_array_insert_new(inbox, 0, msg))
		return ERR_NOMEM;
	while (json_array_size(inbox) > SIGNUP_INBOX_MAX)
		json_array_remove(inbox, SIGNUP_INBOX_MAX);
	sodium_memzero(code, sizeof(code));
	return ERR_OK;
}

struct details_arg {
	const char *username, *email, *hash;
	long long   now;
};

static enum err details_apply(json_t *data, void *arg)
{
	const struct details_arg *a = arg;
	json_t *st = state_object(data);
	const char *old_email;
	int email_changed;

	if (!st)
		return ERR_NOMEM;
	if (!a->hash && !json_is_string(json_object_get(st, "password_hash")))
		return ERR_INVAL;
	old_email = json_string_value(json_object_get(st, "email"));
	email_changed = !old_email || strcmp(old_email, a->email);
	if (json_object_set_new(st, "username", json_string(a->username)) ||
	    json_object_set_new(st, "email", json_string(a->email)) ||
	    (a->hash && json_object_set_new(st, "password_hash",
					    json_string(a->hash))) ||
	    json_object_set_new(st, "details_at", json_integer(a->now)))
		return ERR_NOMEM;
	if (email_changed || !json_is_object(json_object_get(st, "code"))) {
		if (!json_is_integer(json_object_get(st, "verified_at")) ||
		    email_changed) {
			json_object_del(st, "verified_at");
			return issue_code(data, st, a->now);
		}
	}
	return ERR_OK;
}

enum err signup_save_details(struct db *db, struct session *s,
			     const char *username, const char *email,
			     const char *password_hash, long long now)
{
	struct details_arg a = { username, email, password_hash, now };

	return session_update(db, s, details_apply, &a);
}

static enum err send_apply(json_t *data, void *arg)
{
	const long long *now = arg;
	json_t *st = json_object_get(data, KEY_SIGNUP);

	if (signup_first_incomplete(data) != SIGNUP_VERIFY)
		return ERR_INVAL;
	return issue_code(data, st, *now);
}

enum err signup_send_code(struct db *db, struct session *s, long long now)
{
	return session_update(db, s, send_apply, &now);
}

struct check_arg {
	const char             *code;
	long long               now;
	enum signup_code_result result;
};

static enum err check_apply(json_t *data, void *arg)
{
	struct check_arg *a = arg;
	json_t *st = json_object_get(data, KEY_SIGNUP);
	json_t *code = json_object_get(st, "code");
	const char *want = json_string_value(json_object_get(code, "hash"));
	char got[CODE_HASH_HEX];
	json_int_t attempts = json_integer_value(json_object_get(code,
								 "attempts"));

	if (!json_is_object(code) || !want || strlen(want) != CODE_HASH_HEX - 1) {
		a->result = SIGNUP_CODE_NONE;
		return ERR_OK;
	}
	if (attempts >= SIGNUP_CODE_ATTEMPTS) {
		a->result = SIGNUP_CODE_LOCKED;
		return ERR_OK;
	}
	if (a->now >= json_integer_value(json_object_get(code, "expires"))) {
		a->result = SIGNUP_CODE_EXPIRED;
		return ERR_OK;
	}
	code_hash(a->code, got);
	if (sodium_memcmp(got, want, CODE_HASH_HEX - 1)) {
		a->result = SIGNUP_CODE_WRONG;
		return json_object_set_new(code, "attempts",
					   json_integer(attempts + 1)) ?
			ERR_NOMEM : ERR_OK;
	}
	a->result = SIGNUP_CODE_OK;
	json_object_del(st, "code");
	return json_object_set_new(st, "verified_at", json_integer(a->now)) ?
		ERR_NOMEM : ERR_OK;
}

enum err signup_check_code(struct db *db, struct session *s,
			   const char *code, long long now,
			   enum signup_code_result *result)
{
	struct check_arg a = { code, now, SIGNUP_CODE_NONE };
	enum err e = session_update(db, s, check_apply, &a);

	*result = a.result;
	return e;
}

void signup_code_state(const json_t *data, int *attempts_left,
		       long long *expires)
{
	const json_t *code = json_object_get(json_object_get(data, KEY_SIGNUP),
					     "code");
	json_int_t used = json_integer_value(json_object_get(code,
							     "attempts"));

	*attempts_left = 0;
	*expires = 0;
	if (!json_is_object(code))
		return;
	*attempts_left = used >= SIGNUP_CODE_ATTEMPTS ? 0 :
		SIGNUP_CODE_ATTEMPTS - (int)used;
	*expires = json_integer_value(json_object_get(code, "expires"));
}

struct finish_arg {
	const char *username;
	long long   now;
};

static enum err finish_apply(json_t *data, void *arg)
{
	const struct finish_arg *a = arg;
	json_t *done;

	json_object_del(data, KEY_SIGNUP);
	json_object_del(data, KEY_INBOX);
	if (!a)
		return ERR_OK;
	done = json_pack("{s:s, s:I}", "username", a->username, "at",
			 (json_int_t)a->now);
	if (!done || json_object_set_new(data, KEY_DONE, done))
		return ERR_NOMEM;
	return ERR_OK;
}

enum err signup_finish_clear(struct db *db, struct session *s,
			     const char *username, long long now)
{
	struct finish_arg a = { username, now };

	return session_update(db, s, finish_apply, &a);
}

enum err signup_abandon(struct db *db, struct session *s)
{
	return session_update(db, s, finish_apply, NULL);
}
