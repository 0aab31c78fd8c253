-- 001: users, server-side sessions and the login throttle.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE
                  CHECK (length(username) BETWEEN 3 AND 32),
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'user'
                  CHECK (role IN ('user', 'admin')),
    password_hash TEXT NOT NULL,          -- crypto_pwhash_str (Argon2id)
    created       INTEGER NOT NULL        -- Unix seconds
);

-- One row per live session. The browser holds the 256-bit ID; the server
-- keeps only its BLAKE2b-256 hash, so a copy of this table logs no one in.
CREATE TABLE sessions (
    id_hash          BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id          INTEGER REFERENCES users(id) ON DELETE CASCADE,
    created          INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,
    idle_ttl         INTEGER NOT NULL,    -- seconds of inactivity allowed
    idle_expires     INTEGER NOT NULL,
    absolute_expires INTEGER NOT NULL,
    persistent       INTEGER NOT NULL DEFAULT 0,  -- "remember me"
    user_agent       TEXT NOT NULL DEFAULT '',
    client_addr      TEXT NOT NULL DEFAULT '',
    data             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data))
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_idle ON sessions(idle_expires);

-- Failed logins per submitted username, for the throttle.
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);
