-- V19: the register page in a browser (issue 14) at a million assets. A page is found one of two
-- ways (register::store::page_assets): when its filters match few assets, through an index of
-- a filter and the matches sorted; when they match many, by walking the index of the page's
-- order and testing each asset. So each filter has an index, each order an index on (key,
-- asset_id), and the search (the start of a tag, serial, model or assigned user) an index range
-- for each (tags and serials use V7's identity keys).

-- Filters (organisation and class/status within one also use V1's assets_by_class).
CREATE INDEX assets_by_site ON assets (site_id);
CREATE INDEX assets_by_department ON assets (department_id);
CREATE INDEX assets_by_status ON assets (status);

-- Orders (tag and in-service date have V13's), the class one also the class filter's.
CREATE INDEX assets_by_class_order ON assets (class, asset_id);
CREATE INDEX assets_by_model ON assets (COALESCE(model, '') COLLATE NOCASE, asset_id);
CREATE INDEX assets_by_cost ON assets (COALESCE(purchase_cost_pence, -1), asset_id);

-- Search by assigned user (model: assets_by_model; tag and serial: V7's keys).
CREATE INDEX assets_by_user ON assets (assigned_user COLLATE NOCASE);
