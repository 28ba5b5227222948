-- The chain rule of 0001_hub.sql's events_in_sequence, checked once per statement instead of
-- once per row (a PostgreSQL store only: SQLite's row trigger runs in-process and costs little).
--
-- Why: a batch's events go in as one multi-row INSERT, and the row trigger ran a PL/pgSQL call,
-- a lock and two queries for each event: at the payday peak it was the largest part of the
-- store's work (about 1 ms of a 16-event batch; BENCHMARKS.md, "Payday peak").
--
-- The rule is the same: each new event follows its device's event `seq - 1` and carries that
-- event's hash (the first, seq 1, carries 64 zeros). With UNIQUE (device, seq) that is exactly
-- "the next in sequence, chained": no gap (each event needs the one before it), no second event at
-- a place (the unique index), no going back. The per-device lock is still taken first, so a
-- batch whose predecessor another transaction is still writing waits for it and then sees it
-- (each query of a PL/pgSQL function takes a fresh snapshot under READ COMMITTED).
DROP TRIGGER events_in_sequence ON events;
DROP FUNCTION events_in_sequence();

CREATE FUNCTION events_chained() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('hub.events:' || d.device, 0))
       FROM (SELECT DISTINCT device FROM new_events ORDER BY device) d;
    -- A subquery per new event, not a join: the planner knows nothing of the transition table
    -- and chose to scan every event of the store for a hash join.
    IF EXISTS (
        SELECT 1
          FROM new_events n
         WHERE n.prev_hash IS DISTINCT FROM coalesce(
                   (SELECT p.hash FROM events p WHERE p.device = n.device AND p.seq = n.seq - 1),
                   CASE WHEN n.seq = 1
                        THEN '0000000000000000000000000000000000000000000000000000000000000000'
                   END)
    ) THEN
        RAISE EXCEPTION 'hub: event out of sequence or not chained';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER events_chained AFTER INSERT ON events
REFERENCING NEW TABLE AS new_events
FOR EACH STATEMENT EXECUTE FUNCTION events_chained();
