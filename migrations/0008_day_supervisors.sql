-- The commune's supervisor of a payout day (issue 14; người giám sát, TT 44/2022/TT-BTC Điều 8
-- as amended by TT 95/2025/TT-BTC): the managing office sends someone to watch the payout, and the
-- signature sheet and the day report carry their signature. One row per `day_supervisor` event;
-- a later row for the same day supersedes an earlier one, which stays (insert-only, like money).
CREATE TABLE day_supervisors (
    event_seq  INTEGER PRIMARY KEY REFERENCES events(seq),
    day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    office     TEXT NOT NULL CHECK (length(trim(office)) > 0)
);
CREATE INDEX day_supervisors_day ON day_supervisors(day, event_seq);
CREATE TRIGGER day_supervisors_no_update BEFORE UPDATE ON day_supervisors
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER day_supervisors_no_delete BEFORE DELETE ON day_supervisors
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
