-- 004: JWT refresh-token families, the access-token blacklist, token
-- events and the notes the resource API protects (S-J4..S-J6).

-- One family per login ("device"). Every refresh token of a login belongs
-- to it; revoking the family kills them all.
CREATE TABLE refresh_families (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alg            TEXT NOT NULL CHECK (alg IN ('HS256', 'RS256')),
    bound          INTEGER NOT NULL DEFAULT 0,   -- pair binding (S-J5)
    access_jti     TEXT NOT NULL DEFAULT '',     -- last access token issued
    access_exp     INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL,
    last_used      INTEGER NOT NULL,
    revoked_at     INTEGER,                      -- NULL while live
    revoked_reason TEXT NOT NULL DEFAULT '',
    user_agent     TEXT NOT NULL DEFAULT '',
    client_addr    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX refresh_families_user ON refresh_families(user_id);

-- Refresh tokens: the browser holds 256 random bits; only the BLAKE2b-256
-- hash is kept. used_at is set once, by the rotation that spends it.
CREATE TABLE refresh_tokens (
    hash      BLOB PRIMARY KEY CHECK (length(hash) = 32),
    family_id INTEGER NOT NULL REFERENCES refresh_families(id)
              ON DELETE CASCADE,
    created   INTEGER NOT NULL,
    expires   INTEGER NOT NULL,
    used_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

-- Access tokens that die before their exp (logout): jti until exp.
CREATE TABLE token_blacklist (
    jti     TEXT PRIMARY KEY,
    expires INTEGER NOT NULL
) WITHOUT ROWID;

-- What happened to a family: login, refresh, reuse, pair_mismatch,
-- logout, logout_all, revoke.
CREATE TABLE token_events (
    id        INTEGER PRIMARY KEY,
    family_id INTEGER REFERENCES refresh_families(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX token_events_family ON token_events(family_id, id);

-- A small per-user resource behind the bearer check (S-J2).
CREATE TABLE notes (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body    TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
    created INTEGER NOT NULL
);
CREATE INDEX notes_user ON notes(user_id, id);
