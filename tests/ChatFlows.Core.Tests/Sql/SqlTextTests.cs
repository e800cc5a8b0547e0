using ChatFlows.Core.Sql;

namespace ChatFlows.Core.Tests.Sql;

/// <summary>Counting statements, so that a read-only query cannot end its read-only transaction with a second one.</summary>
public sealed class SqlTextTests
{
    [Theory]
    [InlineData("select 1", false)]
    [InlineData("select 1;  \n", false)]
    [InlineData("select 1; -- done", false)]
    [InlineData("select 1; /* done; */", false)]
    [InlineData("select ';' as semi, \"a;b\" from t", false)]
    [InlineData("select 'it''s; fine'", false)]
    [InlineData("select E'\\'; still text'", false)]
    [InlineData("select $$;$$, $tag$ ; $tag$", false)]
    [InlineData("select [odd;name] from t", false)]
    [InlineData("select $1; ", false)]
    [InlineData("/* a /* nested; */ comment; */ select 1", false)]
    [InlineData("commit; insert into orders values (1)", true)]
    [InlineData("select 1;select 2", true)]
    [InlineData("select 'x'; delete from t", true)]
    [InlineData("select 1 -- comment\n; update t set a = 1", true)]
    public void HasSeveralStatements_ForEachText_CountsOnlyRealStatementEnds(string query, bool several) =>
        Assert.Equal(several, SqlText.HasSeveralStatements(query));
}
