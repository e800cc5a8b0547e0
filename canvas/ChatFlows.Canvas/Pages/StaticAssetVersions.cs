using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatFlows.Canvas.Pages;

/// <summary>
/// The URLs of the canvas's scripts and styles with a hash of their content (<c>?v=…</c>), so that a browser never
/// mixes files of an older release from its cache with new ones; a file that is not there keeps its plain URL.
/// </summary>
public sealed class StaticAssetVersions(IWebHostEnvironment environment)
{
    private readonly ConcurrentDictionary<string, string> _versions = new(StringComparer.Ordinal);

    /// <summary>The URL of <paramref name="path"/> (from the web root, <c>/_content/…</c>) under the request's path base, with its version.</summary>
    public string Versioned(HttpContext http, string path) => PageView.Encode(VersionedUrl(http, path));

    /// <summary>The same URL as <see cref="Versioned"/> without HTML encoding, for JSON such as an import map.</summary>
    public string VersionedUrl(HttpContext http, string path) => http.Request.PathBase.Value + path + Version(path);

    // Worked out once per file for the life of the process: the files ship with the release.
    private string Version(string path) => _versions.GetOrAdd(path, static (path, files) =>
    {
        var file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory) return "";
        using var content = file.CreateReadStream();
        return "?v=" + WebEncoders.Base64UrlEncode(SHA256.HashData(content));
    }, environment.WebRootFileProvider);
}
