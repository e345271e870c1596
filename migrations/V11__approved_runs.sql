-- V11: the approved programme. `estate runs approve N --minute "Cabinet 12 Feb 2026, min. 87"`
-- marks a saved run as the programme a decision-making body approved, so later proposals are
-- compared against it. Every approval is kept (who, when, the minute, the command); the one in
-- force for a scope (a run's organisation, or the whole register when the run was not limited
-- to one) is the latest approval of a run of that scope: approving another run of the same
-- scope supersedes the earlier one without deleting it. The audit trail also records each
-- approval (entity 'policy', field 'approved_run': the approved programme is the policy
-- proposals are measured against). The minute and who may name people: forget-user redacts
-- them (register::store::REDACTABLE).
--
-- Append-only: never edit this file once released.

CREATE TABLE run_approvals (
    approval_id  INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
    minute       TEXT NOT NULL CHECK (length(trim(minute)) > 0),
    approved_at  TEXT NOT NULL,
    who          TEXT NOT NULL,
    command      TEXT NOT NULL
);
CREATE INDEX run_approvals_by_run ON run_approvals (run_id);
