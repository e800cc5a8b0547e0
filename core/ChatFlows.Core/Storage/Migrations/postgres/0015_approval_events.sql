-- Each approval's own journal (README §Approvals): votes toward a quorum, reminders sent, the escalation, delegations
-- and reassignments. The key makes recording idempotent: a person votes once (vote:<id>), the k-th reminder is
-- recorded once (reminder:<k>) however many instances' clocks find it due.
create table approval_events (
    run_id text not null,
    node_id text not null,
    key text not null,
    kind text not null,            -- 'vote', 'reminder', 'escalation', 'delegation' or 'reassignment'
    actor text not null,           -- who: slack:U012, local, email:ana@corp.example; 'system' for the clock
    at bigint not null,
    data text not null,            -- JSON: a vote's decision and comment, a delegation's from and to, a reassignment's approvers
    primary key (run_id, node_id, key)
);
