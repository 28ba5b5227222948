-- Two devices at one pay point (issue 17), as the hub sees them. Each device holds everyone by
-- default unless it was set up as a second device (`hold_default`); hand-overs move people, one
-- row per hand-over with both sides as they arrive (the giving device's `hold_released`, the
-- taking device's `hold_received`), checked against each other. A lost or broken device is
-- revoked by the office: the people it held and had not reported paid go to the device left, and
-- stay listed as uncertain until the commune has checked them on paper.
ALTER TABLE devices ADD COLUMN holds_all INTEGER NOT NULL DEFAULT 1 CHECK (holds_all IN (0, 1));
ALTER TABLE devices ADD COLUMN revoked_at TEXT;
ALTER TABLE devices ADD COLUMN revoked_to TEXT REFERENCES devices(id);

CREATE TABLE handovers (
    id               TEXT PRIMARY KEY,
    pay_point        TEXT NOT NULL REFERENCES pay_points(code),
    period           TEXT NOT NULL,
    via              TEXT NOT NULL CHECK (via IN ('handover', 'revoked')),
    from_device      TEXT NOT NULL,
    -- As the giving device typed it, and the enrolled device it names (NULL: none, or not yet
    -- known because only the taking side has arrived).
    to_typed         TEXT,
    to_device        TEXT,
    codes            TEXT CHECK (codes IS NULL OR json_valid(codes)),
    released_seq     INTEGER,
    released_event   TEXT,
    received_device  TEXT,
    received_codes   TEXT CHECK (received_codes IS NULL OR json_valid(received_codes)),
    received_event   TEXT,
    -- The amendment that passed it to the taking device, when the hub did.
    amendment        INTEGER,
    -- Set once both sides are in and agree, or once a mismatch was flagged.
    checked          TEXT CHECK (checked IS NULL OR checked IN ('matched', 'flagged'))
);
CREATE INDEX handovers_from ON handovers(from_device);

-- Who holds a person, once a hand-over moved them (without a row: the devices that hold all).
CREATE TABLE hub_holds (
    pay_point  TEXT NOT NULL,
    code       TEXT NOT NULL,
    device     TEXT NOT NULL,
    handover   TEXT NOT NULL REFERENCES handovers(id),
    PRIMARY KEY (pay_point, code)
);

-- The people a revoked device held and had not reported paid: the commune checks each on paper.
CREATE TABLE uncertain_people (
    pay_point  TEXT NOT NULL,
    device     TEXT NOT NULL,
    period     TEXT NOT NULL,
    code       TEXT NOT NULL,
    revoked_at TEXT NOT NULL,
    PRIMARY KEY (device, code)
);
