-- Schema version 6: agent tokens bound to one run and tokens that expire. A token with a run_id is
-- an agent token whose agents may only claim and report on that run (the token a compute provider
-- puts on the machine it launches for the run); expires_at (epoch milliseconds) ends any token.
ALTER TABLE api_tokens ADD COLUMN run_id TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
