-- Rates as data (issue 14): a rate table that the managing office sends (a new decree's amounts)
-- is checked by the core and recorded here with the `policy_loaded` event that hashes it. The
-- table in force on a day is the one with the latest effective date on or before it (the core's
-- `policy::in_force`); the table shipped with the program (NĐ 77/2024) is not stored. A table is
-- never changed or removed: a correction is a newer table.
CREATE TABLE policy_tables (
    event_seq       INTEGER PRIMARY KEY REFERENCES events(seq),
    -- The first day its amounts apply, YYYY-MM-DD.
    effective_from  TEXT NOT NULL CHECK (effective_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    -- The table in the file's form, canonical JSON.
    content         TEXT NOT NULL,
    content_sha256  TEXT NOT NULL UNIQUE
);
CREATE TRIGGER policy_tables_no_update BEFORE UPDATE ON policy_tables
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER policy_tables_no_delete BEFORE DELETE ON policy_tables
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
