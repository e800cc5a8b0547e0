-- Connections saved through /api/connections (README §Connections); credentials are encrypted by the host.
create table connections (
    name text primary key,
    type text not null,
    workflows text not null,
    settings text not null,
    credentials text,
    created_at bigint not null,
    updated_at bigint not null
);
