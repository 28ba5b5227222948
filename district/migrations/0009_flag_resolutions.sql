-- How the office closed each flag (issue 20): the money recovered, the payout explained, or a
-- false alarm, with a note and who decided. A flag is closed once; the decision is never changed
-- nor deleted (a new fact is a new flag or a note in the audit log).
CREATE TABLE flag_resolutions (
    flag        INTEGER PRIMARY KEY REFERENCES flags(id),
    resolution  TEXT NOT NULL CHECK (resolution IN ('recovered', 'explained', 'false_alarm')),
    note        TEXT NOT NULL CHECK (length(note) > 0),
    login       TEXT,
    resolved_at TEXT NOT NULL
);
CREATE TRIGGER flag_resolutions_no_update BEFORE UPDATE ON flag_resolutions
BEGIN SELECT RAISE(ABORT, 'hub: a flag''s resolution is never changed'); END;
CREATE TRIGGER flag_resolutions_no_delete BEFORE DELETE ON flag_resolutions
BEGIN SELECT RAISE(ABORT, 'hub: a flag''s resolution is never deleted'); END;
