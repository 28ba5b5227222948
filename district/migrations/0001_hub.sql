-- The district hub's store: pay points, their rolls, enrolled devices, every event each device
-- sent (exactly once), the receipts given, the district's amendments, and the flags raised.

CREATE TABLE hub_key (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    secret_key   TEXT NOT NULL CHECK (length(secret_key) = 64),
    public_key   TEXT NOT NULL CHECK (length(public_key) = 64),
    created_at   TEXT NOT NULL
);

CREATE TABLE pay_points (
    code        TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 32),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- A roll as imported; `document` is the signed roll once published.
CREATE TABLE rolls (
    id            INTEGER PRIMARY KEY,
    pay_point     TEXT NOT NULL REFERENCES pay_points(code),
    period        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    roll          TEXT NOT NULL CHECK (json_valid(roll)),
    total         INTEGER NOT NULL,
    beneficiaries INTEGER NOT NULL,
    source        TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    document      TEXT,
    published_at  TEXT,
    UNIQUE (pay_point, period, version)
);

CREATE TABLE enrol_codes (
    code_sha256  TEXT PRIMARY KEY,
    pay_point    TEXT NOT NULL REFERENCES pay_points(code),
    created_at   TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_by      TEXT,
    used_at      TEXT
);

CREATE TABLE devices (
    id              TEXT PRIMARY KEY,
    pay_point       TEXT NOT NULL REFERENCES pay_points(code),
    public_key      TEXT NOT NULL UNIQUE,
    enrolled_at     TEXT NOT NULL,
    accepted_seq    INTEGER NOT NULL DEFAULT 0,
    head_hash       TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    last_sync_at    TEXT
);

-- Nonces seen, for replay protection (kept for twice the clock window).
CREATE TABLE nonces (
    device  TEXT NOT NULL,
    nonce   TEXT NOT NULL,
    ts      INTEGER NOT NULL,
    PRIMARY KEY (device, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_ts ON nonces(ts);

-- Every event of every device, once (by its UUID), in its device's sequence.
CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    device       TEXT NOT NULL REFERENCES devices(id),
    pay_point    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    clerk        INTEGER,
    local_time   TEXT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    UNIQUE (device, seq)
);
CREATE INDEX events_pay_point ON events(pay_point);
CREATE TRIGGER events_in_sequence BEFORE INSERT ON events
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM events WHERE device = NEW.device)
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM events WHERE device = NEW.device AND seq = NEW.seq - 1),
                                   '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'hub: event out of sequence or not chained'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'hub: events are never changed'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'hub: events are never deleted'); END;

-- The receipt given for each batch: the same batch sent again gets these same bytes.
CREATE TABLE batches (
    batch_id     TEXT PRIMARY KEY,
    device       TEXT NOT NULL,
    body_sha256  TEXT NOT NULL,
    receipt      TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

-- Amendments for the devices of a pay point: stops reported at the district, roll versions.
CREATE TABLE amendments (
    id          INTEGER PRIMARY KEY,
    pay_point   TEXT NOT NULL REFERENCES pay_points(code),
    seq         INTEGER NOT NULL,
    document    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (pay_point, seq)
);

-- Stops known at the hub (reported at the district or by any device), by pay point and code.
CREATE TABLE stops (
    pay_point  TEXT NOT NULL,
    code       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    date       TEXT,
    source     TEXT NOT NULL,
    PRIMARY KEY (pay_point, code)
);

-- Payouts as the devices recorded them; `reversed_by` set when a reversal event arrives.
CREATE TABLE payouts (
    id           TEXT PRIMARY KEY,
    pay_point    TEXT NOT NULL,
    device       TEXT NOT NULL,
    period       TEXT NOT NULL,
    code         TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    paid_at      TEXT NOT NULL,
    reversed_by  TEXT
);
CREATE INDEX payouts_code ON payouts(pay_point, period, code);

CREATE TABLE flags (
    id          INTEGER PRIMARY KEY,
    pay_point   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    code        TEXT NOT NULL,
    period      TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    other       TEXT,
    detail      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
