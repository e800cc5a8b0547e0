using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Counts wrong API keys per client address (bearer tokens and the sign-in form) with a fixed-window rate limiter:
/// after <see cref="AccessOptions.MaxFailedAttempts"/> wrong keys in <see cref="AccessOptions.FailedAttemptWindow"/>,
/// that address gets 429 with <c>Retry-After</c> until the window ends, right key or not, so keys cannot be guessed
/// faster than that. Right keys are not counted, and other addresses are not affected.
/// </summary>
public sealed class KeyAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public KeyAttempts(IOptions<AccessOptions> options)
    {
        var limit = options.Value.MaxFailedAttempts;
        var window = options.Value.FailedAttemptWindow;
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>True when the caller's address has used up its wrong keys; <paramref name="retryAfter"/> says for how long.</summary>
    public bool IsLockedOut(HttpContext http, out TimeSpan retryAfter)
    {
        // Zero permits asks for the limiter's state without taking anything.
        using var lease = _failures.AttemptAcquire(Address(http), 0);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        return !lease.IsAcquired;
    }

    /// <summary>Counts one wrong key from the caller's address.</summary>
    public void RecordFailure(HttpContext http)
    {
        using var lease = _failures.AttemptAcquire(Address(http));
    }

    /// <summary>Sets <c>Retry-After</c> (whole seconds, at least 1) and returns the sentence saying when to try again.</summary>
    public static string TooManyAttempts(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return $"Too many wrong API keys from {Address(http)}; try again in {seconds} s ({AccessOptions.SectionName}:MaxFailedAttempts per FailedAttemptWindow).";
    }

    /// <summary>Answers a locked-out caller: 429, <c>Retry-After</c>, and a problem saying when to retry.</summary>
    public static Task RefuseAsync(HttpContext http, TimeSpan retryAfter) =>
        Results.Problem(title: "Too many wrong API keys.", detail: TooManyAttempts(http, retryAfter), statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(http);

    public void Dispose() => _failures.Dispose();

    // An unknown address (see ForwardedClientAddress) shares one budget, which fails closed.
    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
