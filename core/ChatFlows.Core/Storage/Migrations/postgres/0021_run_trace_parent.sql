-- Tracing (README §Telemetry): the W3C traceparent a run's spans continue, so that every segment of a run (its
-- start and each resumption, on any instance) lands in one trace. Null when tracing was off as the run started.
alter table runs add column trace_parent text;
