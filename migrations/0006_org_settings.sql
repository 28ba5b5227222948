-- Issue 14: the organisation as data. The managing office, the payer, the province and commune,
-- the signers' titles and the payer's fee rate (basis points), as a supervisor last set them.
-- Each change is an `org_set` event (the journal says who changed what) and one row here holding
-- the whole settings after it, as the core's `OrgSettings` serialises them; the papers read the
-- latest row. Rows are only ever added.
CREATE TABLE org_settings (
    event_seq  INTEGER PRIMARY KEY REFERENCES events(seq),
    settings   TEXT NOT NULL CHECK (json_valid(settings))
);
CREATE TRIGGER org_settings_no_update BEFORE UPDATE ON org_settings
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
CREATE TRIGGER org_settings_no_delete BEFORE DELETE ON org_settings
BEGIN SELECT RAISE(ABORT, 'ledger: append-only'); END;
