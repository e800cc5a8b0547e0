-- The audit log (README §Audit log): who did what, when, from where. Rows are only ever appended; the only delete is
-- retention (ChatFlows:Audit:RetainFor), by age. Times are Unix milliseconds; pages are read newest first by id.
create table audit_events (
    id bigint generated always as identity primary key,
    at bigint not null,
    workspace text not null,
    actor text not null,           -- email:ana@corp.example, slack:U012, local, api-key, system
    surface text not null,         -- canvas, api, slack, teams, playground, webhook, schedule, cli
    action text not null,          -- workflow.saved, secret.set, signin.failed, run.started, …
    target text not null,          -- a workflow id, a run id, a secret's name (never its value)
    detail text,
    address text
);

create index audit_events_workspace on audit_events (workspace, id);
create index audit_events_actor on audit_events (workspace, actor, id);
create index audit_events_action on audit_events (workspace, action, id);
create index audit_events_target on audit_events (workspace, target, id);
create index audit_events_at on audit_events (at);
