namespace ChatFlows.Bot.Playground;

/// <summary>Who the Playground page speaks for (<c>GET /playground/api/me</c>).</summary>
/// <param name="SignedIn">True when the person signed in with the provider; their name is then the display name.</param>
/// <param name="Name">The signed-in person's name.</param>
/// <param name="Id">The identity their decisions are recorded under, e.g. <c>email:ana@corp.example</c>.</param>
public sealed record PlaygroundMe(bool SignedIn, string? Name, string? Id);
