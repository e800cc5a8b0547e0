namespace ChatFlows.Bot.Tests;

/// <summary>The acceptance on PostgreSQL (the second pass of <c>./test.sh</c>) covers the whole shared-host suite.</summary>
public sealed class HostCollectionTests
{
    [Fact]
    public void SharedHostSuite_EveryTestClass_CarriesTheTraitThePostgresPassSelects()
    {
        var classes = typeof(HostCollectionTests).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(CollectionAttribute) && Equals(a.ConstructorArguments[0].Value, HostCollection.Name)))
            .ToList();
        var missing = classes
            .Where(t => !t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
                && Equals(a.ConstructorArguments[0].Value, HostCollection.Trait) && Equals(a.ConstructorArguments[1].Value, HostCollection.Shared)))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(classes.Count > 40, $"Only {classes.Count} classes use the shared host.");
        Assert.True(missing.Count == 0, $"These classes share the host but lack [Trait(\"{HostCollection.Trait}\", \"{HostCollection.Shared}\")], so the PostgreSQL pass skips them: {string.Join(", ", missing)}");
    }
}
