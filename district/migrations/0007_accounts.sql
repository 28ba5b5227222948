-- The move to bank accounts (issue 18). A device's `account_requested` event becomes a request
-- here (once: the event's id is the key, a retried batch changes nothing). The office confirms it
-- from a period, or refuses it with a reason; a person whose transfer failed is put back on cash
-- for one period. Each decision is also a signed amendment to the pay point's devices, and the
-- rolls the hub publishes from then on list who is paid by account (`RollDocument.by_account`).
CREATE TABLE account_requests (
    event_id      TEXT PRIMARY KEY,
    pay_point     TEXT NOT NULL,
    device        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    code          TEXT NOT NULL,
    bank          TEXT NOT NULL,
    number        TEXT NOT NULL,
    holder        TEXT NOT NULL,
    relationship  TEXT,
    phone         TEXT,
    requested_at  TEXT NOT NULL,
    decision      TEXT CHECK (decision IS NULL OR decision IN ('confirmed', 'refused')),
    from_period   TEXT,
    reason        TEXT,
    decided_at    TEXT,
    amendment     INTEGER,
    CHECK ((decision IS NULL) = (decided_at IS NULL)),
    CHECK (decision IS NOT 'confirmed' OR from_period IS NOT NULL)
);
CREATE INDEX account_requests_person ON account_requests(pay_point, code);

CREATE TABLE account_cash_periods (
    pay_point   TEXT NOT NULL,
    code        TEXT NOT NULL,
    period      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    amendment   INTEGER NOT NULL,
    PRIMARY KEY (pay_point, code, period)
);
