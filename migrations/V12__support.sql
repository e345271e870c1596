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
