using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>The Teams app package as a person builds it for their bot and host, and the icons it ships.</summary>
public sealed class TeamsManifestTests
{
    [Fact]
    public async Task Package_AppIdAndHttpsHost_ZipsTheFilledManifestAndIcons()
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-teams-package-").FullName;
        try
        {
            var zip = Path.Combine(folder, "chatflows-teams.zip");
            var (exit, _, error) = await PackageAsync("5D7E8F10-2B3C-4D5E-8F90-A1B2C3D4E5F6", "https://chatflows.example.com/", zip);

            Assert.True(exit == 0, error);
            using var archive = ZipFile.OpenRead(zip);
            Assert.Equal(["color.png", "manifest.json", "outline.png"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            using var manifestStream = archive.GetEntry("manifest.json")!.Open();
            var manifest = await JsonSerializer.DeserializeAsync<JsonElement>(manifestStream);
            Assert.Equal("5d7e8f10-2b3c-4d5e-8f90-a1b2c3d4e5f6", manifest.GetProperty("id").GetString());
            var bot = manifest.GetProperty("bots")[0];
            Assert.Equal("5d7e8f10-2b3c-4d5e-8f90-a1b2c3d4e5f6", bot.GetProperty("botId").GetString());
            Assert.Equal(["team", "groupChat", "personal"], bot.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
            var commands = bot.GetProperty("commandLists")[0].GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("title").GetString());
            Assert.Equal(["run", "list", "status", "help"], commands);
            Assert.Equal("chatflows.example.com", Assert.Single(manifest.GetProperty("validDomains").EnumerateArray()).GetString());
            Assert.DoesNotContain("${", manifest.GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("not-a-guid", "https://chatflows.example.com", "is not a Microsoft App ID")]
    [InlineData("5d7e8f10-2b3c-4d5e-8f90-a1b2c3d4e5f6", "http://chatflows.example.com", "is not a public HTTPS address")]
    public async Task Package_BadAppIdOrPlainHttp_IsRefusedWithUsage(string appId, string address, string message)
    {
        var (exit, _, error) = await PackageAsync(appId, address, Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}.zip"));

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("color.png", 192)]
    [InlineData("outline.png", 32)]
    public void Icons_HaveTheSizesTeamsRequires(string file, int size)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Root(), "manifests", "teams", file));

        // The PNG signature, then the IHDR chunk: width and height as big-endian integers.
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        // Colour type 6 (RGBA): the outline icon needs its transparent background.
        Assert.Equal(6, bytes[25]);
    }

    private static async Task<(int Exit, string Output, string Error)> PackageAsync(string appId, string address, string zip)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Root(), "manifests", "teams", "package.sh"));
        start.ArgumentList.Add(appId);
        start.ArgumentList.Add(address);
        start.ArgumentList.Add(zip);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static string Root()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ChatFlows.sln"))) root = root.Parent;
        Assert.NotNull(root);
        return root.FullName;
    }
}
