-- How far the mail watcher has read each (connection, folder).
create table mail_cursors (
    connection text not null,
    folder text not null,
    uid_validity bigint not null,
    last_uid bigint not null,
    updated_at bigint not null,
    primary key (connection, folder)
);
