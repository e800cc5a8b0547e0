using BenchmarkDotNet.Running;
using ChatFlows.Bench;

// `durable` drives the SQLite-journaled run path; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "durable" => await DurableThroughput.RunAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
