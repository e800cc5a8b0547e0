-- How far the mail watcher has read each (connection, folder): the last UID started, valid while the folder's
-- UIDVALIDITY stays the same. Runs themselves are deduplicated by start_claims; the cursor only saves re-reading.
create table mail_cursors (
    connection text not null,
    folder text not null,
    uid_validity integer not null,
    last_uid integer not null,
    updated_at integer not null,
    primary key (connection, folder)
) without rowid;
