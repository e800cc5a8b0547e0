using System.Text.Json;

namespace ChatFlows.Bot.Tests.Audit;

/// <summary>Reads the audit log back through <c>GET /api/audit</c>, as an admin does.</summary>
internal static class AuditReader
{
    /// <summary>The entries with <paramref name="action"/> about <paramref name="target"/>, newest first.</summary>
    public static async Task<IReadOnlyList<JsonElement>> EntriesAsync(HostFixture host, string action, string target) =>
        (await host.GetJsonAsync($"/api/audit?action={Uri.EscapeDataString(action)}&target={Uri.EscapeDataString(target)}"))
            .GetProperty("items").EnumerateArray().ToArray();

    /// <summary>The only entry with <paramref name="action"/> about <paramref name="target"/>.</summary>
    public static async Task<JsonElement> SingleAsync(HostFixture host, string action, string target) =>
        Assert.Single(await EntriesAsync(host, action, target));

    /// <summary>Who, from where, did what to what: the fields a reader of the log checks.</summary>
    public static (string? Actor, string? Surface, string? Action, string? Target) Who(JsonElement entry) => (
        entry.GetProperty("actor").GetString(),
        entry.GetProperty("surface").GetString(),
        entry.GetProperty("action").GetString(),
        entry.GetProperty("target").GetString());
}
