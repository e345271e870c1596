-- V15: how the capital programme is paid for. `estate funding set 2026/27 borrowing 60%`
-- records, per financial year, a source of funding (capital receipts, prudential borrowing,
-- revenue contributions to capital (RCCO), reserves, grants, external contributions) as an
-- amount or as a share of the year's programme, for one organisation or for the whole
-- register (organisation_id NULL). One row per scope, year and source: setting it again
-- replaces it. Amounts are integer pence; a share is an exact decimal fraction as TEXT
-- (0.6 for 60%), never REAL. Each change writes an audit row (entity 'policy', field
-- 'funding.YEAR.SOURCE[.ORG]') with the command and who ran it.
--
-- Append-only: never edit this file once released.

CREATE TABLE funding_sources (
    funding_id      INTEGER PRIMARY KEY,
    organisation_id INTEGER REFERENCES organisations (organisation_id) ON DELETE CASCADE,
    year            TEXT NOT NULL CHECK (year GLOB '[0-9][0-9][0-9][0-9]/[0-9][0-9]'),
    source          TEXT NOT NULL CHECK (source IN ('capital_receipts', 'borrowing',
                        'revenue_contribution', 'reserves', 'grants', 'external')),
    amount_pence    INTEGER CHECK (amount_pence IS NULL OR amount_pence >= 0),
    share           TEXT CHECK (share IS NULL OR share GLOB '[0-9]*'),
    CHECK ((amount_pence IS NULL) <> (share IS NULL))
);
CREATE UNIQUE INDEX funding_sources_one
    ON funding_sources (ifnull(organisation_id, 0), year, source);
