-- Dashboard widgets set by output/widget nodes (README §Dashboard widgets): the current value of each widget, and a
-- bounded history of the values and series points it was set to (the newest 500 per widget are kept, pruned on
-- write). A history entry is keyed by the run and node that wrote it, so a node executed again after a crash does not
-- add a second entry; seq numbers the points of a series set as a whole.
create table widgets (
    name text primary key,
    title text,
    type text not null,
    value text not null,
    updated_at integer not null,
    run_id text not null,
    workflow_id text not null,
    node_id text not null
);

create table widget_history (
    id integer primary key,
    widget text not null,
    run_id text not null,
    node_id text not null,
    seq integer not null,
    at integer not null,
    value text not null,
    unique (widget, run_id, node_id, seq)
);

create index widget_history_by_time on widget_history (widget, at, id);
