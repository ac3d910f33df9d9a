-- RunPilot control plane on PostgreSQL, schema version 4: the same table as the SQLite script of the
-- same name: key/value data recorded on an attempt by the compute provider (the instance it
-- launched for the attempt) and by the agent (what the instance says about itself).
CREATE TABLE attempt_data (
    run_id  TEXT    NOT NULL,
    attempt INTEGER NOT NULL,
    key     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (run_id, attempt, key)
);
