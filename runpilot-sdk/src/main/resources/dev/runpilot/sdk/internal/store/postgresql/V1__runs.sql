-- RunPilot control plane on PostgreSQL, schema version 1: the same tables, columns and indexes as
-- the SQLite script of the same name. Times are epoch milliseconds (UTC) in BIGINT columns.
CREATE TABLE runs (
    seq              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    priority         INTEGER NOT NULL,
    job_json         TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    not_before       BIGINT  NOT NULL DEFAULT 0,
    agent_id         TEXT,
    lease_expires_at BIGINT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    exit_code        INTEGER,
    reason           TEXT,
    message          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX runs_queue   ON runs (status, priority DESC, seq);
CREATE INDEX runs_created ON runs (created_at DESC, seq DESC);
CREATE INDEX runs_name    ON runs (name);

CREATE TABLE run_labels (
    run_id TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX run_labels_key_value ON run_labels (key, value);

CREATE TABLE run_dependencies (
    run_id     TEXT NOT NULL,
    depends_on TEXT NOT NULL,
    PRIMARY KEY (run_id, depends_on)
);
CREATE INDEX run_dependencies_target ON run_dependencies (depends_on);

-- Secret values live here only until the run is finished, never in job_json.
CREATE TABLE run_secrets (
    run_id       TEXT PRIMARY KEY,
    secrets_json TEXT NOT NULL
);

CREATE TABLE attempts (
    run_id         TEXT    NOT NULL,
    number         INTEGER NOT NULL,
    agent_id       TEXT    NOT NULL,
    host           TEXT    NOT NULL,
    started_at     BIGINT  NOT NULL,
    ended_at       BIGINT,
    exit_code      INTEGER,
    reason         TEXT,
    message        TEXT    NOT NULL DEFAULT '',
    pid            BIGINT,
    pid_started_at BIGINT,
    PRIMARY KEY (run_id, number)
);

-- seq comes from an identity: unique under concurrent writers, but a transaction may commit after
-- one with a higher seq (RunStore.eventsAfter allows for that).
CREATE TABLE events (
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    message     TEXT    NOT NULL
);
CREATE INDEX events_run ON events (run_id, seq);

CREATE TABLE log_lines (
    run_id  TEXT    NOT NULL,
    seq     BIGINT  NOT NULL,
    attempt INTEGER NOT NULL,
    at      BIGINT  NOT NULL,
    stream  TEXT    NOT NULL,
    text    TEXT    NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE metric_points (
    run_id  TEXT             NOT NULL,
    name    TEXT             NOT NULL,
    seq     BIGINT           NOT NULL,
    step    BIGINT           NOT NULL,
    value   DOUBLE PRECISION NOT NULL,
    at      BIGINT           NOT NULL,
    attempt INTEGER          NOT NULL,
    PRIMARY KEY (run_id, name, seq)
);
