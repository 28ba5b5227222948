-- Identity at the counter (issue 16). How each payout's recipient was checked (the method of the
-- payout event's `id_check`; NULL: not said, as every payout from before), for the share of
-- unchecked payouts by clerk.
ALTER TABLE payouts ADD COLUMN id_check TEXT;
CREATE INDEX payouts_clerk_period ON payouts(pay_point, period, clerk);

-- Proxies paid on a fresh authorisation shown at the counter, approved there by a supervisor:
-- the office confirms each (its rolls then carry the proxy for the months the paper covers) or
-- refuses it with a reason (a later payout to that proxy for that person is flagged).
CREATE TABLE counter_proxies (
    payout_id      TEXT PRIMARY KEY,
    pay_point      TEXT NOT NULL,
    period         TEXT NOT NULL,
    code           TEXT NOT NULL,
    proxy_name     TEXT NOT NULL,
    proxy_id_card  TEXT NOT NULL,
    relationship   TEXT NOT NULL,
    authorised_on  TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    approver       INTEGER,
    paid_at        TEXT NOT NULL,
    decision       TEXT CHECK (decision IS NULL OR decision IN ('confirmed', 'refused')),
    decided_at     TEXT,
    reason         TEXT,
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX counter_proxies_person ON counter_proxies(pay_point, code);
