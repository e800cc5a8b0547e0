-- A replay (README §Replay a run) is a new run linked to the run it replays and to the node it replays from.
alter table runs add column replay_of text;
alter table runs add column replay_from text;
alter table node_runs add column reused_from text;

create index runs_by_replay on runs (replay_of, id) where replay_of is not null;
