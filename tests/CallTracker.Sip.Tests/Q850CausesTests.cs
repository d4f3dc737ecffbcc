namespace CallTracker.Sip.Tests;

public class Q850CausesTests
{
    public static TheoryData<int> KnownCauses => new(Q850Causes.All.Select(cause => cause.Cause));

    [Fact]
    public void All_EveryEntry_IsACauseValueWithANameInAscendingOrder()
    {
        var all = Q850Causes.All.ToList();

        var values = all.Select(cause => cause.Cause).ToList();
        Assert.NotEmpty(all);
        Assert.Equal(values.Order(), values);
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.All(all, cause =>
        {
            Assert.InRange(cause.Cause, 1, 127);
            Assert.False(string.IsNullOrWhiteSpace(cause.Name), $"Cause {cause.Cause} has no name.");
            Assert.Same(cause, Q850Causes.Find(cause.Cause));
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(19)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(25)]
    [InlineData(26)]
    [InlineData(27)]
    [InlineData(28)]
    [InlineData(29)]
    [InlineData(31)]
    [InlineData(34)]
    [InlineData(38)]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(44)]
    [InlineData(47)]
    [InlineData(50)]
    [InlineData(52)]
    [InlineData(53)]
    [InlineData(54)]
    [InlineData(55)]
    [InlineData(57)]
    [InlineData(58)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(69)]
    [InlineData(79)]
    [InlineData(81)]
    [InlineData(87)]
    [InlineData(88)]
    [InlineData(95)]
    [InlineData(96)]
    [InlineData(97)]
    [InlineData(99)]
    [InlineData(100)]
    [InlineData(101)]
    [InlineData(102)]
    [InlineData(103)]
    [InlineData(111)]
    [InlineData(127)]
    public void Find_CauseCarriersCommonlySend_IsKnown(int value)
    {
        var cause = Q850Causes.Find(value);

        Assert.NotNull(cause);
        Assert.Equal(value, cause.Cause);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(128)]
    [InlineData(-1)]
    public void Find_UnknownCause_GivesNull(int value)
    {
        var cause = Q850Causes.Find(value);

        Assert.Null(cause);
    }

    [Theory]
    [MemberData(nameof(KnownCauses))]
    public void Entry_KnownCause_HasAKnownOutcomeOrNoneAndAMeaningAndRemedyInBothLanguages(int value)
    {
        var cause = Q850Causes.Find(value);

        Assert.NotNull(cause);
        if (cause.Outcome is not null)
        {
            Assert.Contains(cause.Outcome, Outcome.All);
        }

        CatalogueText.AssertOneSentenceInEachLanguage(cause.Meaning, $"Cause {value} meaning");
        CatalogueText.AssertOneSentenceInEachLanguage(cause.Remedy, $"Cause {value} remedy");
    }

    [Theory]
    [InlineData(17, Outcome.Busy)]
    [InlineData(18, Outcome.Unreachable)]
    [InlineData(19, Outcome.NoAnswer)]
    [InlineData(20, Outcome.Unreachable)]
    [InlineData(21, Outcome.Declined)]
    [InlineData(1, Outcome.InvalidNumber)]
    [InlineData(34, Outcome.NetworkError)]
    [InlineData(41, Outcome.NetworkError)]
    [InlineData(28, Outcome.InvalidNumber)]
    [InlineData(23, Outcome.Redirected)]
    public void Find_CauseTheAcceptanceTestChecks_GivesItsOutcome(int value, string outcome)
    {
        var cause = Q850Causes.Find(value);

        Assert.NotNull(cause);
        Assert.Equal(outcome, cause.Outcome);
        Assert.True(cause.IsDecisive);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(111)]
    [InlineData(127)]
    public void Find_CauseThatSaysNothingAboutWhy_DecidesNothing(int value)
    {
        var cause = Q850Causes.Find(value);

        Assert.NotNull(cause);
        Assert.Null(cause.Outcome);
        Assert.False(cause.IsDecisive);
    }

    [Fact]
    public void IsDecisive_FalseOnlyForTheCausesThatSayNothingAboutWhyThisCallFailed()
    {
        int[] silent = [16, 26, 31, 103, 111, 127];

        var values = Q850Causes.All.Where(cause => !cause.IsDecisive).Select(cause => cause.Cause);

        Assert.Equal(silent, values);
    }

    [Fact]
    public void Outcome_NoCause_ImpliesAnsweredOrNoResponseOrUnknown()
    {
        var outcomes = Q850Causes.All.Select(cause => cause.Outcome).ToList();

        Assert.DoesNotContain(Outcome.Answered, outcomes);
        Assert.DoesNotContain(Outcome.NoResponse, outcomes);
        Assert.DoesNotContain(Outcome.Unknown, outcomes);
    }
}
