-- The cards a run keeps up to date in chat: its progress card and one card per approval it asked for.
create table chat_messages (
    run_id text not null,
    kind text not null,            -- 'progress' or 'approval'
    node_id text not null,         -- the approval node; '' for the progress card
    target text not null,          -- where it was posted: a channel or thread address
    message_id text not null,      -- the platform's id for it (Slack ts, Teams activity id, Playground message id)
    last_error text,               -- the last update the platform refused for good, shown in the run detail
    created_at integer not null,
    updated_at integer not null,
    primary key (run_id, kind, node_id)
) without rowid;

-- Samples put into the database on first start; a sample is never put back once a person deleted or edited it.
create table seeded_samples (
    kind text not null,            -- 'workflow' or 'agent'
    id text not null,
    seeded_at integer not null,
    primary key (kind, id)
) without rowid;

-- The Playground: a chat channel in the browser, with persisted history.
create table playground_channels (
    name text primary key,
    created_at integer not null
);

insert into playground_channels (name, created_at) values ('general', cast(strftime('%s', 'now') as integer) * 1000);

create table playground_messages (
    id integer primary key autoincrement,
    channel text not null,
    thread_id integer,             -- the root message of the thread this is a reply in; null for a message in the channel
    author text not null,          -- a person's display name, or 'ChatFlows' for the bot
    from_bot integer not null,
    text text,
    card text,                     -- an Adaptive Card (JSON)
    run_id text,
    created_at integer not null,
    updated_at integer not null
);

create index playground_messages_by_channel on playground_messages (channel, thread_id, id);
create index playground_messages_by_thread on playground_messages (thread_id, id);
