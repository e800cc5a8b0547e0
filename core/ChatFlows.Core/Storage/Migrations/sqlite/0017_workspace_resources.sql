-- Agents, connections, secrets, knowledge bases and widgets belong to a workspace (README §Workspaces and roles);
-- everything that existed before belongs to 'default'. Agent, knowledge base and widget ids stay unique across the
-- install; secret and connection names are unique per workspace, so each team can have its own GITHUB_TOKEN.
alter table agents add column workspace text not null default 'default';
alter table knowledge_bases add column workspace text not null default 'default';
alter table widgets add column workspace text not null default 'default';

-- SQLite cannot change a primary key in place: the tables are rebuilt with their rows.
create table secrets_by_workspace (
    workspace text not null default 'default',
    name text not null,
    value text not null,
    created_at integer not null,
    updated_at integer not null,
    primary key (workspace, name)
);
insert into secrets_by_workspace (workspace, name, value, created_at, updated_at)
    select 'default', name, value, created_at, updated_at from secrets;
drop table secrets;
alter table secrets_by_workspace rename to secrets;

create table connections_by_workspace (
    workspace text not null default 'default',
    name text not null,
    type text not null,
    workflows text not null,
    settings text not null,
    credentials text,
    created_at integer not null,
    updated_at integer not null,
    primary key (workspace, name)
);
insert into connections_by_workspace (workspace, name, type, workflows, settings, credentials, created_at, updated_at)
    select 'default', name, type, workflows, settings, credentials, created_at, updated_at from connections;
drop table connections;
alter table connections_by_workspace rename to connections;

create index agents_by_workspace on agents (workspace, id);
create index knowledge_bases_by_workspace on knowledge_bases (workspace, id);
create index widgets_by_workspace on widgets (workspace, name);
