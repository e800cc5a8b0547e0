using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace ChatFlows.Core.Sql;

/// <summary>How database values become JSON: dates as ISO-8601 text, blobs as base64, decimals as numbers.</summary>
public sealed partial class SqlDatabases
{
    private static string[] ColumnNames(DbDataReader reader)
    {
        var names = new string[reader.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = reader.GetName(i);
            // A join's two "id" columns would make an object with a repeated key; the second becomes id_2.
            var unique = name;
            for (var n = 2; !seen.Add(unique); n++) unique = $"{name}_{n}";
            names[i] = unique;
        }
        return names;
    }

    private static void WriteRow(Utf8JsonWriter writer, DbDataReader reader, string[] names)
    {
        writer.WriteStartObject();
        for (var i = 0; i < names.Length; i++)
        {
            writer.WritePropertyName(names[i]);
            if (reader.IsDBNull(i))
            {
                writer.WriteNullValue();
                continue;
            }
            var type = reader.GetDataTypeName(i).ToLowerInvariant();
            WriteValue(writer, reader.GetValue(i), type);
        }
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, string type)
    {
        switch (value)
        {
            case null or DBNull:
                writer.WriteNullValue();
                break;
            case string text when type is "json" or "jsonb":
                using (var json = JsonDocument.Parse(text)) json.RootElement.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong big:
                writer.WriteNumberValue(big);
                break;
            case decimal exact:
                writer.WriteNumberValue(exact);
                break;
            case double or float when double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)):
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case double or float:
                // NaN and infinities have no JSON number.
                writer.WriteStringValue(Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case DateTime date when type == "date":
                writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTime date:
                // timestamptz arrives as UTC (…Z); timestamp without time zone stays without an offset.
                writer.WriteStringValue(date.ToString(date.Kind == DateTimeKind.Utc ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset moment:
                writer.WriteStringValue(moment.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
                break;
            case DateOnly day:
                writer.WriteStringValue(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case TimeOnly clock:
                writer.WriteStringValue(clock.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                writer.WriteStringValue(span.ToString("c", CultureInfo.InvariantCulture));
                break;
            case byte[] blob:
                writer.WriteBase64StringValue(blob);
                break;
            case IEnumerable items:
                // PostgreSQL arrays.
                writer.WriteStartArray();
                var element = type.TrimStart('_').Replace("[]", "", StringComparison.Ordinal);
                foreach (var item in items) WriteValue(writer, item, element);
                writer.WriteEndArray();
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
