using System.Net;
using ChatFlows.Core.Http;

namespace ChatFlows.Core.Tests.Http;

public sealed class AddressGuardTests
{
    [Theory]
    [InlineData("8.8.8.8", null)]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("10.255.255.255", "a private address")]
    [InlineData("100.63.255.255", null)]
    [InlineData("100.64.0.1", "a shared (carrier-grade NAT) address")]
    [InlineData("100.127.255.255", "a shared (carrier-grade NAT) address")]
    [InlineData("100.128.0.0", null)]
    [InlineData("127.0.0.2", "a loopback address")]
    [InlineData("169.254.10.1", "a link-local address")]
    [InlineData("169.254.169.254", "a cloud metadata endpoint")]
    [InlineData("172.15.255.255", null)]
    [InlineData("172.16.0.1", "a private address")]
    [InlineData("172.31.255.255", "a private address")]
    [InlineData("172.32.0.0", null)]
    [InlineData("192.168.1.1", "a private address")]
    [InlineData("224.0.0.251", "a multicast address")]
    [InlineData("255.255.255.255", "a reserved address")]
    [InlineData("2606:4700:4700::1111", null)]
    [InlineData("::", "an unspecified address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fc00::1", "a private address")]
    [InlineData("fd12:3456::1", "a private address")]
    [InlineData("ff02::1", "a multicast address")]
    [InlineData("fd00:ec2::254", "a cloud metadata endpoint")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("::ffff:169.254.169.254", "a cloud metadata endpoint")]
    [InlineData("::ffff:8.8.8.8", null)]
    [InlineData("64:ff9b::a00:1", "a private address")]
    public void Classify_Address_NamesWhyItIsRefused(string address, string? expected)
    {
        Assert.Equal(expected, AddressGuard.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::1", "[::1]")]
    [InlineData("LOCALHOST", "localhost")]
    [InlineData("Intranet.Example.", "intranet.example")]
    [InlineData("::0001", "[::1]")]
    public async Task ResolveAsync_ListedHostInAnySpelling_IsAllowed(string listed, string host)
    {
        var guard = new AddressGuard([listed], (_, _) => Task.FromResult(new[] { IPAddress.Loopback }));

        var addresses = await guard.ResolveAsync(host, CancellationToken.None);

        Assert.NotEmpty(addresses);
    }

    [Fact]
    public async Task ResolveAsync_MetadataHostName_IsRefusedWithoutALookup()
    {
        var lookups = 0;
        var guard = new AddressGuard(["*.internal"], (_, _) =>
        {
            lookups++;
            return Task.FromResult(new[] { IPAddress.Parse("203.0.113.9") });
        });

        var error = await Assert.ThrowsAsync<AddressRefusedException>(() => guard.ResolveAsync("metadata.google.internal", CancellationToken.None).AsTask());

        Assert.Equal("a cloud metadata endpoint", error.Reason);
        Assert.Equal(0, lookups);
    }
}
