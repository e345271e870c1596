-- V5: a saved forecast run also keeps its running costs (power and carbon, phone lines,
-- licences and the revenue position built from them), so a Cabinet report made from the run
-- a year later shows the running costs as they were forecast then. NULL for runs saved before.
ALTER TABLE forecast_runs ADD COLUMN running_json TEXT;
