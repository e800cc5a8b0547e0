-- The same tables as Migrations/sqlite, script for script (docs/architecture.md §Storage). Column types are chosen
-- so that one SQL text and one row mapping serve both databases: times are Unix milliseconds (bigint), JSON is
-- text, flags are integers 0/1.

create table workflows (
    id text primary key,
    version integer not null,
    document text not null,
    created_at bigint not null,
    updated_at bigint not null
);

-- Every saved version, so that a run keeps executing the version it started with.
create table workflow_versions (
    workflow_id text not null,
    version integer not null,
    document text not null,
    created_at bigint not null,
    primary key (workflow_id, version)
);

create table runs (
    id text primary key,
    workflow_id text not null,
    workflow_version integer not null,
    status text not null,
    trigger_node_id text,
    trigger text not null,
    started_by text,
    thread text,
    created_at bigint not null,
    started_at bigint,
    finished_at bigint,
    error_node_id text,
    error text,
    result text,
    -- The earliest timed wake-up of a waiting run (a long delay, an approval timeout).
    wake_at bigint,
    cancel_requested integer not null default 0,
    lease_owner text,
    lease_expires_at bigint
);

create index runs_by_workflow on runs (workflow_id, id);
create index runs_by_status on runs (status, id);
create index runs_unfinished on runs (status, lease_expires_at) where status in ('queued', 'running', 'waiting');
create index runs_by_finish on runs (finished_at) where finished_at is not null;

-- The journal: one row per node of a run, rewritten as the node starts, retries, waits and finishes.
create table node_runs (
    run_id text not null,
    node_id text not null,
    status text not null,
    attempts integer not null,
    started_at bigint,
    finished_at bigint,
    output text,
    error text,
    port text,
    bookmark text,
    wake_at bigint,
    primary key (run_id, node_id)
);

-- Decisions for waiting nodes (an approval click), kept until the run has taken them; one per bookmark.
create table run_resumes (
    run_id text not null,
    bookmark text not null,
    node_id text,
    value text,
    created_at bigint not null,
    primary key (run_id, bookmark)
);

-- A schedule fires a due time once, however many instances run: the row is the claim.
create table schedule_ticks (
    workflow_id text not null,
    trigger_id text not null,
    due_at bigint not null,
    run_id text not null,
    claimed_at bigint not null,
    primary key (workflow_id, trigger_id, due_at)
);
