-- Who has which role in a workspace (README §Workspaces and roles): one row per (workspace, principal). A principal is
-- a signed-in person (email:<address>, oidc:<subject>), an OIDC group (group:<name>), a chat identity (slack:U…,
-- slack-group:S…, teams:<id>, playground:<name>), this machine's own user (local), or a wildcard (signed-in:*,
-- slack:*, teams:*, playground:*). The default workspace is seeded so that an existing install works as before: this
-- machine's user and every signed-in person are admins, every chat user may run workflows and decide where listed.
create table workspace_grants (
    workspace text not null,
    principal text not null,
    role text not null,            -- 'viewer', 'runner', 'editor' or 'admin'
    granted_by text not null,
    granted_at bigint not null,
    primary key (workspace, principal)
);

insert into workspace_grants (workspace, principal, role, granted_by, granted_at) values
    ('default', 'local', 'admin', 'system', 0),
    ('default', 'signed-in:*', 'admin', 'system', 0),
    ('default', 'slack:*', 'runner', 'system', 0),
    ('default', 'teams:*', 'runner', 'system', 0),
    ('default', 'playground:*', 'runner', 'system', 0);
