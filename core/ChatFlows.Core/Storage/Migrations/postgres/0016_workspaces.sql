-- Workspaces (README §Workspaces and roles): the team that owns workflows, agents, connections and the rest, what its
-- workflows may use (policy, JSON of WorkspacePolicy; {} allows everything) and the chat channels bound to it (a JSON
-- array). Everything that existed before belongs to 'default'.
create table workspaces (
    id text primary key,
    name text not null,
    policy text not null default '{}',
    channels text not null default '[]',
    created_at bigint not null
);

insert into workspaces (id, name, policy, channels, created_at)
values ('default', 'Default', '{}', '[]', (extract(epoch from now()) * 1000)::bigint);

-- A workflow's id stays unique across the install (it is its address in /hooks/{id} and /run <id>); the workspace is
-- an attribute of the workflow, of each of its versions and of each of its runs.
alter table workflows add column workspace text not null default 'default';
alter table workflow_versions add column workspace text not null default 'default';
alter table runs add column workspace text not null default 'default';

create index workflows_by_workspace on workflows (workspace, id);
create index runs_by_workspace on runs (workspace, id);
