-- The managing office's own people (issue 20): named accounts with a role, their signed-in
-- sessions, and the office's audit log of every action taken through the web app or the
-- command line.
--
-- A password is kept only as its argon2id hash (PHC string). A session's cookie is random and
-- kept only as its SHA-256: a copy of the store signs nobody in. Times are Unix seconds where the
-- hub compares them (expiry, lock-out), local RFC 3339 text where people read them.
CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    login           TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 2 AND 40),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('viewer', 'officer', 'admin')),
    password_hash   TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    INTEGER,
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at      TEXT NOT NULL
);

CREATE TABLE staff_sessions (
    token_sha256 TEXT PRIMARY KEY,
    staff        INTEGER NOT NULL REFERENCES staff(id),
    csrf         TEXT NOT NULL,
    from_addr    TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX staff_sessions_staff ON staff_sessions(staff);

-- Who did what, when, from where: kept, never changed, never deleted. `login` is NULL for the
-- hub's command line (the operator at the server).
CREATE TABLE office_audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    login     TEXT,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    from_addr TEXT NOT NULL
);
CREATE TRIGGER office_audit_no_update BEFORE UPDATE ON office_audit
BEGIN SELECT RAISE(ABORT, 'hub: the office audit log is never changed'); END;
CREATE TRIGGER office_audit_no_delete BEFORE DELETE ON office_audit
BEGIN SELECT RAISE(ABORT, 'hub: the office audit log is never deleted'); END;
