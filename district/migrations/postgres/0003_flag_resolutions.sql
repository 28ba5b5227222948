-- ../0009_flag_resolutions.sql on PostgreSQL (see 0001_hub.sql for the translation rules).
CREATE TABLE flag_resolutions (
    flag        BIGINT PRIMARY KEY REFERENCES flags(id),
    resolution  TEXT NOT NULL CHECK (resolution IN ('recovered', 'explained', 'false_alarm')),
    note        TEXT NOT NULL CHECK (length(note) > 0),
    login       TEXT,
    resolved_at TEXT NOT NULL
);

CREATE FUNCTION flag_resolutions_no_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hub: a flag''s resolution is never changed';
END;
$$;
CREATE TRIGGER flag_resolutions_no_update BEFORE UPDATE ON flag_resolutions
FOR EACH ROW EXECUTE FUNCTION flag_resolutions_no_update();

CREATE FUNCTION flag_resolutions_no_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hub: a flag''s resolution is never deleted';
END;
$$;
CREATE TRIGGER flag_resolutions_no_delete BEFORE DELETE ON flag_resolutions
FOR EACH ROW EXECUTE FUNCTION flag_resolutions_no_delete();
