-- On SQLite this script added a column to Teams' conversation references; on PostgreSQL that table belongs to the bot's own scripts (bot/Migrations). Kept so the numbers match.
select 1;
