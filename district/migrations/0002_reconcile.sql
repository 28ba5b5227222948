-- Issue 12: the managing office's published roll is the only truth about who is owed what. The
-- lines of every published version, to check each payout line against; and the amount at stake
-- of each flag. Rolls published before this migration are filled in from their stored JSON.
CREATE TABLE roll_lines (
    pay_point  TEXT NOT NULL,
    period     TEXT NOT NULL,
    version    INTEGER NOT NULL,
    code       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    amount     INTEGER NOT NULL
);
CREATE INDEX roll_lines_code ON roll_lines(pay_point, period, code, version);
INSERT INTO roll_lines (pay_point, period, version, code, kind, amount)
SELECT r.pay_point, r.period, r.version,
       json_extract(e.value, '$.code'), json_extract(l.value, '$.kind'), json_extract(l.value, '$.amount')
FROM rolls r, json_each(r.roll, '$.entries') e, json_each(e.value, '$.lines') l
WHERE r.published_at IS NOT NULL;

ALTER TABLE flags ADD COLUMN amount INTEGER NOT NULL DEFAULT 0;
