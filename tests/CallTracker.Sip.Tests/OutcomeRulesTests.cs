namespace CallTracker.Sip.Tests;

/// <summary>The outcome a telecom engineer would give each failure, and the rules behind it.</summary>
public class OutcomeRulesTests
{
    /// <summary>The acceptance list, one row per captured response.</summary>
    public static TheoryData<string, string, string> CapturedResponses() => new()
    {
        { "01-486.sip", Outcome.Busy, OutcomeBasis.Code },
        { "02-404.sip", Outcome.InvalidNumber, OutcomeBasis.Code },
        { "03-480.sip", Outcome.Unreachable, OutcomeBasis.Q850 },
        { "04-480.sip", Outcome.Unreachable, OutcomeBasis.Q850 },
        { "05-603.sip", Outcome.Declined, OutcomeBasis.Code },
        { "06-487.sip", Outcome.Cancelled, OutcomeBasis.Code },
        { "07-408.sip", Outcome.Unreachable, OutcomeBasis.Code },
        { "08-503.sip", Outcome.NetworkError, OutcomeBasis.Q850 },
        { "09-488.sip", Outcome.MediaError, OutcomeBasis.Code },
        { "10-403.sip", Outcome.ConfigurationError, OutcomeBasis.Code },
        { "11-484.sip", Outcome.InvalidNumber, OutcomeBasis.Code },
        { "12-500.sip", Outcome.NetworkError, OutcomeBasis.Q850 },
        { "13-600.sip", Outcome.Busy, OutcomeBasis.Code },
        { "14-604.sip", Outcome.InvalidNumber, OutcomeBasis.Code },
        { "15-302.sip", Outcome.Redirected, OutcomeBasis.Code },
        { "16-480.sip", Outcome.NoAnswer, OutcomeBasis.Q850 },
    };

    [Theory]
    [MemberData(nameof(CapturedResponses))]
    public void Decide_EachCapturedResponse_GivesTheEngineersOutcome(string file, string outcome, string basis)
    {
        Assert.True(SipResponseParser.TryParse(SharedData.SipResponse(file), out var response, out _));
        var reasons = ReasonHeader.ParseAll(response!.Headers.GetAll("Reason"));

        var decision = OutcomeRules.Decide(response.Code, reasons, null);

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(basis, decision.Basis);
        Assert.False(string.IsNullOrWhiteSpace(decision.Meaning.En));
        Assert.False(string.IsNullOrWhiteSpace(decision.Remedy.Vi));
    }

    [Theory]
    [InlineData(480, 18, Outcome.Unreachable)]
    [InlineData(480, 19, Outcome.NoAnswer)]
    [InlineData(480, 20, Outcome.Unreachable)]
    [InlineData(503, 17, Outcome.Busy)]
    [InlineData(503, 34, Outcome.NetworkError)]
    [InlineData(408, 19, Outcome.NoAnswer)]
    [InlineData(500, 1, Outcome.InvalidNumber)]
    public void Decide_AGeneralCodeWithADecisiveCause_TakesTheCausesOutcome(int code, int cause, string outcome)
    {
        var reasons = ReasonHeader.ParseAll([$"Q.850;cause={cause}"]);

        var decision = OutcomeRules.Decide(code, reasons, null);

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(OutcomeBasis.Q850, decision.Basis);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(111)]
    [InlineData(127)]
    public void Decide_ACauseThatSaysNothingWhy_DecidesNothing(int cause)
    {
        var reasons = ReasonHeader.ParseAll([$"Q.850;cause={cause}"]);

        var decision = OutcomeRules.Decide(480, reasons, null);

        Assert.Equal(Outcome.Unreachable, decision.Outcome);
        Assert.Equal(OutcomeBasis.Code, decision.Basis);
    }

    [Theory]
    [InlineData(404, 17, Outcome.InvalidNumber)]
    [InlineData(486, 21, Outcome.Busy)]
    [InlineData(603, 17, Outcome.Declined)]
    [InlineData(403, 21, Outcome.ConfigurationError)]
    [InlineData(488, 17, Outcome.MediaError)]
    public void Decide_ASpecificCode_KeepsItsOutcomeWhateverTheCause(int code, int cause, string outcome)
    {
        var reasons = ReasonHeader.ParseAll([$"Q.850;cause={cause}"]);

        var decision = OutcomeRules.Decide(code, reasons, null);

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(OutcomeBasis.Code, decision.Basis);
    }

    [Fact]
    public void Decide_OnlyTheFirstQ850CauseCounts_EvenAfterASipReason()
    {
        var reasons = ReasonHeader.ParseAll(["SIP;cause=480", "Q.850;cause=19, Q.850;cause=18"]);

        var decision = OutcomeRules.Decide(480, reasons, null);

        Assert.Equal(Outcome.NoAnswer, decision.Outcome);
    }

    [Fact]
    public void Decide_A500WithoutAReason_IsStillANetworkError()
    {
        var decision = OutcomeRules.Decide(500, [], null);

        Assert.Equal(Outcome.NetworkError, decision.Outcome);
    }

    [Theory]
    [InlineData(699, Outcome.Unknown)]
    [InlineData(477, Outcome.Unknown)]
    [InlineData(399, Outcome.Unknown)]
    [InlineData(555 + 1, Outcome.NetworkError)]
    public void Decide_AnUnregisteredCode_GetsItsClassRuleNotTheX00Outcome(int code, string outcome)
    {
        var decision = OutcomeRules.Decide(code, [], null);

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(OutcomeBasis.Class, decision.Basis);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), decision.Meaning.En,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LocalCauses.TransportError, Outcome.NetworkError)]
    [InlineData(LocalCauses.RequestTimeout, Outcome.NoResponse)]
    [InlineData(LocalCauses.MediaError, Outcome.MediaError)]
    [InlineData(LocalCauses.CancelledBeforeResponse, Outcome.Cancelled)]
    [InlineData(LocalCauses.RingTimeout, Outcome.NoAnswer)]
    [InlineData(LocalCauses.Unknown, Outcome.NoResponse)]
    [InlineData(null, Outcome.NoResponse)]
    public void Decide_NoFinalResponse_TakesTheLocalCausesOutcome(string? localCause, string outcome)
    {
        var decision = OutcomeRules.Decide(null, [], localCause);

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(OutcomeBasis.LocalCause, decision.Basis);
    }

    [Fact]
    public void Decide_A487AtTheCrmsRingTimeout_IsNoAnswerNotCancelled()
    {
        var atRingTimeout = OutcomeRules.Decide(487, [], LocalCauses.RingTimeout);
        var plain = OutcomeRules.Decide(487, [], null);

        Assert.Equal(Outcome.NoAnswer, atRingTimeout.Outcome);
        Assert.Equal(Outcome.Cancelled, plain.Outcome);
    }

    [Fact]
    public void Decide_A2xx_IsAnswered()
    {
        var decision = OutcomeRules.Decide(200, [], null);

        Assert.Equal(Outcome.Answered, decision.Outcome);
    }

    [Fact]
    public void Outcomes_EveryOutcomeHasALabelInBothLanguages()
    {
        Assert.All(Outcome.All, outcome =>
        {
            Assert.False(string.IsNullOrWhiteSpace(Outcome.Labels[outcome].En));
            Assert.False(string.IsNullOrWhiteSpace(Outcome.Labels[outcome].Vi));
        });
    }

    [Fact]
    public void LocalCauses_EveryCauseHasAnOutcomeAndTextsInBothLanguages()
    {
        Assert.All(LocalCauses.All, cause =>
        {
            Assert.Contains(cause.Outcome, Outcome.All);
            Assert.NotEqual(cause.Meaning.En, cause.Meaning.Vi);
            Assert.NotEqual(cause.Remedy.En, cause.Remedy.Vi);
        });
    }

    [Theory]
    [InlineData(408, LocalCauses.RequestTimeout, Outcome.NoResponse)]
    [InlineData(408, LocalCauses.TransportError, Outcome.NetworkError)]
    [InlineData(487, LocalCauses.CancelledBeforeResponse, Outcome.Cancelled)]
    [InlineData(408, LocalCauses.Unknown, Outcome.Unreachable)]
    [InlineData(486, LocalCauses.TransportError, Outcome.Busy)]
    public void Decide_ALocalCauseBesideACodeTheClientMadeUp_SaysWhatReallyHappened(
        int code, string localCause, string outcome)
    {
        var decision = OutcomeRules.Decide(code, [], localCause);

        Assert.Equal(outcome, decision.Outcome);
    }
}
