-- Dashboard widgets set by output/widget nodes (README §Dashboard widgets): the current value of each widget, and a
-- bounded history (the newest 500 per widget, pruned on write), keyed by the run and node that wrote each entry.
create table widgets (
    name text primary key,
    title text,
    type text not null,
    value text not null,
    updated_at bigint not null,
    run_id text not null,
    workflow_id text not null,
    node_id text not null
);

create table widget_history (
    id bigint generated always as identity primary key,
    widget text not null,
    run_id text not null,
    node_id text not null,
    seq integer not null,
    at bigint not null,
    value text not null,
    unique (widget, run_id, node_id, seq)
);

create index widget_history_by_time on widget_history (widget, at, id);
