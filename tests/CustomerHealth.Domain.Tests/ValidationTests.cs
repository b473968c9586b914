using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Tests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("USD", true)]
    [InlineData("EUR", true)]
    [InlineData("JPY", true)]
    [InlineData("usd", false)]
    [InlineData("XXX", false)]
    [InlineData("XAU", false)]
    [InlineData("US", false)]
    [InlineData("", false)]
    public void OnlyActiveIsoCurrencyCodesInUpperCaseAreKnown(string code, bool known) =>
        Assert.Equal(known, Currencies.IsKnown(code));

    [Fact]
    public void EveryBrokenRuleIsCollected()
    {
        var violations = new Violations()
            .Identifier("a", "")
            .Identifier("b", "ok-id")
            .Text("c", new string('x', 11), maxLength: 10)
            .Text("d", " ", maxLength: 10, required: true);

        var ex = Assert.Throws<ValidationException>(violations.ThrowIfAny);

        Assert.Equal(["a", "c", "d"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void LineBreaksAreAllowedOnlyInMultilineText()
    {
        Assert.True(new Violations().Text("name", "two\nlines", 100).Any);
        Assert.False(new Violations().Text("note", "two\nlines\tand a tab", 100, multiline: true).Any);
        Assert.True(new Violations().Text("note", "bell\a", 100, multiline: true).Any);
    }

    [Fact]
    public void TokensAllowWhatIdsDoNotButNoWhiteSpace()
    {
        Assert.False(new Violations().Token("respondent_id", "jane+nps@example.com").Any);
        Assert.True(new Violations().Token("respondent_id", "jane doe").Any);
        Assert.True(new Violations().Token("respondent_id", "").Any);
        Assert.False(new Violations().Token("respondent_id", "", optional: true).Any);
        Assert.True(new Violations().Token("respondent_id", new string('x', Identifiers.MaxLength + 1)).Any);
    }

    [Fact]
    public void AnEmptyViolationListIsNotAnError() =>
        Assert.Null(Record.Exception(new Violations().Identifier("id", "fine").ThrowIfAny));
}
