-- V18: a record an import creates is audited by its batch (issue 18).
-- Until now every asset, line and licence an import added had its own audit row holding the
-- whole record as JSON (about 480 bytes each, a fifth of a large import's time). The record
-- already names the batch that created it (its `batch_id`, set on insert and never changed),
-- and the batch names the file, its hash, the person and the time; the values as imported are
-- the record's current values with its later update rows' old values put back. So from this
-- version an import writes no insert row for a record it creates: `show --history` builds the
-- "created by batch N" entry from the record and its batch, `imports undo` finds what a batch
-- created by `batch_id`, `estate check` holds the two forms to each other. Records added by
-- hand (`estate add`, the web form) keep their insert rows as before.

-- The command line that ran the import (what the insert rows said in their `command`), and
-- the last audit row written before the batch began: `imports undo` asks whether anything
-- touched the batch's records after it, and a batch that only created records has no audit
-- row of its own to count from.
ALTER TABLE import_batches ADD COLUMN command TEXT;
ALTER TABLE import_batches ADD COLUMN audit_before INTEGER;

UPDATE import_batches SET
    command = (SELECT a.command FROM audit_log a
               WHERE a.batch_id = import_batches.batch_id AND a.action <> 'undo'
               ORDER BY a.audit_id LIMIT 1),
    audit_before = (SELECT MIN(a.audit_id) - 1 FROM audit_log a
                    WHERE a.batch_id = import_batches.batch_id AND a.action <> 'undo');

-- The insert rows of import-created records, now said by the record and its batch. A row is
-- removed only where the new form says the same: the record still exists and names this batch,
-- was created at the row's time, by the batch's person and command, and the row's JSON has
-- every field the record has today (26 for an asset, 10 for a line, 14 for a licence; rows
-- written before a field existed are kept and read as they are).
DELETE FROM audit_log
WHERE action = 'insert' AND batch_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM import_batches b WHERE b.batch_id = audit_log.batch_id
              AND b.who = audit_log.who AND b.command = audit_log.command)
  AND ((entity = 'asset'
        AND (SELECT COUNT(*) FROM json_each(audit_log.new_value)) = 26
        AND EXISTS (SELECT 1 FROM assets r WHERE r.asset_id = audit_log.entity_id
                    AND r.batch_id = audit_log.batch_id AND r.created_at = audit_log.at))
    OR (entity = 'phone_line'
        AND (SELECT COUNT(*) FROM json_each(audit_log.new_value)) = 10
        AND EXISTS (SELECT 1 FROM phone_lines r WHERE r.line_id = audit_log.entity_id
                    AND r.batch_id = audit_log.batch_id AND r.created_at = audit_log.at))
    OR (entity = 'licence'
        AND (SELECT COUNT(*) FROM json_each(audit_log.new_value)) = 14
        AND EXISTS (SELECT 1 FROM licences r WHERE r.licence_id = audit_log.entity_id
                    AND r.batch_id = audit_log.batch_id AND r.created_at = audit_log.at)));
