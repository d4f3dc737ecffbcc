using CallTracker.Sip;

namespace CallTracker.Api.Alerts;

/// <summary>What a windowed rule watches: the events its filter matches, over its last minutes.</summary>
/// <param name="Trigger"><c>event_count</c> (more than Threshold events) or <c>event_share</c> (more than
/// Threshold percent of the attempts, once at least MinimumEvents attempts were made).</param>
public sealed record WindowRule(
    string Trigger, double Threshold, int WindowMinutes, int MinimumEvents, TimeSpan Cooldown, RuleFilter Filter);

/// <summary>An alert rule's filter; an empty list lets every value through, and every tag pair must be there.</summary>
public sealed record RuleFilter(
    IReadOnlyList<string> Outcomes, IReadOnlyList<string> Classes, IReadOnlyList<int> Codes,
    IReadOnlyList<string> Agents, IReadOnlyList<string> Trunks, IReadOnlyDictionary<string, string>? Tags = null)
{
    public static RuleFilter Any { get; } = new([], [], [], [], []);

    public bool Matches(CounterKey key) =>
        (Outcomes.Count == 0 || Outcomes.Contains(key.Outcome))
        && (Classes.Count == 0 || Classes.Contains(key.ResponseClass))
        && (Codes.Count == 0 || (key.SipCode is { } code && Codes.Contains(code)))
        && (Agents.Count == 0 || (key.Agent is { } agent && Agents.Contains(agent)))
        && (Trunks.Count == 0 || (key.Trunk is { } trunk && Trunks.Contains(trunk)))
        && (Tags is not { Count: > 0 } tags || TagPairs.ContainsAll(key.Tags, tags));
}

/// <summary>Where a rule stands between two rounds: firing or not, and when it last fired.</summary>
public sealed record RuleState(bool Firing, DateTimeOffset? LastFiredAt)
{
    public static RuleState Quiet { get; } = new(false, null);
}

/// <summary>What a round decided for a rule: nothing, fire (an alert), or resolve (the back-to-normal message).</summary>
public enum RuleDecision
{
    None,
    Fire,
    Resolve,
}

/// <summary>
/// Decides, once per round, whether a windowed rule fires or clears: pure, so that window edges, the cool-down
/// and back-to-normal are tested without a clock or a database.
/// </summary>
public static class RuleEvaluation
{
    /// <summary>
    /// The rule's condition over its window, which ends with the minute of <paramref name="now"/> (so a burst is
    /// seen as it happens, not a minute later) and starts WindowMinutes before.
    /// </summary>
    public static (bool Holds, WindowCount Window) Condition(
        WindowRule rule, MinuteCounters counters, int projectId, DateTimeOffset now)
    {
        var to = now.AddMinutes(1);
        var window = counters.Count(projectId, to.AddMinutes(-rule.WindowMinutes), to, rule.Filter.Matches);
        var holds = rule.Trigger switch
        {
            "event_count" => window.Matching > rule.Threshold,
            "event_share" => window.Attempts >= Math.Max(1, rule.MinimumEvents)
                && window.Matching * 100.0 / window.Attempts > rule.Threshold,
            _ => false,
        };
        return (holds, window);
    }

    /// <summary>
    /// Fire when the condition starts to hold and the cool-down since the last alert has passed; while it
    /// holds, nothing more; one resolve when it clears after firing. A condition that starts within the
    /// cool-down fires once the cool-down is over, if it still holds then.
    /// </summary>
    public static (RuleDecision Decision, RuleState State) Decide(
        RuleState state, bool holds, TimeSpan cooldown, DateTimeOffset now)
    {
        if (state.Firing)
        {
            return holds ? (RuleDecision.None, state) : (RuleDecision.Resolve, state with { Firing = false });
        }

        var cooledDown = state.LastFiredAt is not { } last || now - last >= cooldown;
        return holds && cooledDown
            ? (RuleDecision.Fire, new RuleState(true, now))
            : (RuleDecision.None, state);
    }

    /// <summary>The codes (or local causes) among the matching events, most first, with their phrases.</summary>
    public static IReadOnlyList<AlertCode> TopCodes(WindowCount window, int take = 5) => window.MatchingByKey
        .GroupBy(entry => (entry.Key.SipCode, entry.Key.LocalCause))
        .Select(group => new AlertCode(group.Key.SipCode, group.Key.LocalCause,
            group.Key.SipCode is { } code ? SipStatusCodes.StandardPhrase(code) ?? "" : group.Key.LocalCause ?? "",
            group.Sum(entry => entry.Count)))
        .OrderByDescending(code => code.Count).Take(take).ToList();

    /// <summary>
    /// The outcomes among the matching events, most first, each with the remedy of its most frequent code:
    /// the one thing the reader should do first.
    /// </summary>
    public static IReadOnlyList<AlertOutcome> TopOutcomes(WindowCount window, string language = "en", int take = 5) =>
        window.MatchingByKey
            .GroupBy(entry => entry.Key.Outcome)
            .Select(group =>
            {
                var top = group.OrderByDescending(entry => entry.Count).First().Key;
                var decision = OutcomeRules.Decide(top.SipCode, [], top.LocalCause);
                var label = Outcome.Labels.TryGetValue(group.Key, out var text) ? text.In(language) : group.Key;
                return new AlertOutcome(group.Key, label, decision.Remedy.In(language), group.Sum(entry => entry.Count));
            })
            .OrderByDescending(outcome => outcome.Count).Take(take).ToList();
}
