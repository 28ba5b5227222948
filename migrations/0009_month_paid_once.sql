-- A month is paid once, whichever roll carries it (issue 14). Near Tết the managing office pays
-- two months together: December's roll carries January's allowance too. If January's own roll
-- then carries January again, paying it would pay the month twice; each line is paid once, but
-- the person is paid twice for one month. The store refuses that as it refuses a line paid twice.
--   paid_elsewhere  a monthly line (allowance, supplement, carer's allowance: LineKind::is_monthly)
--                   whose month another line of the same person and kind has paid, net of
--                   reversals; a reversal there makes this line payable again
--   live            the roll still carries the line here: not withdrawn and not paid elsewhere.
--                   The card, search, status and the documents read only live lines.
DROP TRIGGER payout_lines_guard;
DROP VIEW line_state;
CREATE VIEW line_state AS
SELECT s.*,
       (NOT s.withdrawn AND NOT s.paid_elsewhere) AS live,
       (s.paid_by IS NULL AND NOT s.withdrawn AND NOT s.paid_elsewhere AND NOT s.stopped
        AND NOT s.closed) AS payable
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
           )) AS paid_elsewhere
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
    END
    FROM line_state ls WHERE ls.line_id = NEW.line_id;
END;
