-- The state of a line, defined once (issue 13). Every reader — the store's own guard, the card,
-- search, status, the printed documents and the roll read-back — reads it from here, so that
-- "paid", "stopped" and "payable" cannot mean different things in different places.
--   paid_by    the payout that paid the line, net of reversals (NULL when unpaid)
--   withdrawn  a later version of the roll removed the line
--   stopped    a stop report holds the person's code; it blocks every line but the funeral
--              allowance, which is paid to the family after a death
--   closed     the line's period is closed
--   payable    none of the above: the line can be paid now
-- The columns are expressions over the tables, not stored: SQLite flattens the view into each
-- query and evaluates only the columns that query reads.
CREATE VIEW line_state AS
SELECT s.*, (s.paid_by IS NULL AND NOT s.withdrawn AND NOT s.stopped AND NOT s.closed) AS payable
FROM (
    SELECT l.id AS line_id, l.beneficiary_id, b.period, b.code, l.kind, l.amount,
           l.covers_from, l.covers_to, l.note,
           (SELECT pl.payout_id FROM payout_lines pl
             WHERE pl.line_id = l.id
               AND NOT EXISTS (SELECT 1 FROM reversals r WHERE r.payout_id = pl.payout_id)) AS paid_by,
           EXISTS (SELECT 1 FROM line_removals x WHERE x.line_id = l.id) AS withdrawn,
           (l.kind <> 'funeral' AND EXISTS (SELECT 1 FROM stops st WHERE st.code = b.code)) AS stopped,
           EXISTS (SELECT 1 FROM period_closes c WHERE c.period = b.period) AS closed
    FROM lines l JOIN beneficiaries b ON b.id = l.beneficiary_id
) s;

-- Invariants 1 and 2 again, now read from the view: a line is paid at most once net of
-- reversals, for exactly its amount, never when stopped or withdrawn, never in a closed period.
-- The messages are unchanged: `ledger::StoreRefusal` maps each to the clerk's words.
DROP TRIGGER payout_lines_guard;
CREATE TRIGGER payout_lines_guard BEFORE INSERT ON payout_lines
BEGIN
    SELECT RAISE(ABORT, 'ledger: payout line does not belong to the payout''s beneficiary')
    WHERE (SELECT beneficiary_id FROM lines WHERE id = NEW.line_id)
       IS NOT (SELECT beneficiary_id FROM payouts WHERE id = NEW.payout_id);
    SELECT RAISE(ABORT, 'ledger: a payout pays exactly the line''s amount')
    WHERE NEW.amount IS NOT (SELECT amount FROM lines WHERE id = NEW.line_id);
    SELECT CASE
        WHEN ls.paid_by IS NOT NULL THEN RAISE(ABORT, 'ledger: line already paid')
        WHEN ls.withdrawn THEN RAISE(ABORT, 'ledger: line withdrawn from the roll')
        WHEN ls.stopped THEN RAISE(ABORT, 'ledger: payment stopped for this beneficiary')
        WHEN ls.closed THEN RAISE(ABORT, 'ledger: period closed')
    END
    FROM line_state ls WHERE ls.line_id = NEW.line_id;
END;
