using System.Text;

namespace ChatFlows.Core.Tests.Model;

/// <summary>Compares what the engine did with what the reference model says, and explains every difference.</summary>
internal static class ModelComparison
{
    public static void AssertMatches(ModelRun expected, EngineRun actual)
    {
        var problems = expected.Status == "failed" ? CompareFailed(expected, actual) : CompareExactly(expected, actual);
        foreach (var (node, keys) in actual.IdempotencyKeys)
        {
            // Every request one node sends in one run carries one key, so a receiver can drop repeats.
            if (keys.Distinct().Count() != 1 || keys[0] is null) problems.Add($"{node}: requests carried the keys [{string.Join(", ", keys)}]");
        }
        if (problems.Count == 0) return;

        var text = new StringBuilder("The engine differs from the reference model:\n");
        foreach (var problem in problems) text.Append("  ").AppendLine(problem);
        text.AppendLine($"  model: run {expected.Status}, effects [{string.Join(", ", expected.Effects.Order())}]");
        foreach (var (id, node) in expected.Nodes) text.AppendLine($"    {id}: {node.Status}, attempts {node.Attempts}, {node.Label}");
        text.AppendLine($"  engine: run {actual.Status}{(actual.Crashed ? " (restored after a crash)" : "")}, effects [{string.Join(", ", actual.Effects.Order())}]");
        foreach (var (id, node) in actual.Nodes) text.AppendLine($"    {id}: {node.Status}, attempts {node.Attempts}, {node.Label} {node.Error}");
        throw new Xunit.Sdk.XunitException(text.ToString());
    }

    private static List<string> CompareExactly(ModelRun expected, EngineRun actual)
    {
        var problems = new List<string>();
        if (expected.Status != actual.Status) problems.Add($"run: {actual.Status}, expected {expected.Status}");
        foreach (var (id, model) in expected.Nodes)
        {
            var engine = actual.Nodes[id];
            if (engine.Status != model.Status) problems.Add($"{id}: {engine.Status}, expected {model.Status}");
            if (engine.Label != model.Label) problems.Add($"{id}: produced {engine.Label ?? "nothing"}, expected {model.Label ?? "nothing"}");
            if (!SameAttempts(model, engine, actual.Crashed)) problems.Add($"{id}: {engine.Attempts} attempts, expected {model.Attempts}");
        }
        if (!expected.Effects.SetEquals(actual.Effects))
        {
            problems.Add($"side effects [{string.Join(", ", actual.Effects.Order())}], expected [{string.Join(", ", expected.Effects.Order())}]");
        }
        return problems;
    }

    // A failed run stops where it failed, so the engine may have done less than the model's full outcome, never anything else.
    private static List<string> CompareFailed(ModelRun expected, EngineRun actual)
    {
        var problems = new List<string>();
        if (actual.Status != "failed") problems.Add($"run: {actual.Status}, expected failed");
        if (actual.FailedAt is null || !expected.FailedAt.Contains(actual.FailedAt))
        {
            problems.Add($"run failed at {actual.FailedAt ?? "no node"}, expected one of [{string.Join(", ", expected.FailedAt)}]");
        }
        foreach (var (id, model) in expected.Nodes)
        {
            var engine = actual.Nodes[id];
            var consistent = engine.Status switch
            {
                ReferenceModel.Pending => true,
                ReferenceModel.Succeeded => model.Status == ReferenceModel.Succeeded && engine.Label == model.Label && SameAttempts(model, engine, actual.Crashed),
                ReferenceModel.Skipped => model.Status == ReferenceModel.Skipped,
                ReferenceModel.Failed => (model.Status == ReferenceModel.Failed && engine.Label == model.Label)
                    || (engine.Error ?? "").StartsWith("Stopped because the run failed", StringComparison.Ordinal),
                _ => false,
            };
            if (!consistent) problems.Add($"{id}: {engine.Status} ({engine.Label}, {engine.Attempts} attempts), where the model says {model.Status} ({model.Label}, {model.Attempts} attempts)");
        }
        if (!actual.Effects.IsSubsetOf(expected.Effects)) problems.Add($"side effects [{string.Join(", ", actual.Effects.Except(expected.Effects))}] the model never does");
        return problems;
    }

    // A node executed again after a crash counts that execution as one more attempt.
    private static bool SameAttempts(ModelOutcome model, EngineOutcome engine, bool crashed) =>
        engine.Attempts == model.Attempts || (crashed && engine.Attempts == model.Attempts + 1);
}
