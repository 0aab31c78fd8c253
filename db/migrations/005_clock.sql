-- 005: the demo clock. A teacher moves the server's sense of time forward
-- to show expiry happening; every deadline (sessions, tokens, refresh
-- families, signup codes) is computed from wall time + this offset.

CREATE TABLE demo_clock (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    offset_seconds INTEGER NOT NULL DEFAULT 0
                   CHECK (offset_seconds BETWEEN 0 AND 31536000)
);
INSERT INTO demo_clock (id, offset_seconds) VALUES (1, 0);
