-- V3: the refresh forecast. Model-level life rules and the programme-line mapping (reference
-- data loaded from data/ like V1's), and saved forecast runs: every assumption, the register
-- state (import batches and the assets the run saw) and every result line, so a programme put
-- in front of Cabinet can be reproduced and explained a year later.
--
-- Append-only: never edit this file once released; add V4, V5, ...

-- Replacement life per manufacturer + model (data/policy/model-lives.csv). Matching ignores
-- case, spaces and hyphens; the columns keep the text as written.
CREATE TABLE policy_model_lives (
    manufacturer TEXT NOT NULL CHECK (length(trim(manufacturer)) > 0),
    model        TEXT NOT NULL CHECK (length(trim(model)) > 0),
    life_years   INTEGER NOT NULL CHECK (life_years BETWEEN 1 AND 50),
    source       TEXT NOT NULL,
    PRIMARY KEY (manufacturer, model)
);

-- Which Cabinet programme line each class is reported on (data/programme-lines.csv).
CREATE TABLE programme_lines (
    class       TEXT PRIMARY KEY CHECK (class IN ('server', 'storage', 'network', 'desktop',
                    'laptop', 'thin_client', 'monitor', 'tablet', 'mobile', 'mfd',
                    'printer', 'other')),
    line        TEXT NOT NULL CHECK (length(trim(line)) > 0),
    line_order  INTEGER NOT NULL CHECK (line_order >= 0),
    source      TEXT NOT NULL
);

-- A saved forecast run. The JSON columns hold the whole record (assumptions as used, the
-- register state, the result); the plain columns are there to list and compare runs.
CREATE TABLE forecast_runs (
    run_id            INTEGER PRIMARY KEY,
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    created_at        TEXT NOT NULL,
    command           TEXT NOT NULL,
    first_year        TEXT NOT NULL CHECK (first_year GLOB '[12][0-9][0-9][0-9]/[0-9][0-9]'),
    years             INTEGER NOT NULL CHECK (years BETWEEN 1 AND 50),
    scenario          TEXT,
    organisation      TEXT,
    capped            INTEGER NOT NULL CHECK (capped IN (0, 1)),
    assets_in_scope   INTEGER NOT NULL CHECK (assets_in_scope >= 0),
    funded_pence      INTEGER NOT NULL,
    unfunded_pence    INTEGER NOT NULL,
    assumptions_json  TEXT NOT NULL,
    register_json     TEXT NOT NULL,
    result_json       TEXT NOT NULL
);

-- The funded programme of a run: programme line x financial year, in pence.
CREATE TABLE forecast_run_lines (
    run_id        INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
    line          TEXT NOT NULL,
    line_order    INTEGER NOT NULL,
    year          TEXT NOT NULL,
    amount_pence  INTEGER NOT NULL,
    PRIMARY KEY (run_id, line, year)
);

-- The in-scope assets a run saw, with the life and unit price the rules gave each: the
-- register state that `runs diff` explains changes with.
CREATE TABLE forecast_run_assets (
    run_id           INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
    organisation     TEXT NOT NULL,
    asset_tag        TEXT NOT NULL,
    class            TEXT NOT NULL,
    status           TEXT NOT NULL,
    funding          TEXT NOT NULL,
    manufacturer     TEXT,
    model            TEXT,
    site             TEXT,
    department       TEXT,
    in_service_date  TEXT,
    lease_end        TEXT,
    life_years       INTEGER NOT NULL,
    unit_cost_pence  INTEGER NOT NULL,
    PRIMARY KEY (run_id, organisation, asset_tag)
);

-- Every replacement a run forecast: funded in `year`, or unfunded at the horizon's end (year
-- NULL). due_date is the date it fell due by the rules (before the horizon when overdue).
CREATE TABLE forecast_run_items (
    run_id        INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
    organisation  TEXT NOT NULL,
    asset_tag     TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    year          TEXT,
    reason        TEXT NOT NULL CHECK (reason IN ('age', 'overdue', 'repeat_cycle', 'deferred')),
    cost_pence    INTEGER NOT NULL CHECK (cost_pence >= 0)
);
CREATE INDEX forecast_run_items_by_asset ON forecast_run_items (run_id, organisation, asset_tag);
