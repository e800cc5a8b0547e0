using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// <c>secrets</c> in templates: <c>{{ secrets.NAME }}</c> reads one secret through the run, which remembers it for
/// redaction; a secret that is not set is an error naming how to set it. The object itself renders as nothing, so
/// <c>{{ secrets }}</c> cannot list them.
/// </summary>
internal sealed class SecretsValue(RunScope scope) : FluidValue
{
    public override FluidValues Type => FluidValues.Object;

    public override bool Equals(FluidValue other) => ReferenceEquals(this, other);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => "";

    public override object ToObjectValue() => "";

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context)
    {
        if (scope.TryGetSecret(name, out var value)) return new ValueTask<FluidValue>(new StringValue(value));
        throw new InvalidOperationException(
            $"secret '{name}' is not set; add it with PUT /api/secrets/{name} or the configuration key ChatFlows:Secrets:{name}.");
    }

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => ValueTask.CompletedTask;
}
