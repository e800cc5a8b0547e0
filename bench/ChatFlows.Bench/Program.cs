using BenchmarkDotNet.Running;
using ChatFlows.Bench;

// The load benchmarks (`webhook`, `history-growth`, `durable`, `cluster`, `slash-commands`, `memory`) drive the real
// storage and host; `load`, `bare-kestrel` and `memory-probe` are their helper processes; anything else goes to BenchmarkDotNet.
var command = args.FirstOrDefault();
if (command is "webhook" or "history-growth" or "load" or "bare-kestrel")
{
    BenchProcesses.CleanUpOnExit();
    try
    {
        return command switch
        {
            "webhook" => await WebhookLoad.RunAsync(args[1..]),
            "history-growth" => await HistoryGrowth.RunAsync(args[1..]),
            "load" => await LoadGenerator.RunBuiltInAsync(args[1..]),
            _ => await BareKestrel.RunAsync(args[1..]),
        };
    }
    catch (BenchException ex)
    {
        Console.Error.WriteLine($"bench {command}: {ex.Message}");
        return 2;
    }
    catch (OperationCanceledException) when (BenchProcesses.Token.IsCancellationRequested)
    {
        Console.Error.WriteLine($"bench {command}: interrupted; every process it started was stopped.");
        return 130;
    }
}
return command switch
{
    "durable" => await DurableThroughput.RunAsync(args[1..]),
    "cluster" => await ClusterThroughput.RunAsync(args[1..]),
    "slash-commands" => await SlashCommandLoad.RunAsync(args[1..]),
    "memory" => await IdleMemory.RunAsync(args[1..]),
    // One bare Kestrel process that `memory` starts for each part it measures.
    "memory-probe" => await IdleMemory.ProbeAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(DurableThroughput).Assembly).Run(args);
    return 0;
}
