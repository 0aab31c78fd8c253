-- 007: the class path's checkpoints (issue 14), for the teacher's counts
-- on /teach.
--
-- One row per visitor and checkpoint, written by course_tick
-- (src/lessons/course.c) the first time the handler that saw the action
-- ticks it. visitor is a BLAKE2b-128 hash of a random key kept in the
-- visitor's session data, never a session ID or anything a cookie holds.
-- The truth of a visitor's progress is the session; these rows only
-- count. Bounded: rows older than a day are pruned and at most 20000 kept
-- (COURSE_KEEP_SECONDS, COURSE_ROWS_MAX), both on each insert.

CREATE TABLE course_ticks (
    visitor    BLOB NOT NULL CHECK (length(visitor) = 16),
    checkpoint TEXT NOT NULL CHECK (length(checkpoint) BETWEEN 1 AND 16),
    at         INTEGER NOT NULL,        -- the site clock, Unix seconds
    PRIMARY KEY (visitor, checkpoint)
) WITHOUT ROWID;
CREATE INDEX course_ticks_at ON course_ticks (at);
