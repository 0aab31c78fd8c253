-- 006: revocation that reaches every credential (issue 10).
--
-- User ids are never reused: the table is rebuilt with AUTOINCREMENT, so
-- "reset demo data" (which deletes visitors' accounts) can never hand an
-- old id, and the access tokens that name it, to a new account. The
-- high-water mark lives in sqlite_sequence, which the reset leaves alone.
--
-- token_version is the account's access-token generation. The issuer
-- writes it into every access token as the "ver" claim; the stateful
-- verifier refuses a token whose ver is not the account's current one. A
-- password change, "log out everywhere", the admin's revoke-all and the
-- reset add one, which kills every access token issued before them at
-- once, without listing each jti. tokens_cut_at and tokens_cut_reason say
-- when and why it last moved, for the devices page and /jwt.
--
-- db_open runs migrations with foreign keys off, so dropping the old
-- table does not cascade into sessions, carts and tokens.

CREATE TABLE users_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    username          TEXT NOT NULL UNIQUE
                      CHECK (length(username) BETWEEN 3 AND 32),
    display_name      TEXT NOT NULL,
    role              TEXT NOT NULL DEFAULT 'user'
                      CHECK (role IN ('user', 'admin')),
    password_hash     TEXT NOT NULL,          -- crypto_pwhash_str (Argon2id)
    created           INTEGER NOT NULL,       -- Unix seconds
    token_version     INTEGER NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    tokens_cut_at     INTEGER NOT NULL DEFAULT 0,
    tokens_cut_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO users_new (id, username, display_name, role, password_hash,
                       created)
    SELECT id, username, display_name, role, password_hash, created
    FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
