-- V16: OS upgrades instead of replacement, and support in saved runs (issue 17).
-- An asset's processor, e.g. "Intel Core i5-8350U": Windows 10 kit whose processor is on Microsoft's
-- list for Windows 11 (data/support/windows11-processors.csv) is upgraded, not replaced, when
-- Windows 10 leaves support.
ALTER TABLE assets ADD COLUMN cpu TEXT CHECK (cpu IS NULL OR length(trim(cpu)) > 0);

-- What each asset of a saved run ran, as the run saw it: its release's name and dates, its recorded
-- support end and the OS upgrade its hardware allowed (JSON; `{}` when nothing is known of it). NULL
-- for runs saved before V16, whose support cannot be told. `runs diff` replays a run with it, so
-- movement from changed support data is its own cause, not "not reproduced".
ALTER TABLE forecast_run_assets ADD COLUMN support_json TEXT
    CHECK (support_json IS NULL OR json_valid(support_json));
