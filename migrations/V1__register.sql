-- V1: the register. Organisations, sites, departments, hardware assets, phone lines,
-- licence entitlements, disposals, import batches, the audit trail, and the reference
-- tables (lives, prices, power profiles, settings) loaded from data/.
--
-- Conventions: plural snake_case tables, <thing>_id keys, dates as ISO YYYY-MM-DD TEXT,
-- money as INTEGER pence (exact; never REAL), other exact quantities as decimal TEXT.
-- Migrations are append-only: never edit this file once released; add V2, V3, ...

CREATE TABLE organisations (
    organisation_id   INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE
                      CHECK (length(code) BETWEEN 2 AND 12 AND code = upper(code)
                             AND code NOT GLOB '*[^A-Z0-9_-]*'),
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    is_shared_service INTEGER NOT NULL DEFAULT 0 CHECK (is_shared_service IN (0, 1)),
    staff_count       INTEGER CHECK (staff_count IS NULL OR staff_count >= 0),
    created_at        TEXT NOT NULL
);

-- How a shared-service organisation's costs are apportioned to its member councils.
-- ratio is a decimal fraction as TEXT ("0.4"); the ratios of one shared service sum to 1.
CREATE TABLE organisation_shares (
    shared_organisation_id INTEGER NOT NULL REFERENCES organisations (organisation_id),
    member_organisation_id INTEGER NOT NULL REFERENCES organisations (organisation_id),
    ratio                  TEXT NOT NULL
                           CHECK (CAST(ratio AS REAL) > 0 AND CAST(ratio AS REAL) <= 1),
    PRIMARY KEY (shared_organisation_id, member_organisation_id),
    CHECK (shared_organisation_id <> member_organisation_id)
);

CREATE TABLE sites (
    site_id         INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (organisation_id),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    staff_count     INTEGER CHECK (staff_count IS NULL OR staff_count >= 0),
    UNIQUE (organisation_id, name)
);

-- Departments and cost centres (a code such as "IT01" and/or a name).
CREATE TABLE departments (
    department_id   INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (organisation_id),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    cost_centre     TEXT,
    UNIQUE (organisation_id, name)
);

CREATE TABLE import_batches (
    batch_id        INTEGER PRIMARY KEY,
    organisation_id INTEGER REFERENCES organisations (organisation_id),
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL CHECK (length(file_sha256) = 64),
    sheet           TEXT,
    profile         TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('hardware', 'lines', 'licences', 'mixed')),
    rows_read       INTEGER NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
    rows_new        INTEGER NOT NULL DEFAULT 0 CHECK (rows_new >= 0),
    rows_changed    INTEGER NOT NULL DEFAULT 0 CHECK (rows_changed >= 0),
    rows_unchanged  INTEGER NOT NULL DEFAULT 0 CHECK (rows_unchanged >= 0),
    rows_rejected   INTEGER NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0),
    summary_json    TEXT,
    imported_at     TEXT NOT NULL,
    undone_at       TEXT
);

CREATE TABLE assets (
    asset_id             INTEGER PRIMARY KEY,
    organisation_id      INTEGER NOT NULL REFERENCES organisations (organisation_id),
    asset_tag            TEXT NOT NULL CHECK (length(trim(asset_tag)) > 0),
    serial               TEXT CHECK (serial IS NULL OR length(trim(serial)) > 0),
    class                TEXT NOT NULL CHECK (class IN ('server', 'storage', 'network', 'desktop',
                             'laptop', 'thin_client', 'monitor', 'tablet', 'mobile', 'mfd',
                             'printer', 'other')),
    manufacturer         TEXT,
    model                TEXT,
    site_id              INTEGER REFERENCES sites (site_id),
    department_id        INTEGER REFERENCES departments (department_id),
    assigned_user        TEXT,
    in_service_date      TEXT CHECK (in_service_date IS NULL
                             OR (date(in_service_date) IS NOT NULL
                                 AND date(in_service_date) = in_service_date)),
    purchase_cost_pence  INTEGER CHECK (purchase_cost_pence IS NULL OR purchase_cost_pence >= 0),
    supplier             TEXT,
    order_ref            TEXT,
    warranty_end         TEXT CHECK (warranty_end IS NULL
                             OR (date(warranty_end) IS NOT NULL
                                 AND date(warranty_end) = warranty_end)),
    funding              TEXT NOT NULL DEFAULT 'purchased'
                             CHECK (funding IN ('purchased', 'leased')),
    lease_end            TEXT CHECK (lease_end IS NULL
                             OR (date(lease_end) IS NOT NULL AND date(lease_end) = lease_end)),
    status               TEXT NOT NULL DEFAULT 'in_use'
                             CHECK (status IN ('in_use', 'in_store', 'retired', 'disposed',
                                               'lost')),
    life_years           INTEGER CHECK (life_years IS NULL OR life_years BETWEEN 1 AND 50),
    power_watts          TEXT CHECK (power_watts IS NULL OR CAST(power_watts AS REAL) >= 0),
    power_hours_per_year INTEGER CHECK (power_hours_per_year IS NULL
                             OR power_hours_per_year BETWEEN 0 AND 8784),
    power_kwh_per_year   TEXT CHECK (power_kwh_per_year IS NULL
                             OR CAST(power_kwh_per_year AS REAL) >= 0),
    notes                TEXT,
    batch_id             INTEGER REFERENCES import_batches (batch_id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (organisation_id, asset_tag),
    UNIQUE (organisation_id, serial),
    -- a lease end belongs only to leased kit
    CHECK (funding = 'leased' OR lease_end IS NULL),
    -- power is given either as kWh a year or as watts (times hours), not both
    CHECK (power_kwh_per_year IS NULL OR power_watts IS NULL)
);
CREATE INDEX assets_by_class ON assets (organisation_id, class, status);

CREATE TABLE phone_lines (
    line_id             INTEGER PRIMARY KEY,
    organisation_id     INTEGER NOT NULL REFERENCES organisations (organisation_id),
    number              TEXT NOT NULL CHECK (length(trim(number)) > 0),
    line_type           TEXT NOT NULL CHECK (line_type IN ('pstn', 'isdn2', 'isdn30', 'adsl',
                            'fttc', 'sogea', 'fttp', 'sip', 'mobile_data')),
    supplier            TEXT,
    site_id             INTEGER REFERENCES sites (site_id),
    monthly_rental_pence INTEGER NOT NULL DEFAULT 0 CHECK (monthly_rental_pence >= 0),
    contract_end        TEXT CHECK (contract_end IS NULL
                            OR (date(contract_end) IS NOT NULL
                                AND date(contract_end) = contract_end)),
    critical_care       INTEGER NOT NULL DEFAULT 0 CHECK (critical_care IN (0, 1)),
    line_use            TEXT,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ceased')),
    notes               TEXT,
    batch_id            INTEGER REFERENCES import_batches (batch_id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (organisation_id, number)
);

CREATE TABLE licences (
    licence_id        INTEGER PRIMARY KEY,
    organisation_id   INTEGER NOT NULL REFERENCES organisations (organisation_id),
    product           TEXT NOT NULL CHECK (length(trim(product)) > 0),
    vendor            TEXT,
    agreement         TEXT NOT NULL DEFAULT '',
    agreement_type    TEXT NOT NULL DEFAULT 'other'
                          CHECK (agreement_type IN ('enterprise_agreement', 'csp', 'perpetual',
                                 'subscription', 'maintenance', 'other')),
    metric            TEXT NOT NULL CHECK (metric IN ('per_user', 'per_device', 'per_core',
                                                      'site')),
    quantity          INTEGER NOT NULL CHECK (quantity >= 0),
    unit_cost_pence   INTEGER NOT NULL CHECK (unit_cost_pence >= 0),
    cost_basis        TEXT NOT NULL CHECK (cost_basis IN ('monthly', 'annual', 'one_off')),
    start_date        TEXT CHECK (start_date IS NULL
                          OR (date(start_date) IS NOT NULL AND date(start_date) = start_date)),
    end_date          TEXT CHECK (end_date IS NULL
                          OR (date(end_date) IS NOT NULL AND date(end_date) = end_date)),
    budget            TEXT NOT NULL DEFAULT 'revenue' CHECK (budget IN ('capital', 'revenue')),
    covers_classes    TEXT,
    category          TEXT,
    notes             TEXT,
    batch_id          INTEGER REFERENCES import_batches (batch_id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (organisation_id, product, agreement, metric),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);

CREATE TABLE disposals (
    disposal_id     INTEGER PRIMARY KEY,
    asset_id        INTEGER NOT NULL UNIQUE REFERENCES assets (asset_id),
    disposal_date   TEXT NOT NULL CHECK (date(disposal_date) IS NOT NULL
                        AND date(disposal_date) = disposal_date),
    method          TEXT NOT NULL CHECK (method IN ('resale', 'recycling', 'destruction',
                        'returned_to_lessor', 'donation')),
    certificate     TEXT,
    contractor      TEXT,
    proceeds_pence  INTEGER CHECK (proceeds_pence IS NULL OR proceeds_pence >= 0),
    notes           TEXT,
    created_at      TEXT NOT NULL
);

-- Every insert, change, disposal and removal of any record. An insert is one row with the
-- whole record as JSON in new_value; a change is one row per field with old and new values.
CREATE TABLE audit_log (
    audit_id    INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    entity      TEXT NOT NULL CHECK (entity IN ('organisation', 'site', 'department', 'asset',
                    'phone_line', 'licence', 'disposal', 'share', 'policy')),
    entity_id   INTEGER NOT NULL,
    organisation_id INTEGER REFERENCES organisations (organisation_id),
    action      TEXT NOT NULL CHECK (action IN ('insert', 'update', 'dispose', 'delete',
                    'undo', 'redact')),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    command     TEXT NOT NULL,
    batch_id    INTEGER REFERENCES import_batches (batch_id)
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_by_batch ON audit_log (batch_id);

-- Reference data loaded from data/ by `estate init` (and re-loadable).

-- Replacement life per class (data/policy/lives.csv).
CREATE TABLE policy_lives (
    class       TEXT PRIMARY KEY CHECK (class IN ('server', 'storage', 'network', 'desktop',
                    'laptop', 'thin_client', 'monitor', 'tablet', 'mobile', 'mfd',
                    'printer', 'other')),
    life_years  INTEGER NOT NULL CHECK (life_years BETWEEN 1 AND 50),
    source      TEXT NOT NULL
);

-- Unit replacement cost per class, optionally per manufacturer+model ('' = any)
-- (data/policy/prices.csv), at the price-base year held in settings.
CREATE TABLE price_book (
    class             TEXT NOT NULL CHECK (class IN ('server', 'storage', 'network', 'desktop',
                          'laptop', 'thin_client', 'monitor', 'tablet', 'mobile', 'mfd',
                          'printer', 'other')),
    manufacturer      TEXT NOT NULL DEFAULT '',
    model             TEXT NOT NULL DEFAULT '',
    unit_cost_pence   INTEGER NOT NULL CHECK (unit_cost_pence >= 0),
    source            TEXT NOT NULL,
    PRIMARY KEY (class, manufacturer, model)
);

-- Typical energy per class and generation (legacy = kit as installed, current = what a
-- replacement bought now draws) (data/power/class-profiles.csv).
CREATE TABLE power_profiles (
    class            TEXT NOT NULL CHECK (class IN ('server', 'storage', 'network', 'desktop',
                         'laptop', 'thin_client', 'monitor', 'tablet', 'mobile', 'mfd',
                         'printer', 'other')),
    generation       TEXT NOT NULL CHECK (generation IN ('legacy', 'current')),
    kwh_per_year     TEXT CHECK (kwh_per_year IS NULL OR CAST(kwh_per_year AS REAL) >= 0),
    watts            TEXT CHECK (watts IS NULL OR CAST(watts AS REAL) >= 0),
    hours_per_year   INTEGER CHECK (hours_per_year IS NULL OR hours_per_year BETWEEN 0 AND 8784),
    source           TEXT NOT NULL,
    PRIMARY KEY (class, generation),
    CHECK (kwh_per_year IS NOT NULL OR (watts IS NOT NULL AND hours_per_year IS NOT NULL))
);

-- Named settings with their sources (data/policy/settings.csv): inflation, price_base,
-- pue, approval thresholds, switch-off date ...
CREATE TABLE settings (
    key     TEXT PRIMARY KEY CHECK (length(key) > 0),
    value   TEXT NOT NULL,
    source  TEXT NOT NULL
);
