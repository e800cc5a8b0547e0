-- Lease epochs (README §Running several instances): every claim of a run increments its epoch, and every journal
-- write for the run names the epoch it was made under, so an instance that lost a run's lease can no longer write to it.
alter table runs add column lease_epoch integer not null default 0;
