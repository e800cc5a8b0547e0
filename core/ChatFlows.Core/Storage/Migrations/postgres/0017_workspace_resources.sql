-- Agents, connections, secrets, knowledge bases and widgets belong to a workspace (README §Workspaces and roles);
-- everything that existed before belongs to 'default'. Agent, knowledge base and widget ids stay unique across the
-- install; secret and connection names are unique per workspace, so each team can have its own GITHUB_TOKEN.
alter table agents add column workspace text not null default 'default';
alter table knowledge_bases add column workspace text not null default 'default';
alter table widgets add column workspace text not null default 'default';

alter table secrets add column workspace text not null default 'default';
alter table secrets drop constraint secrets_pkey;
alter table secrets add primary key (workspace, name);

alter table connections add column workspace text not null default 'default';
alter table connections drop constraint connections_pkey;
alter table connections add primary key (workspace, name);

create index agents_by_workspace on agents (workspace, id);
create index knowledge_bases_by_workspace on knowledge_bases (workspace, id);
create index widgets_by_workspace on widgets (workspace, name);
