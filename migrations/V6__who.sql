-- V6: who made each change. Several people in a shared service use one register, so every
-- audit row and every import batch names the person (the operating-system user, or
-- `--as NAME` / ESTATE_USER) beside the command. Rows written before this version say
-- 'unknown'. A person's name is personal data: `forget-user` redacts these columns too
-- (register::store::REDACTABLE).
ALTER TABLE audit_log ADD COLUMN who TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE import_batches ADD COLUMN who TEXT NOT NULL DEFAULT 'unknown';
