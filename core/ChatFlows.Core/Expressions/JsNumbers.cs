using System.Globalization;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// JavaScript's conversions between numbers and strings (ECMAScript §7.1.4.1.1 StringToNumber and §6.1.6.1.20
/// Number::toString), so that conditions read over JSON compare and print exactly as the engine does.
/// </summary>
internal static class JsNumbers
{
    /// <summary>ToNumber of a string; false when the text needs a rule this class leaves to the engine.</summary>
    public static bool TryToNumber(string text, out double value)
    {
        var s = text.AsSpan().Trim(WhiteSpace);
        value = 0;
        if (s.IsEmpty) return true;
        if (s.Length > 2 && s[0] == '0' && (s[1] | 0x20) is 'x' or 'o' or 'b')
            return TryRadix(s[2..], (s[1] | 0x20) switch { 'x' => 16, 'o' => 8, _ => 2 }, out value);
        value = double.NaN;
        var body = s[0] is '+' or '-' ? s[1..] : s;
        if (body.SequenceEqual("Infinity"))
        {
            value = s[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (!IsDecimalLiteral(body)) return true;
        value = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>Number::toString: the shortest digits that read back as the same number, laid out as JavaScript does.</summary>
    public static string ToString(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (value == 0) return "0";
        if (double.IsInfinity(value)) return value > 0 ? "Infinity" : "-Infinity";
        if (value < 0) return "-" + ToString(-value);

        // .NET's round-trip format gives the same shortest digits; only the layout differs ("1E+21" is "1e+21").
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var e = roundTrip.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? roundTrip : roundTrip[..e];
        var exponent = e < 0 ? 0 : int.Parse(roundTrip.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var n = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leadingZeros;
        var k = digits.Length;

        if (k <= n && n <= 21) return digits + new string('0', n - k);
        if (0 < n && n <= 21) return digits[..n] + "." + digits[n..];
        if (-6 < n && n <= 0) return "0." + new string('0', -n) + digits;
        var power = n - 1;
        var sign = power < 0 ? "-" : "+";
        var head = k == 1 ? digits : digits[..1] + "." + digits[1..];
        return head + "e" + sign + Math.Abs(power).ToString(CultureInfo.InvariantCulture);
    }

    // StrWhiteSpaceChar: WhiteSpace and LineTerminator, which is not .NET's char.IsWhiteSpace (U+0085 is not one).
    private static readonly char[] WhiteSpace =
    [
        '\t', '\n', '\v', '\f', '\r', ' ', '\u00A0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004',
        '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200A', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000',
        '\uFEFF',
    ];

    private static bool TryRadix(ReadOnlySpan<char> digits, int radix, out double value)
    {
        value = double.NaN;
        // Up to 52 bits the sum is exact; longer literals need rounding the engine does, so they go to it.
        if (digits.Length > 52 / (radix == 16 ? 4 : radix == 8 ? 3 : 1)) return false;
        long sum = 0;
        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => radix,
            };
            if (digit >= radix) return true;
            sum = sum * radix + digit;
        }
        value = sum;
        return true;
    }

    // StrUnsignedDecimalLiteral: digits [. digits] | . digits, then an optional exponent; ASCII digits only.
    private static bool IsDecimalLiteral(ReadOnlySpan<char> s)
    {
        var i = 0;
        var integer = Digits(s, ref i);
        var fraction = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            fraction = Digits(s, ref i);
        }
        if (integer + fraction == 0) return false;
        if (i < s.Length && (s[i] | 0x20) == 'e')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            if (Digits(s, ref i) == 0) return false;
        }
        return i == s.Length;
    }

    private static int Digits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i - start;
    }
}
