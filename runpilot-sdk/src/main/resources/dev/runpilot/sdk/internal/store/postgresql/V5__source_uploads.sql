-- RunPilot control plane on PostgreSQL, schema version 5, the same change as the SQLite script of the
-- same name: a run submitted to the HTTP server with a source bundle the server's storage does not
-- hold yet stays PENDING, with the SHA-256 of the awaited bundle here, until the bundle is uploaded
-- (or the server's source timeout fails it); NULL for every other run.
ALTER TABLE runs ADD COLUMN source_awaiting TEXT;
CREATE INDEX runs_source_awaiting ON runs (source_awaiting) WHERE source_awaiting IS NOT NULL;
