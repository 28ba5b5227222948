-- The local ledger of one pay point device.
--
-- Events are the truth; every other table is a projection written in the same transaction as
-- its event. Money tables are append-only: the triggers below refuse UPDATE and DELETE, and the
-- BEFORE INSERT triggers refuse any row that would break a money-safety invariant, whoever
-- writes it. A correction is a new row (a reversal), never an edit.

CREATE TABLE device (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id       TEXT NOT NULL,
    pay_point_code  TEXT NOT NULL CHECK (length(pay_point_code) BETWEEN 1 AND 32),
    pay_point_name  TEXT NOT NULL CHECK (length(pay_point_name) BETWEEN 1 AND 200),
    created_at      TEXT NOT NULL
);

-- Invariant 4: every state change, UUIDv7, device, clerk, local time, per-device sequence,
-- canonical JSON payload, SHA-256 chained to the event before it.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    id          TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
    device_id   TEXT NOT NULL,
    clerk_id    INTEGER,
    local_time  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL CHECK (json_valid(payload)),
    prev_hash   TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash        TEXT NOT NULL CHECK (length(hash) = 64)
);

CREATE TRIGGER events_in_sequence BEFORE INSERT ON events
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM events)
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM events WHERE seq = NEW.seq - 1),
                                   '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'ledger: event out of sequence or not chained to the previous event');
END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'ledger: events are never changed; record a correction instead'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'ledger: events are never deleted; record a correction instead'); END;

CREATE TABLE clerks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role        TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor')),
    pin_hash    TEXT NOT NULL,
    event_seq   INTEGER NOT NULL UNIQUE REFERENCES events(seq)
);
CREATE TRIGGER clerks_no_delete BEFORE DELETE ON clerks
BEGIN SELECT RAISE(ABORT, 'ledger: clerks are never deleted: events name them'); END;

-- Local sign-in state (failed PINs, lock-out). Not part of the ledger: it is security state of
-- this device, and is the only table the app updates in place.
CREATE TABLE clerk_lockout (
    clerk_id      INTEGER PRIMARY KEY REFERENCES clerks(id),
    failures      INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until  TEXT
);

CREATE TABLE rolls (
    id              INTEGER PRIMARY KEY,
    period          TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    version         INTEGER NOT NULL CHECK (version >= 1),
    source          TEXT NOT NULL,
    is_demo         INTEGER NOT NULL CHECK (is_demo IN (0, 1)),
    content_sha256  TEXT NOT NULL CHECK (length(content_sha256) = 64),
    event_seq       INTEGER NOT NULL UNIQUE REFERENCES events(seq),
    UNIQUE (period, version)
);

CREATE TABLE beneficiaries (
    id                  INTEGER PRIMARY KEY,
    roll_id             INTEGER NOT NULL REFERENCES rolls(id),
    period              TEXT NOT NULL,
    code                TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
    name                TEXT NOT NULL CHECK (length(trim(name)) > 0),
    birth_year          INTEGER CHECK (birth_year IS NULL OR birth_year BETWEEN 1880 AND 2100),
    sex                 TEXT CHECK (sex IS NULL OR sex IN ('M', 'F')),
    village             TEXT NOT NULL,
    id_card             TEXT,
    category            TEXT NOT NULL,
    home_delivery       INTEGER NOT NULL CHECK (home_delivery IN (0, 1)),
    proxy_name          TEXT,
    proxy_id_card       TEXT,
    proxy_relationship  TEXT,
    proxy_valid_until   TEXT,
    note                TEXT NOT NULL DEFAULT '',
    UNIQUE (period, code)
);
CREATE INDEX beneficiaries_code ON beneficiaries(code);

-- One amount owed. `amount` is whole đồng.
CREATE TABLE lines (
    id              INTEGER PRIMARY KEY,
    roll_id         INTEGER NOT NULL REFERENCES rolls(id),
    beneficiary_id  INTEGER NOT NULL REFERENCES beneficiaries(id),
    kind            TEXT NOT NULL CHECK (kind IN ('monthly', 'supplement', 'carer', 'arrears', 'one_off', 'funeral')),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    covers_from     TEXT NOT NULL,
    covers_to       TEXT NOT NULL CHECK (covers_to >= covers_from),
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lines_beneficiary ON lines(beneficiary_id);

-- A line withdrawn by a later version of the roll (issue: amended rolls).
CREATE TABLE line_removals (
    line_id    INTEGER PRIMARY KEY REFERENCES lines(id),
    event_seq  INTEGER NOT NULL REFERENCES events(seq)
);

-- Stop reports, by beneficiary code so that a stop holds across periods: a roll made before the
-- district heard of a death must still not be paid.
CREATE TABLE stops (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    reason          TEXT NOT NULL CHECK (reason IN ('death', 'moved', 'other')),
    effective_date  TEXT,
    note            TEXT NOT NULL DEFAULT '',
    event_seq       INTEGER NOT NULL UNIQUE REFERENCES events(seq)
);

CREATE TABLE period_closes (
    period     TEXT PRIMARY KEY,
    event_seq  INTEGER NOT NULL UNIQUE REFERENCES events(seq)
);

-- WITHOUT ROWID and few indexes: a payout's commit touches as few pages as it can, so that its
-- fsync-bound latency stays close to a bare INSERT's.
CREATE TABLE payouts (
    id              TEXT PRIMARY KEY,
    event_seq       INTEGER NOT NULL REFERENCES events(seq),
    beneficiary_id  INTEGER NOT NULL REFERENCES beneficiaries(id),
    recipient       TEXT NOT NULL CHECK (recipient IN ('self', 'proxy')),
    proxy_name      TEXT,
    proxy_id_card   TEXT,
    at_home         INTEGER NOT NULL CHECK (at_home IN (0, 1)),
    clerk_id        INTEGER NOT NULL REFERENCES clerks(id),
    paid_at         TEXT NOT NULL,
    CHECK (recipient = 'self' OR (length(trim(proxy_name)) > 0 AND length(trim(proxy_id_card)) > 0))
) WITHOUT ROWID;
CREATE INDEX payouts_beneficiary ON payouts(beneficiary_id);

-- The lines a payout paid. The payout's amount is the sum of these: derived, never stored twice.
CREATE TABLE payout_lines (
    line_id    INTEGER NOT NULL REFERENCES lines(id),
    payout_id  TEXT NOT NULL REFERENCES payouts(id),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (line_id, payout_id)
) WITHOUT ROWID;
CREATE INDEX payout_lines_payout ON payout_lines(payout_id);

CREATE TABLE reversals (
    id           TEXT PRIMARY KEY,
    event_seq    INTEGER NOT NULL UNIQUE REFERENCES events(seq),
    payout_id    TEXT NOT NULL UNIQUE REFERENCES payouts(id),
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    clerk_id     INTEGER NOT NULL REFERENCES clerks(id),
    approver_id  INTEGER NOT NULL REFERENCES clerks(id),
    CHECK (approver_id <> clerk_id)
);

-- Invariants 1 and 2, enforced for every writer: a line is paid at most once net of reversals,
-- for exactly its amount, never when stopped or withdrawn, never in a closed period.
CREATE TRIGGER payout_lines_guard BEFORE INSERT ON payout_lines
BEGIN
    SELECT RAISE(ABORT, 'ledger: payout line does not belong to the payout''s beneficiary')
    WHERE (SELECT beneficiary_id FROM lines WHERE id = NEW.line_id)
       IS NOT (SELECT beneficiary_id FROM payouts WHERE id = NEW.payout_id);
    SELECT RAISE(ABORT, 'ledger: a payout pays exactly the line''s amount')
    WHERE NEW.amount IS NOT (SELECT amount FROM lines WHERE id = NEW.line_id);
    SELECT RAISE(ABORT, 'ledger: line already paid')
    WHERE EXISTS (SELECT 1 FROM payout_lines pl
                  WHERE pl.line_id = NEW.line_id
                    AND NOT EXISTS (SELECT 1 FROM reversals r WHERE r.payout_id = pl.payout_id));
    SELECT RAISE(ABORT, 'ledger: line withdrawn from the roll')
    WHERE EXISTS (SELECT 1 FROM line_removals WHERE line_id = NEW.line_id);
    SELECT RAISE(ABORT, 'ledger: payment stopped for this beneficiary')
    WHERE EXISTS (SELECT 1 FROM lines l JOIN beneficiaries b ON b.id = l.beneficiary_id
                  JOIN stops s ON s.code = b.code
                  WHERE l.id = NEW.line_id AND l.kind <> 'funeral');
    SELECT RAISE(ABORT, 'ledger: period closed')
    WHERE EXISTS (SELECT 1 FROM lines l JOIN beneficiaries b ON b.id = l.beneficiary_id
                  JOIN period_closes c ON c.period = b.period
                  WHERE l.id = NEW.line_id);
END;

CREATE TRIGGER reversals_guard BEFORE INSERT ON reversals
BEGIN
    SELECT RAISE(ABORT, 'ledger: a reversal needs a supervisor''s approval')
    WHERE (SELECT role FROM clerks WHERE id = NEW.approver_id) IS NOT 'supervisor';
    SELECT RAISE(ABORT, 'ledger: period closed')
    WHERE EXISTS (SELECT 1 FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id
                  JOIN period_closes c ON c.period = b.period WHERE p.id = NEW.payout_id);
END;

CREATE TABLE cash_advances (
    id         TEXT PRIMARY KEY,
    event_seq  INTEGER NOT NULL UNIQUE REFERENCES events(seq),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    note       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE cash_returns (
    id         TEXT PRIMARY KEY,
    event_seq  INTEGER NOT NULL UNIQUE REFERENCES events(seq),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    note       TEXT NOT NULL DEFAULT ''
);

-- A count by denomination. The difference is recorded as found, never smoothed away.
CREATE TABLE cash_counts (
    id          TEXT PRIMARY KEY,
    event_seq   INTEGER NOT NULL UNIQUE REFERENCES events(seq),
    counted     INTEGER NOT NULL CHECK (counted >= 0),
    expected    INTEGER NOT NULL,
    difference  INTEGER NOT NULL,
    CHECK (difference = counted - expected)
);
CREATE TABLE cash_count_notes (
    count_id      TEXT NOT NULL REFERENCES cash_counts(id),
    denomination  INTEGER NOT NULL CHECK (denomination IN (500000, 200000, 100000, 50000, 20000, 10000, 5000, 2000, 1000)),
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (count_id, denomination)
);

-- Every movement of the cash box, each row carrying the balance after it. The balance is checked
-- against the row before on insert and can never go below zero, so cash on hand is derived from
-- the events yet read in O(1), and nothing can pay out cash the box does not hold.
CREATE TABLE cash_movements (
    seq            INTEGER PRIMARY KEY CHECK (seq >= 1),
    event_seq      INTEGER NOT NULL REFERENCES events(seq),
    kind           TEXT NOT NULL CHECK (kind IN ('advance', 'payout', 'reversal', 'return')),
    delta          INTEGER NOT NULL CHECK (delta <> 0),
    balance_after  INTEGER NOT NULL CHECK (balance_after >= 0),
    CHECK ((kind IN ('advance', 'reversal') AND delta > 0) OR (kind IN ('payout', 'return') AND delta < 0))
);
CREATE TRIGGER cash_movements_chain BEFORE INSERT ON cash_movements
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM cash_movements)
  OR NEW.balance_after IS NOT coalesce((SELECT balance_after FROM cash_movements WHERE seq = NEW.seq - 1), 0) + NEW.delta
BEGIN
    SELECT RAISE(ABORT, 'ledger: cash balance does not follow from the movement before it');
END;

-- The store itself moves the cash for every payout, reversal, advance and return, so no writer
-- can record money without moving the box, and the CHECK above refuses a negative balance.
CREATE TRIGGER cash_follows_payout_lines AFTER INSERT ON payout_lines
BEGIN
    INSERT INTO cash_movements (seq, event_seq, kind, delta, balance_after)
    SELECT coalesce(max(seq), 0) + 1,
           (SELECT event_seq FROM payouts WHERE id = NEW.payout_id),
           'payout', -NEW.amount,
           coalesce((SELECT balance_after FROM cash_movements ORDER BY seq DESC LIMIT 1), 0) - NEW.amount
    FROM cash_movements;
END;
CREATE TRIGGER cash_follows_reversals AFTER INSERT ON reversals
BEGIN
    INSERT INTO cash_movements (seq, event_seq, kind, delta, balance_after)
    SELECT coalesce(max(seq), 0) + 1, NEW.event_seq, 'reversal', t.total,
           coalesce((SELECT balance_after FROM cash_movements ORDER BY seq DESC LIMIT 1), 0) + t.total
    FROM cash_movements, (SELECT sum(amount) AS total FROM payout_lines WHERE payout_id = NEW.payout_id) t;
END;
CREATE TRIGGER cash_follows_advances AFTER INSERT ON cash_advances
BEGIN
    INSERT INTO cash_movements (seq, event_seq, kind, delta, balance_after)
    SELECT coalesce(max(seq), 0) + 1, NEW.event_seq, 'advance', NEW.amount,
           coalesce((SELECT balance_after FROM cash_movements ORDER BY seq DESC LIMIT 1), 0) + NEW.amount
    FROM cash_movements;
END;
CREATE TRIGGER cash_follows_returns AFTER INSERT ON cash_returns
BEGIN
    INSERT INTO cash_movements (seq, event_seq, kind, delta, balance_after)
    SELECT coalesce(max(seq), 0) + 1, NEW.event_seq, 'return', -NEW.amount,
           coalesce((SELECT balance_after FROM cash_movements ORDER BY seq DESC LIMIT 1), 0) - NEW.amount
    FROM cash_movements;
END;

CREATE TABLE visits (
    id              TEXT PRIMARY KEY,
    event_seq       INTEGER NOT NULL UNIQUE REFERENCES events(seq),
    beneficiary_id  INTEGER NOT NULL REFERENCES beneficiaries(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('paid', 'absent', 'hospital', 'deceased', 'moved', 'refused')),
    note            TEXT NOT NULL DEFAULT '',
    payout_id       TEXT REFERENCES payouts(id),
    visited_at      TEXT NOT NULL,
    CHECK ((outcome = 'paid') = (payout_id IS NOT NULL))
);
CREATE INDEX visits_beneficiary ON visits(beneficiary_id);

-- Accent-folded search terms (name, code, ID card and its suffixes, village), one row per
-- beneficiary, rowid = beneficiaries.id. Contentless: the text lives in `beneficiaries`.
CREATE VIRTUAL TABLE beneficiary_search USING fts5(
    terms, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);

-- Append-only for every money and roll table.
CREATE TRIGGER rolls_no_update BEFORE UPDATE ON rolls BEGIN SELECT RAISE(ABORT, 'ledger: rolls are never changed; load a new version'); END;
CREATE TRIGGER rolls_no_delete BEFORE DELETE ON rolls BEGIN SELECT RAISE(ABORT, 'ledger: rolls are never deleted'); END;
CREATE TRIGGER beneficiaries_no_update BEFORE UPDATE ON beneficiaries BEGIN SELECT RAISE(ABORT, 'ledger: roll entries are never changed; load a new version'); END;
CREATE TRIGGER beneficiaries_no_delete BEFORE DELETE ON beneficiaries BEGIN SELECT RAISE(ABORT, 'ledger: roll entries are never deleted'); END;
CREATE TRIGGER lines_no_update BEFORE UPDATE ON lines BEGIN SELECT RAISE(ABORT, 'ledger: lines are never changed; load a new version'); END;
CREATE TRIGGER lines_no_delete BEFORE DELETE ON lines BEGIN SELECT RAISE(ABORT, 'ledger: lines are never deleted'); END;
CREATE TRIGGER line_removals_no_update BEFORE UPDATE ON line_removals BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER line_removals_no_delete BEFORE DELETE ON line_removals BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER stops_no_update BEFORE UPDATE ON stops BEGIN SELECT RAISE(ABORT, 'ledger: stop reports are never changed'); END;
CREATE TRIGGER stops_no_delete BEFORE DELETE ON stops BEGIN SELECT RAISE(ABORT, 'ledger: stop reports are never deleted'); END;
CREATE TRIGGER period_closes_no_update BEFORE UPDATE ON period_closes BEGIN SELECT RAISE(ABORT, 'ledger: a closed period stays closed'); END;
CREATE TRIGGER period_closes_no_delete BEFORE DELETE ON period_closes BEGIN SELECT RAISE(ABORT, 'ledger: a closed period stays closed'); END;
CREATE TRIGGER payouts_no_update BEFORE UPDATE ON payouts BEGIN SELECT RAISE(ABORT, 'ledger: payouts are never changed; record a reversal'); END;
CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts BEGIN SELECT RAISE(ABORT, 'ledger: payouts are never deleted; record a reversal'); END;
CREATE TRIGGER payout_lines_no_update BEFORE UPDATE ON payout_lines BEGIN SELECT RAISE(ABORT, 'ledger: payouts are never changed; record a reversal'); END;
CREATE TRIGGER payout_lines_no_delete BEFORE DELETE ON payout_lines BEGIN SELECT RAISE(ABORT, 'ledger: payouts are never deleted; record a reversal'); END;
CREATE TRIGGER reversals_no_update BEFORE UPDATE ON reversals BEGIN SELECT RAISE(ABORT, 'ledger: reversals are never changed'); END;
CREATE TRIGGER reversals_no_delete BEFORE DELETE ON reversals BEGIN SELECT RAISE(ABORT, 'ledger: reversals are never deleted'); END;
CREATE TRIGGER cash_advances_no_update BEFORE UPDATE ON cash_advances BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never changed'); END;
CREATE TRIGGER cash_advances_no_delete BEFORE DELETE ON cash_advances BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never deleted'); END;
CREATE TRIGGER cash_returns_no_update BEFORE UPDATE ON cash_returns BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never changed'); END;
CREATE TRIGGER cash_returns_no_delete BEFORE DELETE ON cash_returns BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never deleted'); END;
CREATE TRIGGER cash_counts_no_update BEFORE UPDATE ON cash_counts BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never changed'); END;
CREATE TRIGGER cash_counts_no_delete BEFORE DELETE ON cash_counts BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never deleted'); END;
CREATE TRIGGER cash_count_notes_no_update BEFORE UPDATE ON cash_count_notes BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never changed'); END;
CREATE TRIGGER cash_count_notes_no_delete BEFORE DELETE ON cash_count_notes BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never deleted'); END;
CREATE TRIGGER cash_movements_no_update BEFORE UPDATE ON cash_movements BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never changed'); END;
CREATE TRIGGER cash_movements_no_delete BEFORE DELETE ON cash_movements BEGIN SELECT RAISE(ABORT, 'ledger: cash records are never deleted'); END;
CREATE TRIGGER visits_no_update BEFORE UPDATE ON visits BEGIN SELECT RAISE(ABORT, 'ledger: visits are never changed'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits BEGIN SELECT RAISE(ABORT, 'ledger: visits are never deleted'); END;
