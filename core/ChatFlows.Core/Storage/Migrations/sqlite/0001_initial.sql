-- Times are Unix milliseconds (UTC) so that leases and wake-ups compare as integers.

create table workflows (
    id text primary key,
    version integer not null,
    document text not null,
    created_at integer not null,
    updated_at integer not null
);

-- Every saved version, so that a run keeps executing the version it started with.
create table workflow_versions (
    workflow_id text not null,
    version integer not null,
    document text not null,
    created_at integer not null,
    primary key (workflow_id, version)
) without rowid;

create table runs (
    id text primary key,
    workflow_id text not null,
    workflow_version integer not null,
    status text not null,
    trigger_node_id text,
    trigger text not null,
    started_by text,
    thread text,
    created_at integer not null,
    started_at integer,
    finished_at integer,
    error_node_id text,
    error text,
    result text,
    -- The earliest timed wake-up of a waiting run (a long delay, an approval timeout).
    wake_at integer,
    cancel_requested integer not null default 0,
    lease_owner text,
    lease_expires_at integer
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
    started_at integer,
    finished_at integer,
    output text,
    error text,
    port text,
    bookmark text,
    wake_at integer,
    primary key (run_id, node_id)
) without rowid;

-- Decisions for waiting nodes (an approval click), kept until the run has taken them; one per bookmark, so a
-- second click on the same button is refused by the key.
create table run_resumes (
    run_id text not null,
    bookmark text not null,
    node_id text,
    value text,
    created_at integer not null,
    primary key (run_id, bookmark)
) without rowid;

-- A schedule fires a due time once: the row is the claim.
create table schedule_ticks (
    workflow_id text not null,
    trigger_id text not null,
    due_at integer not null,
    run_id text not null,
    claimed_at integer not null,
    primary key (workflow_id, trigger_id, due_at)
) without rowid;
