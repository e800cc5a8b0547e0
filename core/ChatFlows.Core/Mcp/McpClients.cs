using System.Collections.Concurrent;
using ChatFlows.Core.Connections;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace ChatFlows.Core.Mcp;

/// <summary>
/// One MCP client per configured server (README §MCP servers), connected on first use, connected again after the
/// server went away, and closed with the host: a stdio server's program is stopped then, so none outlives the host.
/// </summary>
public sealed partial class McpClients : IAsyncDisposable, IDisposable
{
    private readonly McpOptions _options;
    private readonly ConnectionRegistry? _connections;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ServerState> _states = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <summary>Clients for the servers of <paramref name="options"/>; <paramref name="connections"/> supplies an HTTP server's headers.</summary>
    public McpClients(McpOptions options, ConnectionRegistry? connections = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _connections = connections;
        _loggerFactory = loggerFactory;
        _logger = (ILogger?)loggerFactory?.CreateLogger<McpClients>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The configured servers' names, in order.</summary>
    public IReadOnlyList<string> Servers => _options.Servers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The settings of server <paramref name="name"/>; null when it is not configured.</summary>
    public McpServerOptions? Find(string name) => _options.Servers.GetValueOrDefault(name);

    /// <summary>The tools server <paramref name="server"/> offers now.</summary>
    /// <exception cref="McpServerUnavailableException">The server cannot be reached or did not answer.</exception>
    public async Task<IReadOnlyList<Tool>> ToolsAsync(string server, CancellationToken ct)
    {
        var settings = Settings(server);
        // Listing has no side effects: a client whose server went away since its last use gets one more try, connected anew.
        for (var attempt = 0; ; attempt++)
        {
            var (client, fresh) = await ClientAsync(server, settings, ct);
            using var timeout = Timeout(settings, ct);
            try
            {
                var tools = await client.ListToolsAsync(cancellationToken: timeout.Token);
                return tools.Select(t => t.ProtocolTool).ToArray();
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                await ForgetAsync(server, client, ex);
                if (fresh || attempt > 0 || timeout.IsCancellationRequested) throw Unavailable(server, settings, ex, timeout.IsCancellationRequested);
            }
        }
    }

    /// <summary>Calls tool <paramref name="tool"/> of server <paramref name="server"/>; the result says whether the tool reported an error.</summary>
    /// <exception cref="McpServerUnavailableException">The server cannot be reached, went away during the call or took too long.</exception>
    /// <exception cref="McpProtocolException">The server refused the call (an unknown tool, bad arguments).</exception>
    public async Task<CallToolResult> CallAsync(string server, string tool, IReadOnlyDictionary<string, object?> arguments, CancellationToken ct)
    {
        var settings = Settings(server);
        var (client, _) = await ClientAsync(server, settings, ct);
        using var timeout = Timeout(settings, ct);
        try
        {
            // Never repeated: the call may have had its effect before the connection broke.
            return await client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
        }
        catch (McpProtocolException)
        {
            // The server answered: the connection is fine, the call was not.
            throw;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            await ForgetAsync(server, client, ex);
            throw Unavailable(server, settings, ex, timeout.IsCancellationRequested);
        }
    }

    /// <summary>Closes every client; stdio servers' programs are stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var state in _states.Values)
        {
            await state.Gate.WaitAsync();
            try
            {
                if (state.Client is { } client)
                {
                    state.Client = null;
                    await client.DisposeAsync();
                }
            }
            catch (Exception ex)
            {
                LogCloseFailed(_logger, ex);
            }
            finally
            {
                state.Gate.Release();
            }
        }
    }

    /// <summary>Closes every client, for containers that dispose synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private McpServerOptions Settings(string server) =>
        Find(server) ?? throw new McpServerUnavailableException(server, $"There is no MCP server '{server}'; add it under {McpOptions.SectionName}:Servers:{server}.");

    private static CancellationTokenSource Timeout(McpServerOptions settings, CancellationToken ct)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        return timeout;
    }

    private async Task<(McpClient Client, bool Fresh)> ClientAsync(string server, McpServerOptions settings, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = _states.GetOrAdd(server, _ => new ServerState());
        await state.Gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (state.Client is { } current)
            {
                if (!current.Completion.IsCompleted) return (current, false);
                // The program exited or the HTTP session ended: start again.
                state.Client = null;
                await DisposeQuietlyAsync(current);
            }
            using var timeout = Timeout(settings, ct);
            IClientTransport? transport = null;
            try
            {
                transport = TransportFor(server, settings, state);
                state.Client = await McpClient.CreateAsync(transport, ClientOptions(settings), _loggerFactory, timeout.Token);
                LogConnected(_logger, server, state.Client.ServerInfo.Name);
                return (state.Client, true);
            }
            catch (Exception ex) when (ex is not McpServerUnavailableException && !ct.IsCancellationRequested)
            {
                if (transport is IAsyncDisposable disposable) await disposable.DisposeAsync();
                throw Unavailable(server, settings, ex, timeout.IsCancellationRequested, state.StandardErrorHead());
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private IClientTransport TransportFor(string server, McpServerOptions settings, ServerState state)
    {
        if (settings.IsStdio)
        {
            state.ClearStandardError();
            return new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = server,
                Command = settings.Command!,
                Arguments = settings.Args,
                WorkingDirectory = string.IsNullOrWhiteSpace(settings.WorkingDirectory) ? null : settings.WorkingDirectory,
                EnvironmentVariables = settings.Environment.ToDictionary(e => e.Key, string? (e) => e.Value, StringComparer.Ordinal),
                StandardErrorLines = state.AddStandardError,
                ShutdownTimeout = TimeSpan.FromSeconds(5),
            }, _loggerFactory);
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (settings.Connection is { } name)
        {
            var connection = _connections?.Find(name);
            if (connection is null || connection.Type != ConnectionTypes.Http)
            {
                throw new McpServerUnavailableException(server,
                    $"MCP server '{server}' sends the headers of connection '{name}', which is not {ConnectionTypes.WithArticle(ConnectionTypes.Http)} connection here; " +
                    $"add it in the dashboard (Connections) or under ChatFlows:Connections:{name}, or change {McpOptions.SectionName}:Servers:{server}:Connection.");
            }
            foreach (var (header, value) in connection.Group("Headers")) headers[header] = value;
        }
        return new HttpClientTransport(new HttpClientTransportOptions
        {
            Name = server,
            Endpoint = new Uri(settings.Url!),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
            ConnectionTimeout = settings.Timeout,
        }, _loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
    }

    private static McpClientOptions ClientOptions(McpServerOptions settings) => new()
    {
        ClientInfo = new Implementation { Name = "ChatFlows", Version = typeof(McpClients).Assembly.GetName().Version?.ToString(3) ?? "1.0.0" },
        InitializationTimeout = settings.Timeout,
    };

    private async Task ForgetAsync(string server, McpClient client, Exception reason)
    {
        if (!_states.TryGetValue(server, out var state)) return;
        LogCallFailed(_logger, reason, server);
        await state.Gate.WaitAsync();
        try
        {
            if (!ReferenceEquals(state.Client, client)) return;
            state.Client = null;
        }
        finally
        {
            state.Gate.Release();
        }
        await DisposeQuietlyAsync(client);
    }

    private async Task DisposeQuietlyAsync(McpClient client)
    {
        try
        {
            await client.DisposeAsync();
        }
        catch (Exception ex)
        {
            LogCloseFailed(_logger, ex);
        }
    }

    private static McpServerUnavailableException Unavailable(string server, McpServerOptions settings, Exception ex, bool timedOut, string? standardError = null)
    {
        // The SDK's message may carry the program's whole standard error; its first line says what happened.
        var reason = ex.Message.Split('\n', 2)[0].Trim().TrimEnd('.');
        var what = timedOut ? $"did not answer within {settings.Timeout:c}" : $"could not be reached ({reason})";
        var tail = string.IsNullOrWhiteSpace(standardError) ? "" : $"; it wrote: {standardError}";
        var check = settings.IsStdio
            ? $"check that '{settings.Describe()}' starts and speaks MCP on its standard output ({McpOptions.SectionName}:Servers:{server}:Command and :Args)"
            : $"check that {settings.Url} is up and answers MCP over streamable HTTP ({McpOptions.SectionName}:Servers:{server}:Url)";
        return new McpServerUnavailableException(server, $"MCP server '{server}' {what}{tail}; {check}.", ex);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to MCP server {Server} ({ServerName})")]
    private static partial void LogConnected(ILogger logger, string server, string serverName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP server {Server} failed; it is connected again on next use")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, string server);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing an MCP client failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);

    private sealed class ServerState
    {
        private const int KeptLines = 3;
        private readonly List<string> _standardError = [];
        private readonly Lock _errorGate = new();

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public McpClient? Client { get; set; }

        public void ClearStandardError()
        {
            lock (_errorGate) _standardError.Clear();
        }

        // The first lines a program writes when it cannot start usually say why (an exception, a missing module).
        public void AddStandardError(string line)
        {
            if (string.IsNullOrWhiteSpace(line)) return;
            lock (_errorGate)
            {
                if (_standardError.Count < KeptLines) _standardError.Add(line.Length <= 300 ? line.Trim() : line[..300].Trim() + "…");
            }
        }

        public string StandardErrorHead()
        {
            lock (_errorGate) return string.Join(" / ", _standardError);
        }
    }
}
