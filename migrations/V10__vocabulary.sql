-- The register's own vocabulary: words people teach estate (`estate vocabulary add`), used by
-- every import on top of the built-in words in data/. One row a word; removing it deletes the
-- row (the audit trail keeps who added and removed it).
CREATE TABLE vocabulary (
    vocabulary_id INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('class', 'heading', 'status', 'model',
                    'placeholder')),
    word        TEXT NOT NULL CHECK (length(trim(word)) > 0),
    -- The word as compared: lowercase, every run of other than letters and digits one space.
    word_key    TEXT NOT NULL CHECK (length(word_key) > 0),
    -- What it means: a class, a field, a status ('' for a placeholder).
    meaning     TEXT NOT NULL,
    -- A model rule's maker, when given.
    maker       TEXT,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    UNIQUE (kind, word_key)
);
