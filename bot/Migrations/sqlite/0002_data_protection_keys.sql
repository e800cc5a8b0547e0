-- The Data Protection key ring, when it is kept in the database (on PostgreSQL, so every instance reads the same
-- keys). With SQLite the keys stay files in ChatFlows:Storage:KeysDirectory and this table stays empty; it exists so
-- that both databases have the same tables.
create table if not exists data_protection_keys (
    friendly_name text primary key,
    xml text not null,
    created_at integer not null
);
