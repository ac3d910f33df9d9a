-- RunPilot control plane on PostgreSQL, schema version 6: the same columns as the SQLite script of
-- the same name: agent tokens bound to one run, and token expiry (epoch milliseconds).
ALTER TABLE api_tokens ADD COLUMN run_id TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
