-- RunPilot control plane, schema version 1. Times are epoch milliseconds (UTC).
CREATE TABLE runs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    priority         INTEGER NOT NULL,
    job_json         TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    not_before       INTEGER NOT NULL DEFAULT 0,
    agent_id         TEXT,
    lease_expires_at INTEGER,
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
) WITHOUT ROWID;
CREATE INDEX run_labels_key_value ON run_labels (key, value);

CREATE TABLE run_dependencies (
    run_id     TEXT NOT NULL,
    depends_on TEXT NOT NULL,
    PRIMARY KEY (run_id, depends_on)
) WITHOUT ROWID;
CREATE INDEX run_dependencies_target ON run_dependencies (depends_on);

-- Secret values live here only until the run is finished, never in job_json.
CREATE TABLE run_secrets (
    run_id       TEXT PRIMARY KEY,
    secrets_json TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE attempts (
    run_id         TEXT    NOT NULL,
    number         INTEGER NOT NULL,
    agent_id       TEXT    NOT NULL,
    host           TEXT    NOT NULL,
    started_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    exit_code      INTEGER,
    reason         TEXT,
    message        TEXT    NOT NULL DEFAULT '',
    pid            INTEGER,
    pid_started_at INTEGER,
    PRIMARY KEY (run_id, number)
) WITHOUT ROWID;

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    message     TEXT    NOT NULL
);
CREATE INDEX events_run ON events (run_id, seq);

CREATE TABLE log_lines (
    run_id  TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    stream  TEXT    NOT NULL,
    text    TEXT    NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

CREATE TABLE metric_points (
    run_id  TEXT    NOT NULL,
    name    TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    step    INTEGER NOT NULL,
    value   REAL    NOT NULL,
    at      INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    PRIMARY KEY (run_id, name, seq)
) WITHOUT ROWID;
