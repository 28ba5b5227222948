-- Two devices at one pay point (issue 17): each beneficiary is held by exactly one device, and a
-- device pays only the people it holds. Without a row here a person is held as the device's
-- default says: the first device of a pay point holds everyone; a device set up as the second
-- (`paypoint hold second`) holds nobody until people are handed over to it. A hand-over is a pair
-- of events, `hold_released` on the device that gives and `hold_received` on the one that takes;
-- each writes its people's rows here in the same transaction. Rows change as people move: this
-- is who may pay, not money (the payouts stay append-only).
CREATE TABLE hold_default (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    holds_all   INTEGER NOT NULL CHECK (holds_all IN (0, 1)),
    event_seq   INTEGER REFERENCES events(seq)
);
INSERT INTO hold_default (singleton, holds_all) VALUES (1, 1);

CREATE TABLE holds (
    code         TEXT PRIMARY KEY,
    held_here    INTEGER NOT NULL CHECK (held_here IN (0, 1)),
    -- The device that holds the person when this one does not, for the card to name it.
    device_id    TEXT,
    device_name  TEXT,
    handover     TEXT NOT NULL,
    event_seq    INTEGER NOT NULL REFERENCES events(seq),
    CHECK (held_here = 1 OR (device_id IS NOT NULL AND device_name IS NOT NULL))
);

-- The hand-overs this device gave, each with its signed file (written again if the first copy
-- was lost or the device stopped before writing it).
CREATE TABLE handovers_given (
    handover   TEXT PRIMARY KEY,
    to_device  TEXT NOT NULL,
    file       TEXT NOT NULL CHECK (json_valid(file)),
    event_seq  INTEGER NOT NULL REFERENCES events(seq)
);
-- The hand-overs this device took: each once (the store refuses a second import too).
CREATE TABLE handovers_received (
    handover     TEXT PRIMARY KEY,
    from_device  TEXT NOT NULL,
    event_seq    INTEGER NOT NULL REFERENCES events(seq)
);

-- A payout of a person this device does not hold, whoever writes it.
CREATE TRIGGER payouts_held_here BEFORE INSERT ON payouts
WHEN NOT coalesce(
    (SELECT h.held_here FROM holds h JOIN beneficiaries b ON b.code = h.code WHERE b.id = NEW.beneficiary_id),
    (SELECT holds_all FROM hold_default))
BEGIN
    SELECT RAISE(ABORT, 'ledger: held by another device');
END;
