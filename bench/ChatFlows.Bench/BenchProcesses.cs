using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatFlows.Bench;

/// <summary>A target or tool the benchmark cannot start or use; the message names it and says what to do.</summary>
internal sealed class BenchException(string message) : Exception(message);

/// <summary>
/// Every process and temp folder the load benchmarks start, so that they are all stopped and deleted at the end,
/// on failure and on Ctrl+C alike.
/// </summary>
internal static class BenchProcesses
{
    private static readonly ConcurrentDictionary<ChildProcess, byte> Running = new();
    private static readonly ConcurrentDictionary<string, byte> Folders = new(StringComparer.Ordinal);
    private static readonly CancellationTokenSource Stopping = new();

    /// <summary>Cancelled by Ctrl+C: the benchmark stops what it is doing and cleans up in its finally blocks.</summary>
    public static CancellationToken Token => Stopping.Token;

    public static void CleanUpOnExit()
    {
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C lets the benchmark unwind and clean up; a second one ends it at once (still killing children).
            if (Stopping.IsCancellationRequested) return;
            e.Cancel = true;
            Console.Error.WriteLine("Interrupted: stopping the targets and deleting the temp folders.");
            Stopping.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
    }

    public static string CreateTempFolder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        Folders[folder] = 0;
        return folder;
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is going away; the system cleans its temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
        Folders.TryRemove(folder, out _);
    }

    /// <summary>Starts <paramref name="start"/> with its output captured; <paramref name="name"/> is how messages call it.</summary>
    public static ChildProcess Start(string name, ProcessStartInfo start, bool keepAllLines = false)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BenchException($"{name} could not start: '{start.FileName}' failed ({ex.Message}). Is it installed and on PATH?");
        }
        if (process is null) throw new BenchException($"{name} could not start: '{start.FileName}' returned no process.");
        var child = new ChildProcess(name, process, keepAllLines);
        Running[child] = 0;
        return child;
    }

    internal static void Forget(ChildProcess child) => Running.TryRemove(child, out _);

    private static void StopAll()
    {
        foreach (var child in Running.Keys) child.Kill();
        foreach (var folder in Folders.Keys) DeleteFolder(folder);
    }
}

/// <summary>A started process: its output lines are counted and the last few kept for error messages.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _tail = new();
    private long _lines;
    private readonly bool _keepAllLines;
    private long _bytes;

    public ChildProcess(string name, Process process, bool keepAllLines)
    {
        Name = name;
        _keepAllLines = keepAllLines;
        Process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public Process Process { get; }

    /// <summary>Lines written to stdout and stderr so far.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Characters written to stdout and stderr so far, line ends included.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Every line seen, when a caller wants to read them (the load generator's result line).</summary>
    public ConcurrentQueue<string> AllLines { get; } = new();

    public string Tail => string.Join(Environment.NewLine, _tail.Select(l => "  | " + l));

    /// <summary>Throws, naming the process and quoting its last lines, when it has already exited.</summary>
    public void ThrowIfExited(string what)
    {
        if (!Process.HasExited) return;
        Process.WaitForExit();
        throw new BenchException($"{Name} exited with code {Process.ExitCode} {what}. Its last lines:{Environment.NewLine}{Tail}");
    }

    public void Kill()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Process.WaitForExitAsync(CancellationToken.None);
        BenchProcesses.Forget(this);
        Process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        Interlocked.Increment(ref _lines);
        Interlocked.Add(ref _bytes, line.Length + 1);
        if (_keepAllLines) AllLines.Enqueue(line);
        _tail.Enqueue(line);
        while (_tail.Count > 20) _tail.TryDequeue(out _);
    }
}
