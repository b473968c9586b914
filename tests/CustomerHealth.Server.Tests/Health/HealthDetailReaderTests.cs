using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Health;
using Google.Protobuf;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Tests.Health;

/// <summary>
/// The mapping's own reader of a stored score's components JSON gives the same messages as the serializer's records
/// did, byte for byte, for every document the service writes; a document in any other shape is left to the serializer.
/// </summary>
public sealed class HealthDetailReaderTests
{
    private static readonly ComponentScore[] Components =
    [
        new(HealthComponentKind.Engagement, 61, 0.3888888888888889,
            "Active on 27 of the last 30 days; DAU/MAU 32% (3.2 of 10 monthly active users on an average day)"),
        new(HealthComponentKind.Adoption, 80, 1d / 3, "10 of 10 seats; \"quoted\", back\\slash, tab\t, é, 日本, 🙂"),
        new(HealthComponentKind.UsageMetric, 49.5, 1e-7, "Exports per seat", "exports_per_seat", 0.1 + 0.2),
        new(HealthComponentKind.Support, 0, 0, "", "", -1234567.890123),
        new(HealthComponentKind.Relationship, 100, 2.5e300, "Line\nbreak <tag> &amp;", null, double.Epsilon),
        new(HealthComponentKind.Unspecified, -0.0, 1, "Unspecified kind", "m", 0),
    ];

    private static readonly MissingComponent[] Missing =
    [
        new(HealthComponentKind.Onboarding, "onboarding is over: the plan started 664 days ago, and counts for 365"),
        new(HealthComponentKind.UsageMetric, "no data for \"seats\"", "seats_used"),
    ];

    public static TheoryData<int, int> Shapes => new() { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 6, 2 }, { 3, 1 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void WhatTheServiceWritesIsReadAsTheSerializerReadIt(int components, int missing)
    {
        var json = HealthJson.Serialize(new HealthDetail(Components[..components], Missing[..missing]));

        Assert.True(HealthDetailReader.TryRead(json, [], []));
        AssertSameAsSerializer(json);
    }

    /// <summary>A component as the service writes it, with <paramref name="change"/> replacing a part of it.</summary>
    private static string Other(string part, string change) => "{\"components\":[" +
        """{"kind":"Engagement","score":61,"weight":1,"explanation":"e","metric":null,"metricValue":null}"""
            .Replace(part, change, StringComparison.Ordinal) + "],\"missing\":[]}";

    public static TheoryData<string> OtherShapes => new()
    {
        """{"Components":[],"missing":[]}""", // another case: the serializer reads it, ignoring the case
        Other("61", "\"61\""), // a number as a string
        Other("\"Engagement\"", "1"), // an enum by number
        Other("Engagement", "engagement"),
        Other(",\"metric\":null,\"metricValue\":null", ""), // properties left out
        Other("null}", "null,\"extra\":true}"),
        """{"components":[],"missing":[],"version":2}""",
        """{"components":[]}""",
        "null",
    };

    [Theory]
    [MemberData(nameof(OtherShapes))]
    public void AnyOtherShapeIsLeftToTheSerializer(string json)
    {
        Assert.False(HealthDetailReader.TryRead(json, [], []));
        AssertSameAsSerializer(json);
    }

    [Fact]
    public void ASnapshotsReaderSkipsTheMissingComponents()
    {
        var json = HealthJson.Serialize(new HealthDetail(Components, Missing));
        var components = new List<V1.HealthComponent>();

        Assert.True(HealthDetailReader.TryRead(json, components, null));

        Assert.Equal(Components.Length, components.Count);
    }

    /// <summary>The mapped message against one built from the serializer's records, as the mapping did before, when
    /// the serializer reads the document at all.</summary>
    private static void AssertSameAsSerializer(string json)
    {
        HealthDetail detail;
        try
        {
            detail = HealthJson.ReadDetail(json);
            if (detail.Components is null || detail.Missing is null) return;
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }
        var row = new HealthScoreRow { AccountId = "acme", DetailJson = json };
        var expected = row.ToProto();
        expected.Components.Clear();
        expected.Completeness.Missing.Clear();
        foreach (var c in detail.Components)
        {
            var component = new V1.HealthComponent
            {
                Kind = (V1.HealthComponentKind)c.Kind, Score = c.Score, Weight = c.Weight,
                Explanation = c.Explanation, Metric = c.Metric ?? "",
            };
            if (c.MetricValue is { } value) component.MetricValue = value;
            expected.Components.Add(component);
        }
        foreach (var m in detail.Missing)
        {
            expected.Completeness.Missing.Add(new V1.MissingComponent
            {
                Kind = (V1.HealthComponentKind)m.Kind, Reason = m.Reason, Metric = m.Metric ?? "",
            });
        }

        var actual = row.ToProto();

        Assert.Equal(expected, actual);
        Assert.Equal(expected.ToByteArray(), actual.ToByteArray());
    }
}
