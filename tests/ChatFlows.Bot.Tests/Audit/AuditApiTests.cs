using System.Net;
using System.Text.Json;
using ChatFlows.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Audit;

/// <summary>README §Audit log: GET /api/audit over real HTTP — filters, paging, bad filters, and the CSV export.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class AuditApiTests(HostFixture host)
{
    [Fact]
    public async Task Get_ActionPrefixAndTarget_ListsThatWorkflowsChangesNewestFirst()
    {
        var created = await host.CreateWorkflowAsync(TestWorkflows.Echo("audit-api-prefix"));
        using (var saved = await host.SendAsync(HttpMethod.Put, "/api/workflows/audit-api-prefix", TestWorkflows.Echo("audit-api-prefix", "again"), "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }
        using (var deleted = await host.SendAsync(HttpMethod.Delete, "/api/workflows/audit-api-prefix"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var entries = await AuditReader.EntriesAsync(host, "workflow.", "audit-api-prefix");

        Assert.Equal(["workflow.deleted", "workflow.saved", "workflow.saved"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([null, "saved version 2", "created version 1"], entries.Select(e => e.GetProperty("detail").GetString()));
        Assert.All(entries, e => Assert.Equal(("local", "canvas", "default"), (e.GetProperty("actor").GetString(), e.GetProperty("surface").GetString(), e.GetProperty("workspace").GetString())));
        Assert.All(entries, e => Assert.Equal("127.0.0.1", e.GetProperty("address").GetString()));
        Assert.Equal(1, created.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Get_LimitAndBefore_WalksEveryEntryOnceAPageAtATime()
    {
        for (var i = 1; i <= 5; i++)
        {
            using var set = await host.SendAsync(HttpMethod.Put, "/api/secrets/AUDIT_PAGED", $$"""{"value": "paged-value-{{i}}-xyz"}""");
        }

        var seen = new List<string?>();
        var path = "/api/audit?target=AUDIT_PAGED&limit=2";
        var pages = 0;
        while (true)
        {
            var page = await host.GetJsonAsync(path);
            pages++;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString()));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null) break;
            path = $"/api/audit?target=AUDIT_PAGED&limit=2&before={page.GetProperty("next").GetInt64()}";
        }

        Assert.Equal(["replaced", "replaced", "replaced", "replaced", "created"], seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("action=Workflow.Saved", "action")]
    [InlineData("action=run started", "action")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-40", "to")]
    [InlineData("from=2026-12-02&to=2026-12-01", "to")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("before=abc", "before")]
    [InlineData("before=-4", "before")]
    [InlineData("format=xml", "format")]
    public async Task Get_BadFilter_Returns400NamingTheField(string query, string field)
    {
        using var response = await host.Client.GetAsync($"/api/audit?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.GetRawText());
    }

    [Fact]
    public async Task Csv_EntriesWithCommasQuotesLineBreaksAndFormulas_AreQuotedAndNeutralised()
    {
        var log = host.Services.GetRequiredService<IAuditLog>();
        await log.AppendAsync(new AuditEntry(
            0, DateTimeOffset.UtcNow, "default", "=HYPERLINK(\"http://evil.example\",\"click\")", AuditSurfaces.Api, AuditActions.SecretSet, "AUDIT_CSV",
            "line one\nsaid \"hi\", twice", "@home"));
        await log.AppendAsync(new AuditEntry(0, DateTimeOffset.UtcNow, "default", "-2+3", AuditSurfaces.Api, AuditActions.SecretDeleted, "AUDIT_CSV", "+cmd", null));

        using var response = await host.Client.GetAsync("/api/audit.csv?target=AUDIT_CSV");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = text.Split("\r\n");
        Assert.Equal("id,at,workspace,actor,surface,action,target,detail,address", lines[0]);
        Assert.EndsWith(",default,'-2+3,api,secret.deleted,AUDIT_CSV,'+cmd,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(
            ",default,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",api,secret.set,AUDIT_CSV,\"line one\nsaid \"\"hi\"\", twice\",'@home",
            lines[2], StringComparison.Ordinal);
        Assert.Equal("", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Get_FormatCsv_IsTheSameExportAsAuditCsv()
    {
        using (var set = await host.SendAsync(HttpMethod.Put, "/api/secrets/AUDIT_FORMAT", """{"value": "format-value-123"}"""))
        {
            Assert.Equal(HttpStatusCode.Created, set.StatusCode);
        }

        var byFormat = await host.Client.GetStringAsync("/api/audit?format=csv&target=AUDIT_FORMAT");
        var byPath = await host.Client.GetStringAsync("/api/audit.csv?target=AUDIT_FORMAT");

        Assert.Equal(byPath, byFormat);
        Assert.Contains(",local,canvas,secret.set,AUDIT_FORMAT,created,127.0.0.1\r\n", byPath, StringComparison.Ordinal);
    }
}
