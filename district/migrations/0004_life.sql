-- Proof of life (issue 12): a beneficiary paid only through a proxy or at home, never seen at the
-- counter, for several periods in a row is held "to be confirmed" until the office confirms them.
-- Each hold and each confirmation is also a signed amendment to the pay point's devices.
CREATE TABLE life_holds (
    id                   INTEGER PRIMARY KEY,
    pay_point            TEXT NOT NULL,
    code                 TEXT NOT NULL,
    -- The periods not seen, "YYYY-MM YYYY-MM …".
    periods              TEXT NOT NULL,
    raised_at            TEXT NOT NULL,
    amendment            INTEGER NOT NULL,
    confirmed_at         TEXT,
    note                 TEXT,
    -- The latest period paid when it was confirmed: the next run counts from after it.
    confirmed_through    TEXT,
    confirmed_amendment  INTEGER
);
CREATE UNIQUE INDEX life_holds_open ON life_holds(pay_point, code) WHERE confirmed_at IS NULL;
-- Each person's periods, for the proof-of-life run (code then period: the planner takes it over
-- payouts_code, whose period comes before the code, and would scan the pay point's payouts).
CREATE INDEX payouts_person ON payouts(pay_point, code, period);
