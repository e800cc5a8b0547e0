using BenchmarkDotNet.Running;
using ChatFlows.Bench;

// `durable`, `cluster`, `webhook`, `slash-commands` and `memory` are load generators over the real storage and host; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "durable" => await DurableThroughput.RunAsync(args[1..]),
    "cluster" => await ClusterThroughput.RunAsync(args[1..]),
    "webhook" => await WebhookLoad.RunAsync(args[1..]),
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
