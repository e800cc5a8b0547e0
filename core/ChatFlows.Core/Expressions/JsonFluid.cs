using System.Buffers;
using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Documents;
using Fluid;
using Fluid.Values;

namespace ChatFlows.Core.Expressions;

/// <summary>Converts between JSON values and Fluid's template values.</summary>
internal static class JsonFluid
{
    private const int MaxDepth = 64;

    /// <summary>
    /// The Fluid value of <paramref name="element"/>. An object's members are converted when a template first reads
    /// them, so a template that reads one field of a large payload does not pay for the rest.
    /// </summary>
    public static FluidValue ToFluid(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new DictionaryValue(new JsonObjectIndexable(element)),
        JsonValueKind.Array => new ArrayValue(element.EnumerateArray().Select(ToFluid).ToArray()),
        JsonValueKind.String => new StringValue(element.GetString()!),
        JsonValueKind.Number => NumberValue.Create(ToDecimal(element)),
        JsonValueKind.True => BooleanValue.True,
        JsonValueKind.False => BooleanValue.False,
        _ => NilValue.Instance,
    };

    /// <summary>
    /// The variable <c>data</c>: the node outputs recorded so far, each converted when a template first reads it.
    /// </summary>
    public static FluidValue DataOf(RunScope scope) => new DictionaryValue(new ScopeDataIndexable(scope));

    /// <summary>
    /// The variable <c>run</c>, an object by <see cref="RunScope.Run"/>'s contract, read from the scope only when a
    /// template reads it: a run builds it the first time it is asked.
    /// </summary>
    public static FluidValue RunOf(RunScope scope) => new DictionaryValue(new ScopeRunIndexable(scope));

    public static JsonElement ToJson(FluidValue value, TemplateContext context, int maxLength = Template.MaxOutputLength)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, context, depth: 0, maxLength);
        }
        return JsonElement.Parse(buffer.WrittenSpan, StrictJson.StoredOptions);
    }

    /// <summary>
    /// The JSON <see cref="ToJson"/> gives for <c>ToFluid(element)</c>, written straight from the element; false where
    /// that is not certain to be the same (a number beyond decimal, a name given twice, text that is not valid UTF-16)
    /// or where <see cref="ToJson"/> would fail (too deep, too long), so that the caller takes Fluid's way instead.
    /// </summary>
    public static bool TryToJsonAsFluid(JsonElement element, int maxLength, out JsonElement json)
    {
        json = default;
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (!TryWriteAsFluid(writer, element, depth: 0, maxLength)) return false;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Text with an unpaired surrogate: Fluid's way reports it.
            return false;
        }
        json = JsonElement.Parse(buffer.WrittenSpan, StrictJson.StoredOptions);
        return true;
    }

    /// <summary>The number as Fluid holds it: a decimal, through a double when decimal cannot read the text (beyond its range).</summary>
    private static decimal ToDecimal(JsonElement element) => element.TryGetDecimal(out var d) ? d : (decimal)element.GetDouble();

    private static bool TryToDecimal(JsonElement element, out decimal value)
    {
        if (element.TryGetDecimal(out value)) return true;
        // decimal ends near 7.92e28: the conversion of a larger double throws, which Fluid's way reports.
        if (!element.TryGetDouble(out var number) || Math.Abs(number) >= 7.9e28) return false;
        value = (decimal)number;
        return true;
    }

    // Mirrors Write over the values ToFluid makes, call for call, so that the size check fires at the same points.
    private static bool TryWriteAsFluid(Utf8JsonWriter writer, JsonElement element, int depth, int maxLength)
    {
        if (depth > MaxDepth || writer.BytesCommitted + writer.BytesPending > maxLength * 2L) return false;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                writer.WriteNullValue();
                return true;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBooleanValue(element.GetBoolean());
                return true;
            case JsonValueKind.Number:
                if (!TryToDecimal(element, out var number)) return false;
                writer.WriteNumberValue(number);
                return true;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                return true;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    if (!TryWriteAsFluid(writer, item, depth + 1, maxLength)) return false;
                }
                writer.WriteEndArray();
                return true;
            case JsonValueKind.Object:
                // A name given twice has one entry in Fluid's dictionary; rare enough to leave to Fluid.
                HashSet<string>? names = null;
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (!(names ??= new(StringComparer.Ordinal)).Add(property.Name)) return false;
                    writer.WritePropertyName(property.Name);
                    if (!TryWriteAsFluid(writer, property.Value, depth + 1, maxLength)) return false;
                }
                writer.WriteEndObject();
                return true;
            default:
                return false;
        }
    }

    private static void Write(Utf8JsonWriter writer, FluidValue value, TemplateContext context, int depth, int maxLength)
    {
        if (depth > MaxDepth) throw new ExpressionException("the value is nested more than 64 levels deep.");
        // A list holding one long string many times is small in memory and huge as JSON.
        if (writer.BytesCommitted + writer.BytesPending > maxLength * 2L)
        {
            throw new SandboxLimitException($"the value is longer than {maxLength:N0} characters as JSON (ChatFlows:Sandbox:MaxStringLength).");
        }
        switch (value.Type)
        {
            case FluidValues.Nil:
            case FluidValues.Empty:
            case FluidValues.Blank:
                writer.WriteNullValue();
                break;
            case FluidValues.Boolean:
                writer.WriteBooleanValue(value.ToBooleanValue());
                break;
            case FluidValues.Number:
                writer.WriteNumberValue(value.ToNumberValue());
                break;
            case FluidValues.Array:
                writer.WriteStartArray();
                foreach (var item in value.Enumerate(context)) Write(writer, item, context, depth + 1, maxLength);
                writer.WriteEndArray();
                break;
            case FluidValues.Dictionary when value.ToObjectValue() is IFluidIndexable dictionary:
                writer.WriteStartObject();
                foreach (var key in dictionary.Keys)
                {
                    writer.WritePropertyName(key);
                    Write(writer, dictionary.TryGetValue(key, out var item) ? item : NilValue.Instance, context, depth + 1, maxLength);
                }
                writer.WriteEndObject();
                break;
            case FluidValues.DateTime:
                writer.WriteStringValue(((DateTimeOffset)value.ToObjectValue()).ToString("O", CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToStringValue());
                break;
        }
    }

    /// <summary>Named JSON values as Fluid sees them, each converted the first time it is read.</summary>
    private abstract class LazyIndexable : IFluidIndexable
    {
        private Dictionary<string, FluidValue>? _converted;
        private List<string>? _names;

        public int Count => Names.Count;

        public IEnumerable<string> Keys => Names;

        private List<string> Names => _names ??= ListNames();

        public bool TryGetValue(string name, out FluidValue value)
        {
            if (_converted is not null && _converted.TryGetValue(name, out value!)) return true;
            if (!TryRead(name, out var json))
            {
                value = NilValue.Instance;
                return false;
            }
            value = ToFluid(json);
            (_converted ??= new(StringComparer.Ordinal))[name] = value;
            return true;
        }

        /// <summary>The names, each once, in order.</summary>
        protected abstract List<string> ListNames();

        protected abstract bool TryRead(string name, out JsonElement value);
    }

    /// <summary>
    /// A JSON object. Names are in document order; a name given twice appears once and reads its last value, as
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> does.
    /// </summary>
    private sealed class JsonObjectIndexable(JsonElement element) : LazyIndexable
    {
        protected override List<string> ListNames() => element.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();

        protected override bool TryRead(string name, out JsonElement value) => element.TryGetProperty(name, out value);
    }

    /// <summary>The node outputs of a run.</summary>
    private sealed class ScopeDataIndexable(RunScope scope) : LazyIndexable
    {
        protected override List<string> ListNames() => scope.Data.Select(d => d.Key).Distinct(StringComparer.Ordinal).ToList();

        protected override bool TryRead(string name, out JsonElement value) => scope.TryGetData(name, out value);
    }

    /// <summary>The run object, asked of the scope the first time it is read.</summary>
    private sealed class ScopeRunIndexable(RunScope scope) : IFluidIndexable
    {
        private IFluidIndexable? _run;

        public int Count => Run.Count;

        public IEnumerable<string> Keys => Run.Keys;

        private IFluidIndexable Run => _run ??= scope.Run is { ValueKind: JsonValueKind.Object } run
            ? new JsonObjectIndexable(run)
            : new FluidValueDictionaryFluidIndexable(new Dictionary<string, FluidValue>());

        public bool TryGetValue(string name, out FluidValue value) => Run.TryGetValue(name, out value);
    }
}
