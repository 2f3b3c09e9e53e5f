using System.Text.Json;
using CypherScoping.Contracts;
using CypherScoping.TestKit.Builders;
using MassTransit.Serialization;

namespace CypherScoping.Contracts.Tests;

public class ContractSerializationTests
{
    public static TheoryData<Type> MessageTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in ContractSamples.MessageTypes)
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Every_contract_round_trips_through_the_masstransit_serializer(Type type)
    {
        var original = ContractSamples.Create(type, seed: 3);
        var options = SystemTextJsonMessageSerializer.Options;

        var json = JsonSerializer.Serialize(original, type, options);
        var copy = JsonSerializer.Deserialize(json, type, options);
        var again = JsonSerializer.Serialize(copy, type, options);

        Assert.NotNull(copy);
        Assert.Equal(json, again);
        foreach (var property in type.GetProperties().Where(p => p.PropertyType.IsValueType || p.PropertyType == typeof(string)))
        {
            Assert.Equal(property.GetValue(original), property.GetValue(copy));
        }
    }

    [Fact]
    public void Every_message_carries_correlation_id_and_occurred_at()
    {
        Assert.NotEmpty(ContractSamples.MessageTypes);
        foreach (var type in ContractSamples.MessageTypes)
        {
            Assert.True(typeof(ICypherMessage).IsAssignableFrom(type), type.Name);
            Assert.True(type.IsSealed, $"{type.Name} should be a sealed record");
        }
    }

    [Fact]
    public void Contract_names_and_namespaces_match_the_snapshot()
    {
        // The namespace is part of the RabbitMQ exchange name: renaming or moving a contract is a breaking change.
        // If you really mean to, update contracts.snapshot.txt in the same commit and plan the migration.
        var actual = ContractSamples.MessageTypes.Select(t => t.FullName!).ToArray();
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "contracts.snapshot.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToArray();

        var missing = expected.Except(actual).ToArray();
        var added = actual.Except(expected).ToArray();
        Assert.True(missing.Length == 0, "contracts renamed or removed: " + string.Join(", ", missing));
        Assert.True(added.Length == 0, "contracts added without updating contracts.snapshot.txt: " + string.Join(", ", added));
    }

    [Fact]
    public void Contracts_assembly_has_no_package_references()
    {
        var references = typeof(ICypherMessage).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard", name));
    }
}
