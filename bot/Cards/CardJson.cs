using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace ChatFlows.Bot.Cards;

/// <summary>How cards are written: camelCase, and neither nulls nor empty lists, so a card carries only what it sets.</summary>
internal static class CardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Status marks and names stay readable in the text; HTML-sensitive characters are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SkipEmptyLists, WriteDerivedAsBase } },
    };

    // System.Text.Json writes the "type" discriminator only when a value is serialised as its polymorphic base; a
    // property typed as the derived class (a card's refresh.action is an ExecuteAction) would lose it, and renderers
    // drop an action or element without its type (the schema requires it: https://adaptivecards.io/explorer/Refresh.html).
    // So such properties are written as their base.
    private static void WriteDerivedAsBase(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            var declared = property.PropertyType;
            if (declared.IsAbstract) continue;
            var polymorphicBase = typeof(CardAction).IsAssignableFrom(declared) ? typeof(CardAction)
                : typeof(CardElement).IsAssignableFrom(declared) ? typeof(CardElement)
                : null;
            if (polymorphicBase is null) continue;
            property.CustomConverter = (JsonConverter)Activator.CreateInstance(typeof(AsBase<,>).MakeGenericType(declared, polymorphicBase))!;
        }
    }

    // An empty "actions" or "items" says no more than a missing one, so a closed approval card simply has no "actions".
    private static void SkipEmptyLists(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
                // A ShouldSerialize replaces the ignore-null condition, so nulls are left out here too.
                property.ShouldSerialize = (_, value) => value is not (null or ICollection { Count: 0 });
        }
    }

    // Writes a TDerived as TBase, so the base's [JsonPolymorphic] adds the "type" discriminator. Cards are only written.
    private sealed class AsBase<TDerived, TBase> : JsonConverter<TDerived>
        where TDerived : TBase
    {
        public override TDerived Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Cards are written, not read.");

        public override void Write(Utf8JsonWriter writer, TDerived value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize<TBase>(writer, value, options);
    }
}
