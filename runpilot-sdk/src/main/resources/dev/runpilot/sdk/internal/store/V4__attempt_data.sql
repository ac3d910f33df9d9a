-- Schema version 4 (issue 7): key/value data recorded on an attempt by the compute provider (the
-- instance it launched for the attempt) and by the agent (what the instance says about itself).
CREATE TABLE attempt_data (
    run_id  TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (run_id, attempt, key)
) WITHOUT ROWID;
