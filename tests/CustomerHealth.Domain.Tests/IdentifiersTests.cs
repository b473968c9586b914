using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Tests;

public sealed class IdentifiersTests
{
    [Theory]
    [InlineData("acme")]
    [InlineData("0015g00000ABCDeAAH")]
    [InlineData("hubspot:12345")]
    [InlineData("a.b_c-d@e/f")]
    public void TypicalCrmIdsAreValid(string id) => Assert.True(Identifiers.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("tab\tid")]
    [InlineData("émile")]
    [InlineData("semi;colon")]
    public void IdsOutsideTheAllowedCharactersAreInvalid(string id) => Assert.False(Identifiers.IsValid(id));

    [Fact]
    public void IdsLongerThan128CharactersAreInvalid()
    {
        Assert.True(Identifiers.IsValid(new string('x', 128)));
        Assert.Contains("at most 128", Identifiers.Explain(new string('x', 129)));
    }
}
