-- Indexes SQLite never reads. The runs and audit lists take optional filters ("@Status is null or status = @Status"),
-- which SQLite's planner cannot match to an index: it reads those lists newest first in id order and filters them.
-- Yet each of these indexes took a page write in every commit that stored a run: together about half of what a
-- journal commit under webhook load wrote to the log (bench/README.md §Synchronous webhooks). Waiting runs are counted
-- from runs_unfinished. PostgreSQL, which plans each query with its values, keeps them.
drop index if exists runs_by_workflow;
drop index if exists runs_by_workspace;
drop index if exists runs_by_status;
drop index if exists audit_events_workspace;
drop index if exists audit_events_actor;
drop index if exists audit_events_action;
drop index if exists audit_events_target;
