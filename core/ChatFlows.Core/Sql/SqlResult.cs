using System.Text.Json;

namespace ChatFlows.Core.Sql;

/// <summary>What a statement gave: its rows (a JSON array of objects) or, for <see cref="SqlMode.Execute"/>, the rows it changed.</summary>
/// <param name="Rows">Up to <see cref="SqlStatement.MaxRows"/> row objects; an empty array for <see cref="SqlMode.Execute"/>.</param>
/// <param name="Truncated">True when the query returned more rows than <see cref="SqlStatement.MaxRows"/>.</param>
/// <param name="Affected">Rows inserted, updated or deleted, for <see cref="SqlMode.Execute"/>.</param>
public sealed record SqlResult(JsonElement Rows, bool Truncated, int Affected);
