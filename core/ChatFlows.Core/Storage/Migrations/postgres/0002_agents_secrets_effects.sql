-- What an agent node did inside one execution: its tool calls, and the model tokens it spent (cost where priced).
alter table node_runs add column steps text;
alter table node_runs add column prompt_tokens bigint;
alter table node_runs add column completion_tokens bigint;
alter table node_runs add column cost text;

-- A run started by a tool/subworkflow node resumes its parent when it ends.
alter table runs add column parent_run_id text;
alter table runs add column parent_node_id text;
alter table runs add column depth integer not null default 0;

-- Side effects a node recorded (a message posted, a non-GET request sent), so a re-execution does not repeat them.
create table node_effects (
    run_id text not null,
    node_id text not null,
    effect text not null,
    value text not null,
    created_at bigint not null,
    primary key (run_id, node_id, effect)
);

create table agents (
    id text primary key,
    version integer not null,
    document text not null,
    created_at bigint not null,
    updated_at bigint not null
);

-- Values are encrypted by the host (ASP.NET Core Data Protection) before they reach this table.
create table secrets (
    name text primary key,
    value text not null,
    created_at bigint not null,
    updated_at bigint not null
);
