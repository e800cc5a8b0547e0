-- On SQLite this script turned chat_messages into an outbox; on PostgreSQL 0003 creates it that way. Kept so the numbers match.
select 1;
