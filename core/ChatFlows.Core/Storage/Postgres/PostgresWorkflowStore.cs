using ChatFlows.Core.Storage.Relational;

namespace ChatFlows.Core.Storage.Postgres;

/// <summary>Workflows in PostgreSQL: the shared relational store, whose SQL PostgreSQL runs as written.</summary>
public sealed class PostgresWorkflowStore(PostgresDatabase database, TimeProvider time) : RelationalWorkflowStore(database, time);
