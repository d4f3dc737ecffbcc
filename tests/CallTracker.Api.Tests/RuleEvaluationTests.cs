using CallTracker.Api.Alerts;
using CallTracker.Storage.Entities;

namespace CallTracker.Api.Tests;

/// <summary>
/// When a windowed alert rule fires and clears (issue 8): across the window's edges, through its cool-down,
/// back to normal once, and a share that needs a minimum of attempts. Pure: counters fed by hand.
/// </summary>
public sealed class RuleEvaluationTests
{
    private const int Project = 7;
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 30, TimeSpan.Zero);

    private static readonly WindowRule TrunkErrors = new("event_count", Threshold: 3, WindowMinutes: 5,
        MinimumEvents: 0, Cooldown: TimeSpan.FromMinutes(30),
        new RuleFilter(["network_error"], [], [], [], ["viettel-1"]));

    private readonly SettableClock clock = new(Start);
    private readonly MinuteCounters counters;

    public RuleEvaluationTests() => counters = new MinuteCounters(clock);

    [Fact]
    public void TheOldestMinute_CountsForThePartStillInsideTheWindow_AndOlderMinutesNotAtAll()
    {
        // 09:00:30: the five-minute window reaches back to 08:55:30, half of the minute 08:55.
        Add(minutesAgo: 6, count: 10, code: 503);
        Add(minutesAgo: 5, count: 4, code: 503);
        Add(minutesAgo: 4, count: 1, code: 503);
        Add(minutesAgo: 0, count: 1, code: 486, outcome: "busy");

        var (holds, window) = RuleEvaluation.Condition(TrunkErrors, counters, Project, clock.GetUtcNow());

        Assert.False(holds);
        Assert.Equal(3, window.Matching); // 1 + 4 x 1/2
        Assert.Equal(4, window.Attempts); // 1 + 1 + 4 x 1/2
    }

    [Fact]
    public void ABurstAcrossAMinuteEdge_CountsWhole()
    {
        var rule = TrunkErrors with { WindowMinutes = 1, Threshold = 5 };
        clock.Set(new DateTimeOffset(2026, 12, 4, 9, 0, 50, TimeSpan.Zero));
        Add(minutesAgo: 0, count: 4, code: 503);
        clock.Set(new DateTimeOffset(2026, 12, 4, 9, 1, 5, TimeSpan.Zero));
        Add(minutesAgo: 0, count: 4, code: 503);

        var (holds, window) = RuleEvaluation.Condition(rule, counters, Project, clock.GetUtcNow());

        Assert.True(holds);
        Assert.Equal(8, window.Matching); // 4 + 4 x 55/60, rounded: the first four taken as spread over 09:00
    }

    [Fact]
    public void ALastingProblem_FiresOnce_AndDoesNotSayBackToNormalAtEachMinutesEdge()
    {
        var rule = TrunkErrors with { WindowMinutes = 1, Threshold = 5, Cooldown = TimeSpan.Zero };
        var state = RuleState.Quiet;
        var decisions = new List<RuleDecision>();

        // Four failures every 15 seconds for three minutes, a round after each: 16 a minute against a limit of 5.
        for (var round = 0; round < 12; round++)
        {
            Add(minutesAgo: 0, count: 4, code: 503);
            var (holds, _) = RuleEvaluation.Condition(rule, counters, Project, clock.GetUtcNow(), state.Firing);
            (var decision, state) = RuleEvaluation.Decide(state, holds, rule.Cooldown, clock.GetUtcNow());
            decisions.Add(decision);
            clock.Advance(TimeSpan.FromSeconds(15));
        }

        Assert.Single(decisions, decision => decision == RuleDecision.Fire);
        Assert.DoesNotContain(RuleDecision.Resolve, decisions);
    }

    [Fact]
    public void AFiringShare_StaysFiringWhileFailuresGoOnBelowTheMinimum_AndClearsWhenNothingMatches()
    {
        var rule = new WindowRule("event_share", Threshold: 50, WindowMinutes: 5, MinimumEvents: 20,
            TimeSpan.FromMinutes(30), new RuleFilter(["network_error"], [], [], [], []));
        Add(minutesAgo: 0, count: 2, code: 503);

        var (quietNight, _) = RuleEvaluation.Condition(rule, counters, Project, clock.GetUtcNow(), firing: true);
        clock.Advance(TimeSpan.FromMinutes(7));
        var (nothingLeft, _) = RuleEvaluation.Condition(rule, counters, Project, clock.GetUtcNow(), firing: true);

        Assert.True(quietNight);
        Assert.False(nothingLeft);
    }

    [Fact]
    public void ABurst_FiresOnce_IsQuietInsideTheCooldown_AndSaysBackToNormalOnce()
    {
        var state = RuleState.Quiet;
        var decisions = new List<RuleDecision>();
        void Round()
        {
            var (holds, _) = RuleEvaluation.Condition(TrunkErrors, counters, Project, clock.GetUtcNow());
            (var decision, state) = RuleEvaluation.Decide(state, holds, TrunkErrors.Cooldown, clock.GetUtcNow());
            decisions.Add(decision);
        }

        Add(minutesAgo: 0, count: 4, code: 503);
        Round();
        Round();
        clock.Advance(TimeSpan.FromMinutes(6));
        Round();
        Round();
        Add(minutesAgo: 0, count: 10, code: 503);
        Round();
        clock.Advance(TimeSpan.FromMinutes(30));
        Round();

        Assert.Equal(
            [RuleDecision.Fire, RuleDecision.None, RuleDecision.Resolve, RuleDecision.None, RuleDecision.None,
                RuleDecision.None],
            decisions);
    }

    [Fact]
    public void AConditionThatStillHoldsAfterTheCooldown_FiresAgain()
    {
        var state = new RuleState(false, Start.AddMinutes(-29));
        Add(minutesAgo: 0, count: 5, code: 503);

        var (holds, _) = RuleEvaluation.Condition(TrunkErrors, counters, Project, clock.GetUtcNow());
        var (early, _) = RuleEvaluation.Decide(state, holds, TrunkErrors.Cooldown, clock.GetUtcNow());
        var (late, _) = RuleEvaluation.Decide(state, holds, TrunkErrors.Cooldown, clock.GetUtcNow().AddMinutes(1));

        Assert.Equal(RuleDecision.None, early);
        Assert.Equal(RuleDecision.Fire, late);
    }

    [Theory]
    [InlineData(2, 0, false)] // two failed calls at night, nothing answered: under the minimum of attempts
    [InlineData(12, 8, true)] // 60 % of 20 attempts
    [InlineData(8, 12, false)] // 40 %
    public void AShare_NeedsItsMinimumOfAttempts(int failed, int answered, bool fires)
    {
        var rule = new WindowRule("event_share", Threshold: 50, WindowMinutes: 15, MinimumEvents: 20,
            TimeSpan.FromMinutes(30), new RuleFilter(["network_error"], [], [], [], []));
        Add(minutesAgo: 3, count: failed, code: 503);
        Add(minutesAgo: 3, count: answered, code: 200, outcome: "answered");

        var (holds, _) = RuleEvaluation.Condition(rule, counters, Project, clock.GetUtcNow());

        Assert.Equal(fires, holds);
    }

    [Fact]
    public void TheTopCodesAndOutcomes_SayWhatToDo()
    {
        Add(minutesAgo: 1, count: 5, code: 503);
        Add(minutesAgo: 1, count: 2, code: 502);

        var (_, window) = RuleEvaluation.Condition(TrunkErrors, counters, Project, clock.GetUtcNow());
        var codes = RuleEvaluation.TopCodes(window);
        var outcome = Assert.Single(RuleEvaluation.TopOutcomes(window));

        Assert.Equal([503, 502], codes.Select(code => code.Code));
        Assert.Equal("Service Unavailable", codes[0].Phrase);
        Assert.Equal(7, outcome.Count);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Remedy));
    }

    private void Add(int minutesAgo, int count, int code, string outcome = "network_error") =>
        counters.Add(Enumerable.Range(0, count).Select(_ => new CallEvent
        {
            ProjectId = Project,
            EventId = Guid.NewGuid(),
            OccurredAt = clock.GetUtcNow().AddMinutes(-minutesAgo),
            SipCode = code,
            ResponseClass = $"{code / 100}xx",
            Outcome = outcome,
            Trunk = "viettel-1",
            Direction = "outbound",
        }));

    /// <summary>A clock the test moves: the rounds of an evaluator, minutes apart, in no time.</summary>
    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;

        public void Set(DateTimeOffset at) => now = at;
    }
}
