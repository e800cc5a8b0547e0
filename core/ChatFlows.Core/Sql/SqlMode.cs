namespace ChatFlows.Core.Sql;

/// <summary>What a <c>tool/sql</c> node outputs (README §tool/sql).</summary>
public enum SqlMode
{
    /// <summary>An array of row objects, failing past the row cap.</summary>
    Rows,

    /// <summary>The one row object, or null when there is none; failing when there is more than one.</summary>
    One,

    /// <summary><c>{affected}</c>: a statement that changes data, run once per run.</summary>
    Execute,
}
