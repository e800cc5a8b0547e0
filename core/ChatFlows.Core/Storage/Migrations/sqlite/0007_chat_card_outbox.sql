-- Chat cards become an outbox: a card is recorded as an intent (message_id null) before it is posted, so a run
-- started from chat is queued at once and its card is posted when the platform allows; attempted_at tells the poster
-- after a crash that the card may have been posted already (look it up before posting again).
create table chat_messages_v6 (
    run_id text not null,
    kind text not null,            -- 'progress' or 'approval'
    node_id text not null,         -- the approval node; '' for the progress card
    target text not null,          -- where it goes (a channel, a thread, or card:<run id> for the run's card thread); once posted, where it is
    message_id text,               -- the platform's id for it (Slack ts, Teams activity id, Playground message id); null until known to be posted
    last_error text,               -- the last update the platform refused for good, or why the card could not be posted
    attempted_at integer,          -- set just before each post attempt
    attempts integer not null default 0,
    failed_at integer,             -- set when posting was given up: the platform refused for good, or it failed too long
    created_at integer not null,
    updated_at integer not null,
    primary key (run_id, kind, node_id)
) without rowid;

insert into chat_messages_v6 (run_id, kind, node_id, target, message_id, last_error, created_at, updated_at)
select run_id, kind, node_id, target, message_id, last_error, created_at, updated_at from chat_messages;

drop table chat_messages;

alter table chat_messages_v6 rename to chat_messages;

create index chat_messages_pending on chat_messages (created_at) where message_id is null and failed_at is null;
