-- Connections saved through /api/connections (README §Connections). Settings that are not credentials are kept in
-- clear as a JSON object; the credentials are one JSON object encrypted by the host (ASP.NET Core Data Protection)
-- before they reach this table.
create table connections (
    name text primary key,
    type text not null,
    workflows text not null,
    settings text not null,
    credentials text,
    created_at integer not null,
    updated_at integer not null
);
