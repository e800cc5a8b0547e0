using System.Buffers.Binary;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// Reads the fields of one protobuf message as they come on the wire: varints, fixed 32 and 64-bit values and
/// length-delimited fields (strings, bytes and nested messages). Enough of the format for a test to decode OTLP
/// without the generated classes, and to skip whatever it does not look at.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> message)
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private ReadOnlySpan<byte> _rest = message;
    private int _wireType;

    /// <summary>The number of the field <see cref="Next"/> stopped at.</summary>
    public int Field { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_rest.IsEmpty) return false;
        var tag = ReadRawVarint();
        Field = (int)(tag >> 3);
        _wireType = (int)(tag & 7);
        return true;
    }

    /// <summary>The field's value as an unsigned varint (enums, bools, int64 as two's complement).</summary>
    public ulong Varint64()
    {
        Expect(Varint);
        return ReadRawVarint();
    }

    /// <summary>The field's value as a fixed 64-bit double.</summary>
    public double Double()
    {
        Expect(Fixed64);
        var value = BinaryPrimitives.ReadDoubleLittleEndian(_rest);
        _rest = _rest[8..];
        return value;
    }

    /// <summary>A length-delimited field's bytes: a string, a byte array or a nested message to read with another reader.</summary>
    public ReadOnlySpan<byte> Bytes()
    {
        Expect(LengthDelimited);
        var length = checked((int)ReadRawVarint());
        var bytes = _rest[..length];
        _rest = _rest[length..];
        return bytes;
    }

    /// <summary>A length-delimited field as UTF-8 text.</summary>
    public string String() => System.Text.Encoding.UTF8.GetString(Bytes());

    /// <summary>Passes over the field's value, whatever its wire type.</summary>
    public void Skip()
    {
        switch (_wireType)
        {
            case Varint: ReadRawVarint(); break;
            case Fixed64: _rest = _rest[8..]; break;
            case LengthDelimited: Bytes(); break;
            case Fixed32: _rest = _rest[4..]; break;
            default: throw new InvalidDataException($"Field {Field} has wire type {_wireType}, which OTLP does not use.");
        }
    }

    private readonly void Expect(int wireType)
    {
        if (_wireType != wireType) throw new InvalidDataException($"Field {Field} has wire type {_wireType}, not {wireType}.");
    }

    private ulong ReadRawVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _rest[0];
            _rest = _rest[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("A varint runs past 10 bytes.");
    }
}
