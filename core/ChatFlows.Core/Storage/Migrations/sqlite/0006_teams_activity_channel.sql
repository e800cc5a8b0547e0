-- The Bot Framework channel each Teams conversation is on ('msteams', or 'emulator' for the Bot Framework Emulator):
-- every activity the bot sends names it in channelId, which the Activity schema requires (A2020). References stored
-- before were all made from Teams' own activities.
alter table teams_conversations add column activity_channel_id text not null default 'msteams';
