-- V4: running costs. Reference data for the power, phone-line and licence forecasts (loaded
-- from data/ like V1's, and replaced by `estate policy load`), and the model-level power
-- profiles `estate power profiles import` matches from ENERGY STAR lists (register data: a
-- policy reload keeps them).
--
-- Exact quantities (kWh, kgCO2e, £ per kWh) are decimal TEXT, never REAL; money is pence.
-- Append-only: never edit this file once released; add V5, V6, ...

-- Electricity price per financial year, £ per kWh ex VAT (data/power/tariffs.csv).
CREATE TABLE power_tariffs (
    year         TEXT PRIMARY KEY CHECK (year GLOB '[12][0-9][0-9][0-9]/[0-9][0-9]'),
    gbp_per_kwh  TEXT NOT NULL CHECK (CAST(gbp_per_kwh AS REAL) >= 0),
    source       TEXT NOT NULL CHECK (length(trim(source)) > 0)
);

-- UK grid electricity carbon factors by edition of the UK Government GHG conversion factors,
-- kgCO2e per kWh: generation (Scope 2) and transmission & distribution losses (Scope 3)
-- (data/power/carbon-factors.csv).
CREATE TABLE carbon_factors (
    edition                    INTEGER PRIMARY KEY CHECK (edition BETWEEN 1990 AND 2199),
    generation                 TEXT NOT NULL CHECK (CAST(generation AS REAL) >= 0),
    transmission_distribution  TEXT NOT NULL CHECK (CAST(transmission_distribution AS REAL) >= 0),
    source                     TEXT NOT NULL CHECK (length(trim(source)) > 0)
);

-- Per line type: whether the PSTN/ISDN switch-off ends it, what it migrates to and the one-off
-- cost of migrating it (data/lines/line-costs.csv).
CREATE TABLE line_costs (
    line_type             TEXT PRIMARY KEY CHECK (line_type IN ('pstn', 'isdn2', 'isdn30', 'adsl',
                              'fttc', 'sogea', 'fttp', 'sip', 'mobile_data')),
    switch_off            INTEGER NOT NULL CHECK (switch_off IN (0, 1)),
    migrate_to            TEXT CHECK (migrate_to IS NULL OR migrate_to IN ('pstn', 'isdn2',
                              'isdn30', 'adsl', 'fttc', 'sogea', 'fttp', 'sip', 'mobile_data')),
    migration_cost_pence  INTEGER NOT NULL CHECK (migration_cost_pence >= 0),
    source                TEXT NOT NULL CHECK (length(trim(source)) > 0)
);

-- Names the same licensed product goes by, its category, and how its licences are checked
-- (data/licences/product-synonyms.csv). alias_key is the alias folded (case, spaces,
-- punctuation, bracketed notes) for matching; per_device is NULL, 'not_held' or classes
-- separated by ';'.
CREATE TABLE product_synonyms (
    alias_key   TEXT PRIMARY KEY CHECK (length(alias_key) > 0),
    alias       TEXT NOT NULL,
    product     TEXT NOT NULL CHECK (length(trim(product)) > 0),
    category    TEXT,
    per_user    TEXT NOT NULL DEFAULT 'all_staff' CHECK (per_user IN ('all_staff', 'named_users')),
    per_device  TEXT,
    source      TEXT NOT NULL CHECK (length(trim(source)) > 0)
);

-- Certified annual energy for a manufacturer + model in the register, matched from an ENERGY STAR
-- list. manufacturer and model are the register's text; matching folds case, spaces and hyphens.
CREATE TABLE power_model_profiles (
    manufacturer     TEXT NOT NULL CHECK (length(trim(manufacturer)) > 0),
    model            TEXT NOT NULL CHECK (length(trim(model)) > 0),
    kwh_per_year     TEXT NOT NULL CHECK (CAST(kwh_per_year AS REAL) >= 0),
    certified_model  TEXT NOT NULL,
    energystar_ids   TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (length(trim(source)) > 0),
    imported_at      TEXT NOT NULL,
    PRIMARY KEY (manufacturer, model)
);
