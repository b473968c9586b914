using System.Text.Json;
using CustomerHealth.Infrastructure.Engagement;
using Google.Protobuf.Collections;

namespace CustomerHealth.Server.Tests.Engagement;

/// <summary>
/// Event properties are stored as the JSON text of a string map, written by hand from the request's map (once per
/// event, on every ingestion path): the text must be what the JSON serializer writes for the same map, escapes
/// included.
/// </summary>
public sealed class PropertiesJsonTests
{
    public static TheoryData<string[]> Maps => new()
    {
        new[] { "plan", "pro" },
        new[] { "client", "web", "app_version", "4.10.2" },
        new[] { "quote\"d", "back\\slash", "line", "one\ntwo\tthree", "control", "\u0001" },
        new[] { "ünïcødé", "✓ 日本語", "emoji", "😀", "html", "<script>&'" },
        new[] { "", "" },
    };

    [Theory]
    [MemberData(nameof(Maps))]
    public void TheStoredTextIsWhatTheSerializerWritesForTheSameMap(string[] pairs)
    {
        var map = new MapField<string, string>();
        var expected = new Dictionary<string, string>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            map[pairs[i]] = pairs[i + 1];
            expected[pairs[i]] = pairs[i + 1];
        }

        var written = CatalogueJson.SerializeProperties(map);

        Assert.Equal(JsonSerializer.Serialize(expected), written);
        Assert.Equal(expected, JsonSerializer.Deserialize<Dictionary<string, string>>(written!));
    }

    [Fact]
    public void NoPropertiesAreStoredAsNullAndEachCallStartsAfresh()
    {
        Assert.Null(CatalogueJson.SerializeProperties(new MapField<string, string>()));
        var first = CatalogueJson.SerializeProperties(new MapField<string, string> { ["a"] = new string('x', 1_000) });
        var second = CatalogueJson.SerializeProperties(new MapField<string, string> { ["b"] = "y" });

        Assert.Equal("{\"a\":\"" + new string('x', 1_000) + "\"}", first);
        Assert.Equal("{\"b\":\"y\"}", second);
    }
}
