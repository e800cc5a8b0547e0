namespace ChatFlows.Core.Storage;

/// <summary>Stored times are Unix milliseconds.</summary>
internal static class UnixTime
{
    public static long From(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? From(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset To(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? To(long? value) => value is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The value as it reads back from the store.</summary>
    public static DateTimeOffset Trim(DateTimeOffset value) => To(From(value));
}
