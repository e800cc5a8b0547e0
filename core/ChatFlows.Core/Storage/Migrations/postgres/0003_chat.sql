-- The cards a run keeps up to date in chat: its progress card and one card per approval it asked for. As an outbox
-- (sqlite 0007): a card is recorded as an intent (message_id null) before it is posted. The Playground's and the
-- samples' tables belong to the bot (bot/Migrations).
create table chat_messages (
    run_id text not null,
    kind text not null,            -- 'progress' or 'approval'
    node_id text not null,         -- the approval node; '' for the progress card
    target text not null,          -- where it goes; once posted, where it is
    message_id text,               -- the platform's id for it; null until known to be posted
    last_error text,
    attempted_at bigint,           -- set just before each post attempt
    attempts integer not null default 0,
    failed_at bigint,              -- set when posting was given up
    created_at bigint not null,
    updated_at bigint not null,
    primary key (run_id, kind, node_id)
);

create index chat_messages_pending on chat_messages (created_at) where message_id is null and failed_at is null;
