using CsCheck;

namespace ChatFlows.Core.Tests.Expressions;

/// <summary>Generated JSON values and run scopes for the template property tests.</summary>
internal static class GeneratedJson
{
    /// <summary>Names the generated objects use, among them Fluid's own <c>size</c> and <c>first</c>.</summary>
    public static readonly string[] Names = ["a", "b", "set", "total", "size", "first"];

    /// <summary>Numbers Fluid holds as decimals, text that JSON writes escaped, and values of every kind.</summary>
    public static readonly string[] Leaves =
    [
        "0", "-0", "0.0", "1", "-1", "1.0", "100.50", "1.0E2", "1e2", "1E-7", "1e-30", "0.1", "9007199254740993",
        "79228162514264337593543950335", "5e-324", "\"\"", "\"abc\"", "\"<a & 'b'>\"", "\"é😀\"", "\"\\u0000\\n\"", "\"1.0E2\"",
        "true", "false", "null", "[]", "{}",
    ];

    /// <summary>Numbers beyond decimal, which Fluid fails to convert, text its writer refuses, and a name given twice.</summary>
    public static readonly string[] FailingLeaves =
    [
        "1e30", "-1e30", "1e400", "123456789012345678901234567890", "79228162514264337593543950336", "1.7976931348623157e308",
        "\"\\ud800\"", """{"a": 1, "b": {}, "a": [2]}""",
    ];

    /// <summary>A value nested up to <paramref name="depth"/> levels, its leaves from <paramref name="leaves"/>.</summary>
    public static Gen<string> Values(Gen<string> leaves, int depth) => depth == 0
        ? leaves
        : Gen.Frequency(
            (2, leaves),
            (1, Values(leaves, depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (3, Objects(leaves, depth)));

    /// <summary>An object of one to six distinct <see cref="Names"/>.</summary>
    public static Gen<string> Objects(Gen<string> leaves, int depth) =>
        Gen.Select(Gen.OneOf(Names), Values(leaves, depth - 1)).Array[1, 6]
            .Select(members => "{" + string.Join(",", members.DistinctBy(m => m.Item1).Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}");

    /// <summary>A trigger (mostly an object), node outputs <c>a</c>, <c>b</c> and <c>set</c>, and a run with a member <c>a</c>.</summary>
    public static Gen<TestScope> Scopes(Gen<string> leaves) =>
        Gen.Select(Gen.Frequency((4, Objects(leaves, 3)), (1, Values(leaves, 2))), Values(leaves, 3), Values(leaves, 2), Objects(leaves, 3), Values(leaves, 2))
            .Select((trigger, a, b, set, run) => new TestScope(
                data: $$"""{"a": {{a}}, "b": {{b}}, "set": {{set}}}""",
                trigger: trigger,
                run: $$"""{"id": "run-1", "workflow": "test", "a": {{run}}}"""));
}
