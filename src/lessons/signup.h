/*
 * signup.h - the rules of the three-step signup wizard (S-S6), whose state
 * builds up in the session data:
 *
 *   "signup": {
 *     "username", "email",          step 1, shown again when going back
 *     "password_hash",              Argon2id, made at step 1: the plain
 *                                   password is never stored
 *     "details_at",                 when step 1 was completed
 *     "code": {"hash", "expires", "attempts", "sent"},
 *                                   step 2: BLAKE2b of the 6-digit code
 *     "codes_sent"                  codes sent so far (SIGNUP_CODES_MAX)
 *     "verified_at"                 when step 2 was completed
 *   }
 *   "signup_inbox": [{"at", "to", "code"}]   the demo inbox (/signup/inbox),
 *                                   standing in for the user's mailbox
 *
 * Every change is one session_update (BEGIN IMMEDIATE). Nothing is written
 * to the users table before the last step; abandoning the wizard leaves
 * only this session data, which expires with the session.
 */
#ifndef SIGNUP_H
#define SIGNUP_H

#include <jansson.h>

#include "base/db.h"
#include "base/err.h"
#include "state/session.h"

#define SIGNUP_CODE_DIGITS     6
#define SIGNUP_CODE_TTL      600    /* seconds a code is valid (default) */
#define SIGNUP_CODE_ATTEMPTS   5    /* wrong codes before a new one is due */
#define SIGNUP_INBOX_MAX       5    /* messages kept in the demo inbox */
#define SIGNUP_CODES_MAX      10    /* codes sent per wizard (so that
				       resending cannot buy unlimited
				       guesses); abandoning starts over */

enum signup_step {
	SIGNUP_DETAILS = 1,     /* username, email, password */
	SIGNUP_VERIFY  = 2,     /* the emailed code */
	SIGNUP_AGREE   = 3      /* terms, privacy, marketing; then finish */
};

/* What checking a submitted code found. */
enum signup_code_result {
	SIGNUP_CODE_OK = 0,     /* verified */
	SIGNUP_CODE_WRONG,      /* counted as an attempt */
	SIGNUP_CODE_EXPIRED,    /* past its deadline: request a new one */
	SIGNUP_CODE_LOCKED,     /* SIGNUP_CODE_ATTEMPTS used: new one due */
	SIGNUP_CODE_NONE        /* no code was sent */
};

/* signup_code_ttl: SIGNUP_CODE_SECONDS from the environment (1..3600),
 * else SIGNUP_CODE_TTL. */
long long signup_code_ttl(void);

/* signup_first_incomplete: the first step of the wizard not yet done
 * according to session data. */
enum signup_step signup_first_incomplete(const json_t *data);

/* signup_step_path: the URL of a step ("/signup/details"...). */
const char *signup_step_path(enum signup_step step);

/* signup_get: a string member of data.signup, or NULL. */
const char *signup_get(const json_t *data, const char *name);

/*
 * signup_code_valid_format: 1 when s is exactly SIGNUP_CODE_DIGITS
 * decimal digits.
 */
int signup_code_valid_format(const char *s);

/*
 * signup_save_details: store step 1 (username, email and the Argon2id
 * hash; a NULL hash keeps the one stored before). A changed email, or no
 * code yet, sends a new code to the demo inbox and undoes step 2.
 * ERR_INVAL when hash is NULL and none is stored; ERR_THROTTLED when a
 * code is due but SIGNUP_CODES_MAX were sent (nothing changes).
 */
enum err signup_save_details(struct db *db, struct session *s,
			     const char *username, const char *email,
			     const char *password_hash, long long now);

/*
 * signup_send_code: a fresh random code (attempts 0, deadline now +
 * signup_code_ttl()), its hash in the state and the code itself in the
 * demo inbox. ERR_INVAL unless step 1 is done and step 2 is not;
 * ERR_THROTTLED after SIGNUP_CODES_MAX codes (nothing changes).
 */
enum err signup_send_code(struct db *db, struct session *s, long long now);

/*
 * signup_check_code: check code (already of the right format) at now,
 * writing the outcome: a wrong code counts an attempt, the right one marks
 * step 2 done and retires the code. *result says which (see the enum).
 */
enum err signup_check_code(struct db *db, struct session *s,
			   const char *code, long long now,
			   enum signup_code_result *result);

/* signup_code_state: attempts left and deadline of the current code (0
 * and 0 when none). */
void signup_code_state(const json_t *data, int *attempts_left,
		       long long *expires);

/*
 * signup_finish_clear: drop the wizard state and the inbox, recording
 * "signup_done": {"username", "at"}, after the account exists.
 */
enum err signup_finish_clear(struct db *db, struct session *s,
			     const char *username, long long now);

/* signup_abandon: drop the wizard state and the inbox. */
enum err signup_abandon(struct db *db, struct session *s);

#endif
