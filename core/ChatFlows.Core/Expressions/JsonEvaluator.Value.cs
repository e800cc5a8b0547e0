using System.Text.Json;

namespace ChatFlows.Core.Expressions;

// The values JsonEvaluator computes with, and JavaScript's conversions of them.
internal static partial class JsonEvaluator
{
    public enum ValueKind
    {
        Undefined,
        Null,
        Boolean,
        Number,
        String,
        Object,
        Array,

        /// <summary>The <c>data</c> object, read key by key from the scope.</summary>
        Data,

        /// <summary>The answer needs the engine: an error, a prototype member or a conversion left to it.</summary>
        Engine,
    }

    /// <summary>A JavaScript value as the evaluator sees it: a primitive, or a JSON object or array.</summary>
    public readonly record struct Value(ValueKind Kind, double Numeric = 0, string? Text = null, JsonElement Json = default)
    {
        public static readonly Value Undefined = new(ValueKind.Undefined);
        public static readonly Value Null = new(ValueKind.Null);
        public static readonly Value Data = new(ValueKind.Data);
        public static readonly Value Engine = new(ValueKind.Engine);

        public bool NeedsEngine => Kind == ValueKind.Engine;

        public bool IsObjectLike => Kind is ValueKind.Object or ValueKind.Array or ValueKind.Data;

        /// <summary>ToBoolean: "", 0, -0, NaN, null and undefined are false; objects are true.</summary>
        public bool IsTruthy => Kind switch
        {
            ValueKind.Boolean or ValueKind.Number => Numeric != 0 && !double.IsNaN(Numeric),
            ValueKind.String => Text!.Length > 0,
            ValueKind.Object or ValueKind.Array or ValueKind.Data => true,
            _ => false,
        };

        /// <summary>What <c>typeof</c> answers; JSON holds no functions, so every object is "object".</summary>
        public string TypeOf => Kind switch
        {
            ValueKind.Undefined => "undefined",
            ValueKind.Boolean => "boolean",
            ValueKind.Number => "number",
            ValueKind.String => "string",
            _ => "object",
        };

        public static Value Number(double value) => new(ValueKind.Number, value);

        public static Value String(string value) => new(ValueKind.String, Text: value);

        public static Value Boolean(bool value) => new(ValueKind.Boolean, value ? 1 : 0);

        public static Value FromJson(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.Object => new(ValueKind.Object, Json: json),
            JsonValueKind.Array => new(ValueKind.Array, Json: json),
            JsonValueKind.String => TryGetString(json),
            // Numbers beyond double's range fail TryGetDouble; how the engine reads those is its own business.
            JsonValueKind.Number => json.TryGetDouble(out var number) ? Number(number) : Engine,
            JsonValueKind.True => Boolean(true),
            JsonValueKind.False => Boolean(false),
            JsonValueKind.Null => Null,
            _ => Engine,
        };

        /// <summary>ToNumber for primitives; false for objects and for text whose reading is left to the engine.</summary>
        public bool TryToNumber(out double number)
        {
            number = Kind switch
            {
                ValueKind.Number or ValueKind.Boolean => Numeric,
                ValueKind.Null => 0,
                _ => double.NaN,
            };
            return Kind switch
            {
                ValueKind.String => JsNumbers.TryToNumber(Text!, out number),
                ValueKind.Object or ValueKind.Array or ValueKind.Data or ValueKind.Engine => false,
                _ => true,
            };
        }

        /// <summary>The JSON text <c>JSON.stringify</c> gives for a primitive; false for objects and escaped text.</summary>
        public bool TryToJson(out string json)
        {
            json = Kind switch
            {
                ValueKind.Undefined or ValueKind.Null => "null",
                ValueKind.Boolean => Numeric != 0 ? "true" : "false",
                ValueKind.Number => double.IsFinite(Numeric) ? JsNumbers.ToString(Numeric) : "null",
                // Text needing no escape reads the same in every serializer; the rest keeps the engine's escaping.
                ValueKind.String when !Text!.AsSpan().ContainsAnyInRange('\0', '\u001F') && !Text.AsSpan().ContainsAny('"', '\\')
                    && !Text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') => "\"" + Text + "\"",
                _ => "",
            };
            return json.Length > 0;
        }

        private static Value TryGetString(JsonElement json)
        {
            try
            {
                return String(json.GetString()!);
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate, which .NET refuses to decode.
                return Engine;
            }
        }
    }
}
