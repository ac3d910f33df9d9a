-- Schema version 3: what the HTTP API server keeps. Times are epoch milliseconds (UTC).
-- API tokens, stored as the SHA-256 of the token (hex); the token itself is shown once, at creation.
CREATE TABLE api_tokens (
    id         TEXT    PRIMARY KEY,
    hash       TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,
    project    TEXT,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Agents registered over HTTP: who they are, what they offer, and when they were last heard from.
CREATE TABLE agents (
    id             TEXT    PRIMARY KEY,
    token_id       TEXT    NOT NULL,
    host           TEXT    NOT NULL,
    labels_json    TEXT    NOT NULL,
    resources_json TEXT    NOT NULL,
    slots          INTEGER NOT NULL,
    registered_at  INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL
);

-- The project a run submitted over HTTP belongs to, and the resource class agents are matched on.
CREATE TABLE run_owners (
    run_id         TEXT PRIMARY KEY,
    project        TEXT NOT NULL,
    resource_class TEXT NOT NULL DEFAULT ''
);
CREATE INDEX run_owners_project ON run_owners (project);

-- Idempotency keys of submissions: a repeated POST /v1/runs with the same key returns the first run.
CREATE TABLE idempotency_keys (
    project    TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    run_id     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (project, key)
);
