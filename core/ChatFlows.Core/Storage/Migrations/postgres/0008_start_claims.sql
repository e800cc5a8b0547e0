-- An outside event (a mail message, a GitHub delivery) starts at most one run, whichever instance sees it: the row
-- is the claim, inserted in the transaction that stores the run.
create table start_claims (
    source text not null,
    key text not null,
    run_id text not null,
    claimed_at bigint not null,
    primary key (source, key)
);
