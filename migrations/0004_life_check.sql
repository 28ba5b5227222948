-- Proof of life (issue 12): the managing office puts a beneficiary who has only been paid through
-- a proxy or at home, never seen at the counter, for several periods in a row "to be confirmed"
-- (chờ xác minh); its confirmation lifts the hold. Both arrive as signed amendments from the hub
-- and are recorded as events; a hold is cleared by a later event, never deleted.
CREATE TABLE life_holds (
    code         TEXT NOT NULL,
    -- The periods in which the person was not seen, as the hub counted them ("2026-08 2026-09 …").
    periods      TEXT NOT NULL,
    event_seq    INTEGER NOT NULL UNIQUE REFERENCES events(seq),
    cleared_seq  INTEGER REFERENCES events(seq)
);
CREATE UNIQUE INDEX life_holds_one_open ON life_holds(code) WHERE cleared_seq IS NULL;
CREATE TRIGGER life_holds_no_delete BEFORE DELETE ON life_holds
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER life_holds_clear_once BEFORE UPDATE ON life_holds
WHEN OLD.cleared_seq IS NOT NULL OR NEW.code <> OLD.code OR NEW.periods <> OLD.periods
     OR NEW.event_seq <> OLD.event_seq
BEGIN SELECT RAISE(ABORT, 'ledger: a hold is only ever cleared, once'); END;

-- The supervisor who let a payout under a hold go ahead, and why. The store refuses a payout to a
-- person on hold without them, whatever the writer.
ALTER TABLE payouts ADD COLUMN approver_id INTEGER REFERENCES clerks(id);
ALTER TABLE payouts ADD COLUMN approval_note TEXT;
CREATE TRIGGER payouts_on_hold_need_supervisor BEFORE INSERT ON payouts
WHEN EXISTS (SELECT 1 FROM life_holds h JOIN beneficiaries b ON b.code = h.code
             WHERE b.id = NEW.beneficiary_id AND h.cleared_seq IS NULL)
 AND (NEW.approver_id IS NULL OR NEW.approver_id = NEW.clerk_id
      OR length(trim(coalesce(NEW.approval_note, ''))) = 0
      OR NOT EXISTS (SELECT 1 FROM clerks c WHERE c.id = NEW.approver_id AND c.role = 'supervisor'))
BEGIN SELECT RAISE(ABORT, 'ledger: to be confirmed: needs a supervisor and a note'); END;
