using System.Collections;
using System.Reflection;
using CypherScoping.Contracts;

namespace CypherScoping.TestKit.Builders;

/// <summary>
/// Builds a populated instance of any contract record by reflection (every settable member gets a plausible,
/// deterministic value), so tests can cover every message type without knowing each one.
/// </summary>
public static class ContractSamples
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Every message type in the contracts assembly (public, concrete, implementing ICypherMessage).</summary>
    public static IReadOnlyList<Type> MessageTypes { get; } = typeof(ICypherMessage).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICypherMessage).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToArray();

    public static object Create(Type type, int seed = 1)
    {
        var instance = Activator.CreateInstance(type)!;
        var index = 0;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            property.SetValue(instance, Value(property.PropertyType, property.Name, seed + index++));
        }

        return instance;
    }

    public static T Create<T>(int seed = 1) => (T)Create(typeof(T), seed);

    private static object? Value(Type type, string name, int seed)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Value(underlying, name, seed);
        }

        if (type == typeof(string))
        {
            return name switch
            {
                "Symbol" => "ETHUSDTM",
                "BaseAsset" => "ETH",
                "ClientOrderId" => "cs" + new Guid(seed, 0, 0, new byte[8]).ToString("N"),
                "ErrorCode" => "E_BAD_MESSAGE",
                _ => $"{name.ToLowerInvariant()}-{seed}",
            };
        }

        if (type == typeof(Guid))
        {
            return new Guid(seed, (short)(seed >> 16), 7, [1, 2, 3, 4, 5, 6, 7, (byte)seed]);
        }

        if (type == typeof(DateTimeOffset))
        {
            return Epoch.AddSeconds(seed);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromMinutes(seed);
        }

        if (type == typeof(decimal))
        {
            return 100m + seed + 0.125m;
        }

        if (type == typeof(double))
        {
            return seed + 0.5;
        }

        if (type == typeof(int))
        {
            return seed;
        }

        if (type == typeof(long))
        {
            return (long)seed;
        }

        if (type == typeof(bool))
        {
            return seed % 2 == 0;
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(seed % values.Length);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var def &&
            (def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(List<>) || def == typeof(IEnumerable<>)))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Value(element, name, seed));
            return list;
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) || type.GetGenericTypeDefinition() == typeof(Dictionary<,>)))
        {
            var args = type.GetGenericArguments();
            var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
            dict.Add(Value(args[0], name, seed)!, Value(args[1], name, seed + 1));
            return dict;
        }

        if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is not null)
        {
            return Create(type, seed);
        }

        throw new NotSupportedException($"ContractSamples cannot build a {type.Name} for {name}");
    }
}
