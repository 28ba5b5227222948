-- The move to bank accounts (issue 18). The clerk records a beneficiary's request to be paid by
-- account (`account_requests`, with the account number: the ledger file is encrypted, the number
-- never reaches a log). The managing office decides and its signed amendments are recorded in
-- `account_decisions`: confirmed from a period, refused with a reason, or put back on cash for one
-- period after a failed transfer. Both tables are append-only: a decision is a new row.
CREATE TABLE account_requests (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL,
    bank          TEXT NOT NULL,
    number        TEXT NOT NULL CHECK (length(number) BETWEEN 6 AND 19 AND number NOT GLOB '*[^0-9]*'),
    holder        TEXT NOT NULL,
    relationship  TEXT,
    phone         TEXT,
    event_seq     INTEGER NOT NULL UNIQUE REFERENCES events(seq)
);
CREATE INDEX account_requests_code ON account_requests(code);

CREATE TABLE account_decisions (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('confirmed', 'refused', 'to_cash')),
    -- confirmed: the first period paid by account; to_cash: the one period paid in cash again.
    period      TEXT CHECK ((decision = 'refused') = (period IS NULL)),
    bank        TEXT,
    masked      TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    amendment   INTEGER NOT NULL UNIQUE,
    event_seq   INTEGER NOT NULL UNIQUE REFERENCES events(seq)
);
CREATE INDEX account_decisions_code ON account_decisions(code, decision, period);

CREATE TRIGGER account_requests_no_update BEFORE UPDATE ON account_requests BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER account_requests_no_delete BEFORE DELETE ON account_requests BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER account_decisions_no_update BEFORE UPDATE ON account_decisions BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER account_decisions_no_delete BEFORE DELETE ON account_decisions BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;

-- line_state gains one state, defined here once:
--   by_account  the office pays the person by bank account in the line's period: confirmed from
--               that period or earlier, and not put back on cash for it. The funeral allowance is
--               paid to the family, in cash, as after a stop. Such a line is not payable in cash.
DROP TRIGGER payout_lines_guard;
DROP VIEW line_state;
CREATE VIEW line_state AS
SELECT s.*,
       (NOT s.withdrawn AND NOT s.paid_elsewhere) AS live,
       (s.paid_by IS NULL AND NOT s.withdrawn AND NOT s.paid_elsewhere AND NOT s.stopped
        AND NOT s.closed AND NOT s.by_account) AS payable
FROM (
    SELECT l.id AS line_id, l.beneficiary_id, b.period, b.code, l.kind, l.amount,
           l.covers_from, l.covers_to, l.note,
           (SELECT pl.payout_id FROM payout_lines pl
             WHERE pl.line_id = l.id
               AND NOT EXISTS (SELECT 1 FROM reversals r WHERE r.payout_id = pl.payout_id)) AS paid_by,
           EXISTS (SELECT 1 FROM line_removals x WHERE x.line_id = l.id) AS withdrawn,
           (l.kind <> 'funeral' AND EXISTS (SELECT 1 FROM stops st WHERE st.code = b.code)) AS stopped,
           EXISTS (SELECT 1 FROM period_closes c WHERE c.period = b.period) AS closed,
           (l.kind IN ('monthly', 'supplement', 'carer') AND EXISTS (
               SELECT 1 FROM beneficiaries b2
               JOIN lines l2 ON l2.beneficiary_id = b2.id
               JOIN payout_lines pl2 ON pl2.line_id = l2.id
              WHERE b2.code = b.code AND l2.id <> l.id AND l2.kind = l.kind
                AND l2.covers_from <= l.covers_to AND l.covers_from <= l2.covers_to
                AND NOT EXISTS (SELECT 1 FROM reversals r2 WHERE r2.payout_id = pl2.payout_id)
           )) AS paid_elsewhere,
           (l.kind <> 'funeral'
            -- Uncorrelated, so SQLite builds it once per statement: a line of someone the office
            -- never confirmed an account for (almost everyone) costs one probe, not two lookups.
            AND b.code IN (SELECT code FROM account_decisions WHERE decision = 'confirmed')
            AND EXISTS (SELECT 1 FROM account_decisions a
                         WHERE a.code = b.code AND a.decision = 'confirmed' AND a.period <= b.period)
            AND NOT EXISTS (SELECT 1 FROM account_decisions a
                             WHERE a.code = b.code AND a.decision = 'to_cash' AND a.period = b.period)
           ) AS by_account
    FROM lines l JOIN beneficiaries b ON b.id = l.beneficiary_id
) s;

CREATE TRIGGER payout_lines_guard BEFORE INSERT ON payout_lines
BEGIN
    SELECT RAISE(ABORT, 'ledger: payout line does not belong to the payout''s beneficiary')
    WHERE (SELECT beneficiary_id FROM lines WHERE id = NEW.line_id)
       IS NOT (SELECT beneficiary_id FROM payouts WHERE id = NEW.payout_id);
    SELECT RAISE(ABORT, 'ledger: a payout pays exactly the line''s amount')
    WHERE NEW.amount IS NOT (SELECT amount FROM lines WHERE id = NEW.line_id);
    SELECT CASE
        WHEN ls.paid_by IS NOT NULL THEN RAISE(ABORT, 'ledger: line already paid')
        WHEN ls.paid_elsewhere THEN RAISE(ABORT, 'ledger: month already paid by another roll')
        WHEN ls.withdrawn THEN RAISE(ABORT, 'ledger: line withdrawn from the roll')
        WHEN ls.stopped THEN RAISE(ABORT, 'ledger: payment stopped for this beneficiary')
        WHEN ls.closed THEN RAISE(ABORT, 'ledger: period closed')
        WHEN ls.by_account THEN RAISE(ABORT, 'ledger: paid by bank account in this period')
    END
    FROM line_state ls WHERE ls.line_id = NEW.line_id;
END;
