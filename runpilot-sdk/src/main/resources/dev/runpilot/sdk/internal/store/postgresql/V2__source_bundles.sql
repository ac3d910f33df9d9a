-- Schema version 2: a run may carry a source bundle kept in storage (its key, content address and
-- what it holds), as JSON written by the submitting client and read by the agent that claims it.
ALTER TABLE runs ADD COLUMN source_json TEXT;
