-- V13: people who use estate in a browser or through its API (`estate serve`, issue 14), their
-- sessions and API tokens, failed sign-ins (for the rate limit), and the trail of changes to
-- accounts. Secrets are never stored: a password is an argon2id hash (PHC string), a session id
-- and an API token are stored as their SHA-256 (they are 256-bit random values, so a fast hash
-- is enough). Times used for expiry are Unix seconds (UTC).

CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    -- 1 while the password is a one-time password estate made and printed.
    one_time      INTEGER NOT NULL DEFAULT 0 CHECK (one_time IN (0, 1)),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    session_hash  TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_used     TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- Failed sign-ins only, kept for the rate limit's window and then pruned.
CREATE TABLE login_failures (
    failure_id    INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    account       TEXT NOT NULL COLLATE NOCASE,
    address       TEXT NOT NULL
);
CREATE INDEX login_failures_by_account ON login_failures (account, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at);

-- Changes to accounts, with who made them (the audit trail of the register's records is
-- audit_log, whose entity CHECK predates accounts).
CREATE TABLE user_audit (
    audit_id      INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (user_id),
    action        TEXT NOT NULL CHECK (action IN ('add', 'disable', 'reset', 'token', 'role')),
    detail        TEXT,
    command       TEXT NOT NULL,
    who           TEXT NOT NULL
);
CREATE INDEX user_audit_by_user ON user_audit (user_id);

-- The register page in a browser is sorted and paged by keyset
-- (WHERE (key, asset_id) > (?, ?) LIMIT n): these indexes make any page as fast as the first.
CREATE INDEX assets_by_tag ON assets (asset_tag, asset_id);
CREATE INDEX assets_by_in_service ON assets (COALESCE(in_service_date, ''), asset_id);
