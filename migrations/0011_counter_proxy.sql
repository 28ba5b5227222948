-- A proxy not on the roll paid on a fresh authorisation shown at the counter (issue 16). The
-- payout's event holds the authorisation's dates; the flag here lets the store hold the rule
-- that no clerk alone adds a proxy: a supervisor approved it, and it is a proxy who took the money.
ALTER TABLE payouts ADD COLUMN proxy_added_at_counter INTEGER NOT NULL DEFAULT 0
    CHECK (proxy_added_at_counter IN (0, 1));

CREATE TRIGGER payouts_counter_proxy_approved
BEFORE INSERT ON payouts
WHEN NEW.proxy_added_at_counter = 1 AND (NEW.approver_id IS NULL OR NEW.recipient <> 'proxy')
BEGIN
    SELECT RAISE(ABORT, 'ledger: a proxy added at the counter needs a supervisor''s approval');
END;
