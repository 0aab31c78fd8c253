-- 002: the visit counter of S-C8. The browser holds a random visitId
-- (Max-Age=2592000); the server keeps only its BLAKE2b-256 hash, how many
-- times it came, and when it came first and last. Rows unseen for 30 days
-- are purged, as the cookie itself would be gone.
CREATE TABLE visits (
    id_hash    BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
    count      INTEGER NOT NULL CHECK (count >= 1),
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX visits_last_seen ON visits(last_seen);
