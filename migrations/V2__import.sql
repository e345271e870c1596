-- V2: what undoing an import needs. Before an import changes an existing asset, line or
-- licence it keeps the whole row as it was (as JSON of its columns), so `estate imports undo`
-- can put it back exactly, timestamps included. Rows an import added are found through the
-- audit trail's inserts for its batch.

CREATE TABLE import_prior_rows (
    batch_id   INTEGER NOT NULL REFERENCES import_batches (batch_id),
    entity     TEXT NOT NULL CHECK (entity IN ('asset', 'phone_line', 'licence')),
    entity_id  INTEGER NOT NULL,
    row_json   TEXT NOT NULL CHECK (json_valid(row_json)),
    PRIMARY KEY (batch_id, entity, entity_id)
);

CREATE INDEX assets_by_batch ON assets (batch_id);
