-- V12: what an asset runs, for the end-of-support rule (issue 17). The operating system and its
-- version (matched to data/support/support.csv), firmware where it matters (network, storage),
-- and an explicit last supported day for anything the support data does not cover (a supplier's
-- end-of-life notice for a switch). All optional: an asset without them is replaced by age alone.

ALTER TABLE assets ADD COLUMN os TEXT CHECK (os IS NULL OR length(trim(os)) > 0);
ALTER TABLE assets ADD COLUMN os_version TEXT
    CHECK (os_version IS NULL OR length(trim(os_version)) > 0);
ALTER TABLE assets ADD COLUMN firmware TEXT
    CHECK (firmware IS NULL OR length(trim(firmware)) > 0);
ALTER TABLE assets ADD COLUMN support_end TEXT CHECK (support_end IS NULL
    OR (date(support_end) IS NOT NULL AND date(support_end) = support_end));

-- A saved run's replacements may now be made for end of support: the reason's CHECK gains
-- 'end_of_support'. SQLite cannot change a CHECK in place, so the table is rebuilt (nothing
-- references it) with its rows and index.
CREATE TABLE forecast_run_items_v12 (
    run_id        INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
    organisation  TEXT NOT NULL,
    asset_tag     TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    year          TEXT,
    reason        TEXT NOT NULL CHECK (reason IN ('age', 'overdue', 'repeat_cycle', 'deferred',
                                                  'end_of_support')),
    cost_pence    INTEGER NOT NULL CHECK (cost_pence >= 0)
);
INSERT INTO forecast_run_items_v12 (run_id, organisation, asset_tag, due_date, year, reason,
                                    cost_pence)
    SELECT run_id, organisation, asset_tag, due_date, year, reason, cost_pence
    FROM forecast_run_items ORDER BY rowid;
DROP TABLE forecast_run_items;
ALTER TABLE forecast_run_items_v12 RENAME TO forecast_run_items;
CREATE INDEX forecast_run_items_by_asset ON forecast_run_items (run_id, organisation, asset_tag);
