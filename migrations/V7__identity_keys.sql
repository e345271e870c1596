-- V7: one identity rule for asset tags and serial numbers. Two tags (or serials) are the same
-- when they are equal after trimming, Unicode NFC normalisation, removing zero-width and control
-- characters, and ignoring case (`PC-1` and ` pc-1` with a zero-width space are one tag). The
-- key is kept beside each value, so a lookup is an index search; the values themselves stay as
-- typed. estate_identity_key() is estate's own function (domain::identity::key), registered on
-- the connection that runs the migrations. Keys are not UNIQUE: a register written before this
-- rule may hold two tags that are now the same; estate refuses a new one and `estate check`
-- names the old ones.

ALTER TABLE assets ADD COLUMN tag_key TEXT;
ALTER TABLE assets ADD COLUMN serial_key TEXT;
UPDATE assets SET tag_key = estate_identity_key(asset_tag), serial_key = estate_identity_key(serial);
CREATE INDEX assets_by_tag_key ON assets (organisation_id, tag_key);
CREATE INDEX assets_by_serial_key ON assets (organisation_id, serial_key);
