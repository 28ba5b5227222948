-- Where each roll version came from (issue 12): the managing office's signed roll pulled from
-- the hub, a file the pay point loaded itself (unsigned: allowed only before the device enrols),
-- or demo data. Insert-only, like the rolls themselves. Rolls loaded before this migration are
-- classified by what the ledger recorded of them: the hub's source text, or the demo flag.
CREATE TABLE roll_origins (
    roll_id  INTEGER PRIMARY KEY REFERENCES rolls(id),
    origin   TEXT NOT NULL CHECK (origin IN ('hub', 'file', 'demo'))
);
INSERT INTO roll_origins (roll_id, origin)
SELECT id,
       CASE WHEN is_demo = 1 THEN 'demo'
            WHEN source LIKE 'huyện:%' THEN 'hub'
            ELSE 'file' END
FROM rolls;
CREATE TRIGGER roll_origins_no_update BEFORE UPDATE ON roll_origins
BEGIN SELECT RAISE(ABORT, 'ledger: a roll''s origin is never changed'); END;
CREATE TRIGGER roll_origins_no_delete BEFORE DELETE ON roll_origins
BEGIN SELECT RAISE(ABORT, 'ledger: a roll''s origin is never deleted'); END;
