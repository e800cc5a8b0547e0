using System.Runtime.InteropServices;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Tests.Sandbox;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// The host gives memory back when it goes quiet after work (README §Memory): when it trims, and that a trim returns
/// native memory that <c>free</c> alone keeps. Run alone: a trim is a blocking full collection of the test process, and
/// the test reads that process's memory.
/// </summary>
[Collection(HostileLoadCollection.Name)]
public sealed class IdleMemoryTrimTests
{
    private const long MiB = 1 << 20;

    [Theory]
    [InlineData(100 * MiB, 99.5 * MiB, 80 * MiB, true)] // quiet, after 20 MiB of work
    [InlineData(100 * MiB, 90 * MiB, 80 * MiB, false)] // still working: 10 MiB over the last check
    [InlineData(100 * MiB, 99.5 * MiB, 98.5 * MiB, true)] // quiet, after one request's worth of work
    [InlineData(100 * MiB, 99.5 * MiB, 99.2 * MiB, false)] // quiet, but under 1 MiB since the last trim
    [InlineData(100 * MiB, 100 * MiB, 100 * MiB, false)] // quiet since the last trim: once is enough
    public void ShouldTrim_TrimsOnceWhenQuietAfterEnoughWork(double allocated, double previousCheck, double lastTrim, bool expected) =>
        Assert.Equal(expected, IdleMemoryTrim.ShouldTrim((long)allocated, (long)previousCheck, (long)lastTrim));

    [Fact]
    public void Trim_NativeMemoryFreedButKeptByTheAllocator_IsReturnedToTheSystem()
    {
        // 128 MiB in blocks small enough to come from glibc's heap rather than mappings of their own, each page written;
        // all but the last block freed, so the heap cannot shrink from its end and keeps the freed pages resident.
        var blocks = new IntPtr[32_768];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockSize);
            for (var offset = 0; offset < BlockSize; offset += 1024) Marshal.WriteByte(blocks[i], offset, 1);
        }
        for (var i = 0; i < blocks.Length - 1; i++) Marshal.FreeHGlobal(blocks[i]);
        try
        {
            var before = RssAnonKb();
            IdleMemoryTrim.Trim();
            var after = RssAnonKb();
            // Half of what was freed: the margin allows for the process's own work meanwhile (its timers, finalizers).
            Assert.True(before - after > 64 * 1024, $"RssAnon went from {before} kB to {after} kB after a trim; 128 MiB had been freed.");
        }
        finally
        {
            Marshal.FreeHGlobal(blocks[^1]);
        }
    }

    private const int BlockSize = 4000;

    private static long RssAnonKb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(line => line.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture);
}
