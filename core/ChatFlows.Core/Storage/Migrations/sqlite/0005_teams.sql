-- Teams conversations the bot was added to: where to reach them (serviceUrl) for replies, cards and proactive
-- messages such as scheduled digests. A row is kept when the bot is removed, marked retired, so an old address
-- explains itself instead of vanishing.
create table teams_conversations (
    conversation_id text primary key,  -- the Bot Framework conversation id, without a ';messageid=' thread suffix
    service_url text not null,         -- where the Connector takes activities for it (differs by region)
    tenant_id text,                    -- the Microsoft Entra tenant it belongs to
    kind text not null,                -- 'personal', 'groupChat' or 'channel'
    team_id text,                      -- for a channel: the team's id (its General channel's conversation id)
    channel_id text,                   -- for a channel: the channel's id
    bot_id text not null,              -- the bot's account in it ('28:<app id>')
    name text,                         -- the team, channel or chat name when Teams sends one
    added_at integer not null,
    updated_at integer not null,
    retired_at integer                 -- set when the bot was removed; the address can no longer be posted to
) without rowid;

create index teams_conversations_by_team on teams_conversations (team_id);
