-- The bot's own tables (README §Running several instances): Slack's event ids, Teams' conversation references, the
-- Playground and the seeded samples. Core's scripts 0003-0006 created them on every SQLite database before they
-- moved here, so on SQLite this script only makes sure they exist; PostgreSQL's script creates them.

-- Events API deliveries already taken: Slack retries an event it thinks was missed, and a retry must not start a second run.
create table if not exists slack_events (
    event_id text primary key,
    received_at integer not null
) without rowid;

-- Teams conversations the bot was added to: where to reach them (serviceUrl) for replies, cards and proactive
-- messages; a row is kept, marked retired, when the bot is removed.
create table if not exists teams_conversations (
    conversation_id text primary key,
    service_url text not null,
    tenant_id text,
    kind text not null,
    team_id text,
    channel_id text,
    bot_id text not null,
    name text,
    added_at integer not null,
    updated_at integer not null,
    retired_at integer,
    activity_channel_id text not null default 'msteams'
) without rowid;

create index if not exists teams_conversations_by_team on teams_conversations (team_id);

-- Samples put into the database on first start; the row is the claim, and a sample is never put back once a
-- person deleted or edited it.
create table if not exists seeded_samples (
    kind text not null,
    id text not null,
    seeded_at integer not null,
    primary key (kind, id)
) without rowid;

-- The Playground: a chat channel in the browser, with persisted history.
create table if not exists playground_channels (
    name text primary key,
    created_at integer not null
);

insert into playground_channels (name, created_at) values ('general', cast(strftime('%s', 'now') as integer) * 1000)
on conflict (name) do nothing;

create table if not exists playground_messages (
    id integer primary key autoincrement,
    channel text not null,
    thread_id integer,
    author text not null,
    from_bot integer not null,
    text text,
    card text,
    run_id text,
    created_at integer not null,
    updated_at integer not null
);

create index if not exists playground_messages_by_channel on playground_messages (channel, thread_id, id);
create index if not exists playground_messages_by_thread on playground_messages (thread_id, id);
