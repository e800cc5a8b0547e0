using System.Net.Sockets;
using System.Text;

namespace ChatFlows.Bot.Tests;

/// <summary>The test host itself: Kestrel on a loopback port, reached over a real socket.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class HostTests(HostFixture host)
{
    [Fact]
    public async Task Host_AnswersOverARealTcpSocket()
    {
        Assert.True(host.BaseAddress.IsLoopback, host.BaseAddress.ToString());
        Assert.NotEqual(0, host.BaseAddress.Port);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.EndsWith("ok", response, StringComparison.Ordinal);
    }
}
