-- Events API deliveries already taken: Slack retries an event it thinks was missed, and a retry must not start a second run.
create table slack_events (
    event_id text primary key,
    received_at integer not null
) without rowid;
