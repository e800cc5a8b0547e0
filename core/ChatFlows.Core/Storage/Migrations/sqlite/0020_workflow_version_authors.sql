-- Workflow history (README §Workflow history): who saved each version, beside when (created_at). Versions saved
-- before this script have no author (null); the history shows them as unknown rather than guessing.
alter table workflow_versions add column saved_by text;
