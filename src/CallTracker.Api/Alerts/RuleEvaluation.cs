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

/// <summary>What a round decided for a rule: nothing, fire (an alert), or resolve (back to normal).</summary>
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
    /// The rule's condition over the last WindowMinutes, as a sliding window over minute counters: the minute
    /// under way and the whole minutes before it count in full, and the oldest minute, of which only a part is
    /// still inside the window, counts for that part (a minute 20 seconds in keeps two thirds of the minute that
    /// began M minutes before). So a burst is seen as it happens, a window does not empty at a minute's edge, and
    /// a burst across an edge counts whole; the price is that events are taken as spread evenly over their minute.
    /// </summary>
    /// <param name="firing">Whether the rule is firing: an event_share rule that fired stays so while some events
    /// still match, even below its minimum of attempts (a quiet night is not a recovery).</param>
    public static (bool Holds, WindowCount Window) Condition(
        WindowRule rule, MinuteCounters counters, int projectId, DateTimeOffset now, bool firing = false)
    {
        var minute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var to = minute.AddMinutes(1);
        var recent = counters.Count(projectId, to.AddMinutes(-rule.WindowMinutes), to, rule.Filter.Matches);
        var oldest = counters.Count(projectId, to.AddMinutes(-rule.WindowMinutes - 1),
            to.AddMinutes(-rule.WindowMinutes), rule.Filter.Matches);
        var window = Slide(recent, oldest, 1 - (now - minute).TotalMinutes);

        var share = window.Attempts == 0 ? 0 : window.Matching * 100.0 / window.Attempts;
        var holds = rule.Trigger switch
        {
            "event_count" => window.Matching > rule.Threshold,
            "event_share" when firing && window.Attempts < Math.Max(1, rule.MinimumEvents) => window.Matching > 0,
            "event_share" => window.Attempts >= Math.Max(1, rule.MinimumEvents) && share > rule.Threshold,
            _ => false,
        };
        return (holds, window);
    }

    /// <summary>The recent minutes in full and the oldest by <paramref name="weight"/>, rounded to events.</summary>
    private static WindowCount Slide(WindowCount recent, WindowCount oldest, double weight)
    {
        var byKey = recent.MatchingByKey.ToDictionary(entry => entry.Key, entry => (double)entry.Count);
        foreach (var (key, count) in oldest.MatchingByKey)
        {
            byKey[key] = byKey.GetValueOrDefault(key) + (count * weight);
        }

        return new WindowCount(
            (long)Math.Round(recent.Matching + (oldest.Matching * weight)),
            (long)Math.Round(recent.Attempts + (oldest.Attempts * weight)),
            byKey.Select(entry => (entry.Key, Count: (long)Math.Round(entry.Value))).Where(entry => entry.Count > 0)
                .OrderByDescending(entry => entry.Count).ToList());
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
                return new AlertOutcome(
                    group.Key, label, decision.Remedy.In(language), group.Sum(entry => entry.Count));
            })
            .OrderByDescending(outcome => outcome.Count).Take(take).ToList();
}
