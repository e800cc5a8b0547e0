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
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SkipEmptyLists } },
    };

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
}
