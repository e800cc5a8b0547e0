-- On SQLite this script created the table of Teams' conversation references; on PostgreSQL it belongs to the bot's own scripts (bot/Migrations). Kept so the numbers match.
select 1;
