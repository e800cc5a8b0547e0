using ChatFlows.Core.Storage.Relational;

namespace ChatFlows.Core.Storage;

/// <summary>Workflows in SQLite: the shared relational store, whose SQL SQLite runs as written.</summary>
public sealed class SqliteWorkflowStore(SqliteDatabase database, TimeProvider time) : RelationalWorkflowStore(database, time);
