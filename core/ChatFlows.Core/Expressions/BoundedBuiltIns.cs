using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// Replaces the built-ins that build a long string in one call (<c>repeat</c>, <c>padStart</c>, <c>join</c>,
/// <c>JSON.stringify</c>…) with versions that refuse a result longer than the limit before allocating it: Jint checks
/// memory between statements, after <c>'a'.repeat(2**28)</c> has already taken 512 MiB.
/// </summary>
internal static class BoundedBuiltIns
{
    public static void Install(Engine engine, int limit)
    {
        var strings = Prototype(engine, "String");
        Wrap(engine, strings, "repeat", (original, self, args) =>
        {
            var length = (double)TypeConverter.ToString(self).Length * TypeConverter.ToNumber(Arg(args, 0));
            if (length > limit) throw SandboxLimitException.StringTooLong(length, limit);
            return engine.Call(original, self, args);
        });
        foreach (var name in new[] { "padStart", "padEnd" })
        {
            Wrap(engine, strings, name, (original, self, args) =>
            {
                var length = TypeConverter.ToNumber(Arg(args, 0));
                if (length > limit) throw SandboxLimitException.StringTooLong(length, limit);
                return engine.Call(original, self, args);
            });
        }
        Wrap(engine, strings, "concat", (original, self, args) =>
        {
            var length = (double)TypeConverter.ToString(self).Length + args.Sum(a => (double)TypeConverter.ToString(a).Length);
            if (length > limit) throw SandboxLimitException.StringTooLong(length, limit);
            return engine.Call(original, self, args);
        });
        foreach (var name in new[] { "replace", "replaceAll" })
        {
            Wrap(engine, strings, name, (original, self, args) =>
            {
                // A string replacing a string: the result's length is known before it is built; a regular
                // expression's replacements are charged by the memory limit as they are made.
                if (Arg(args, 0).IsString() && Arg(args, 1).IsString())
                {
                    var text = TypeConverter.ToString(self);
                    var pattern = Arg(args, 0).AsString();
                    var replacement = Arg(args, 1).AsString();
                    var count = name == "replace" ? 1 : Occurrences(text, pattern);
                    var length = text.Length + ((double)count * replacement.Length * (replacement.Contains('$', StringComparison.Ordinal) ? text.Length + 1 : 1));
                    if (length > limit) throw SandboxLimitException.StringTooLong(length, limit);
                }
                return engine.Call(original, self, args);
            });
        }

        var arrays = Prototype(engine, "Array");
        Wrap(engine, arrays, "join", (original, self, args) =>
        {
            if (self is ObjectInstance array)
            {
                var separator = Arg(args, 0).IsUndefined() ? 1 : TypeConverter.ToString(Arg(args, 0)).Length;
                var count = TypeConverter.ToNumber(array.Get("length"));
                double length = 0;
                for (var i = 0; i < count; i++)
                {
                    var item = array.Get(i);
                    length += (item.IsString() ? item.AsString().Length : (item.IsNull() || item.IsUndefined()) ? 0 : 1) + (i > 0 ? separator : 0);
                    if (length > limit) throw SandboxLimitException.StringTooLong(length, limit);
                }
            }
            return engine.Call(original, self, args);
        });

        var json = engine.GetValue("JSON").AsObject();
        Wrap(engine, json, "stringify", (original, self, args) =>
        {
            var indent = Arg(args, 2) switch
            {
                { } space when space.IsNumber() => Math.Clamp(space.AsNumber(), 0, 10),
                { } space when space.IsString() => Math.Min(space.AsString().Length, 10),
                _ => 0,
            };
            double length = 0;
            Measure(Arg(args, 0), depth: 0);
            return engine.Call(original, self, args);

            void Measure(JsValue value, int depth)
            {
                length += value.IsString() ? value.AsString().Length + 2 : 4;
                length += indent * depth;
                if (length > limit) throw SandboxLimitException.StringTooLong(length, limit);
                if (depth > 64 || value is not ObjectInstance obj || value.IsCallable()) return;
                foreach (var key in obj.GetOwnPropertyKeys(Types.String))
                {
                    length += key.ToString().Length + 3;
                    Measure(obj.Get(key), depth + 1);
                }
            }
        });
    }

    private static ObjectInstance Prototype(Engine engine, string constructor) =>
        engine.GetValue(constructor).AsObject().Get("prototype").AsObject();

    private static JsValue Arg(JsValue[] args, int index) => index < args.Length ? args[index] : JsValue.Undefined;

    private static void Wrap(Engine engine, ObjectInstance target, string name, Func<JsValue, JsValue, JsValue[], JsValue> bounded)
    {
        var original = target.Get(name);
        var function = new ClrFunction(engine, name, (self, args) => bounded(original, self, args), original.AsObject().Get("length").IsNumber() ? (int)original.AsObject().Get("length").AsNumber() : 0);
        target.DefineOwnProperty(name, new PropertyDescriptor(function, writable: true, enumerable: false, configurable: true));
    }

    /// <summary>How many times replacing <paramref name="pattern"/> in <paramref name="text"/> inserts the replacement (an empty pattern matches between every character).</summary>
    internal static int Occurrences(string text, string pattern)
    {
        if (pattern.Length == 0) return text.Length + 1;
        var count = 0;
        for (var at = text.IndexOf(pattern, StringComparison.Ordinal); at >= 0; at = text.IndexOf(pattern, at + pattern.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
