-- Sync with the district hub (issue 6): this device's key pair, the hub it is enrolled with,
-- where it stands in the exchange, and every signed receipt the hub gave it.
--
-- The secret key never leaves this file: it is not printed, logged or sent.

CREATE TABLE sync_device_key (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    secret_key   TEXT NOT NULL CHECK (length(secret_key) = 64),
    public_key   TEXT NOT NULL CHECK (length(public_key) = 64),
    created_at   TEXT NOT NULL
);
CREATE TRIGGER sync_device_key_no_update BEFORE UPDATE ON sync_device_key
BEGIN SELECT RAISE(ABORT, 'ledger: the device key is never changed'); END;
CREATE TRIGGER sync_device_key_no_delete BEFORE DELETE ON sync_device_key
BEGIN SELECT RAISE(ABORT, 'ledger: the device key is never deleted'); END;

-- The hub this device is enrolled with, and the hub's public key (every roll, amendment and
-- receipt is verified against it).
CREATE TABLE sync_hub (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    url             TEXT NOT NULL,
    hub_public_key  TEXT NOT NULL CHECK (length(hub_public_key) = 64),
    enrolled_at     TEXT NOT NULL
);

-- Where the exchange stands. Updated in place: it is bookkeeping of the exchange, not ledger
-- facts (those are the events and the receipts).
CREATE TABLE sync_state (
    singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
    amendment_cursor  INTEGER NOT NULL DEFAULT 0 CHECK (amendment_cursor >= 0),
    acked_seq         INTEGER NOT NULL DEFAULT 0 CHECK (acked_seq >= 0),
    sent_seq          INTEGER NOT NULL DEFAULT 0 CHECK (sent_seq >= 0),
    last_attempt_at   TEXT,
    last_success_at   TEXT,
    last_error        TEXT
);
INSERT INTO sync_state (singleton) VALUES (1);

-- Every signed receipt, as received: the device's proof of delivery. Append-only.
CREATE TABLE sync_receipts (
    id                INTEGER PRIMARY KEY,
    batch_id          TEXT NOT NULL UNIQUE,
    accepted_through  INTEGER NOT NULL,
    flags             INTEGER NOT NULL DEFAULT 0,
    receipt           TEXT NOT NULL CHECK (json_valid(receipt)),
    received_at       TEXT NOT NULL
);
CREATE TRIGGER sync_receipts_no_update BEFORE UPDATE ON sync_receipts
BEGIN SELECT RAISE(ABORT, 'ledger: receipts are never changed'); END;
CREATE TRIGGER sync_receipts_no_delete BEFORE DELETE ON sync_receipts
BEGIN SELECT RAISE(ABORT, 'ledger: receipts are never deleted'); END;

-- Amendments from the district already applied (by their id in the pay point's stream), with
-- the signed amendment and the event that applied it (none when nothing had to change).
CREATE TABLE sync_amendments (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    amendment   TEXT NOT NULL CHECK (json_valid(amendment)),
    event_seq   INTEGER REFERENCES events(seq),
    applied_at  TEXT NOT NULL
);
CREATE TRIGGER sync_amendments_no_update BEFORE UPDATE ON sync_amendments
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER sync_amendments_no_delete BEFORE DELETE ON sync_amendments
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
