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
    public static FluidValue ToFluid(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new DictionaryValue(new FluidValueDictionaryFluidIndexable(
            element.EnumerateObject().ToDictionary(p => p.Name, p => ToFluid(p.Value)))),
        JsonValueKind.Array => new ArrayValue(element.EnumerateArray().Select(ToFluid).ToArray()),
        JsonValueKind.String => new StringValue(element.GetString()!),
        JsonValueKind.Number => NumberValue.Create(element.TryGetDecimal(out var d) ? d : (decimal)element.GetDouble()),
        JsonValueKind.True => BooleanValue.True,
        JsonValueKind.False => BooleanValue.False,
        _ => NilValue.Instance,
    };

    public static JsonElement ToJson(FluidValue value, TemplateContext context, int maxLength = Template.MaxOutputLength)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, context, depth: 0, maxLength);
        }
        return JsonElement.Parse(buffer.WrittenSpan, StrictJson.StoredOptions);
    }

    private static void Write(Utf8JsonWriter writer, FluidValue value, TemplateContext context, int depth, int maxLength)
    {
        if (depth > 64) throw new ExpressionException("the value is nested more than 64 levels deep.");
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
}
