using System.Net.Mail;
using System.Security.Cryptography;
using CallTracker.Api.Events;
using CallTracker.Api.Projects;
using CallTracker.Sip;
using CallTracker.Storage.Entities;

namespace CallTracker.Api.Alerts;

/// <summary>A rule's settings after validation, ready to store.</summary>
/// <param name="NewSecrets">The URLs of the json webhooks given without a secret, for which one was made: the
/// answer shows it this once.</param>
internal sealed record ValidAlertRule(
    string Name, string Trigger, double? Threshold, int? WindowMinutes, int? MinimumEvents, AlertFilter Filter,
    AlertActions Actions, int CooldownMinutes, bool Enabled, IReadOnlySet<string> NewSecrets);

/// <summary>
/// Reads a rule's body over the rule as stored (none for a new rule) and names every bad field at once, by its
/// JSON path (<c>actions.webhooks[1].secret</c>).
/// </summary>
internal static class AlertRuleValidation
{
    public const int DefaultMinimumEvents = 20;
    public const int DefaultCooldownMinutes = 30;

    private const int MaxListLength = 50;
    private const int MaxEmails = 20;
    private const int MaxWebhooks = 10;
    private const int MaxText = 200;
    private const int MaxUrl = 2000;
    private const int MinSecret = 16;
    private const int MaxSecret = 256;

    public static IReadOnlyList<string> WebhookFormats { get; } = ["json", "slack"];

    /// <summary>
    /// What new_issue and regression watch when no outcome is given: every failure someone can act on. Customer
    /// behaviour (busy, no answer, ...) is left out for the reason issues do not regress on it: the next busy
    /// customer is not news, and a rule that pages on it gets muted.
    /// </summary>
    public static IReadOnlyList<string> ActionableOutcomes { get; } = Outcome.All
        .Where(outcome => outcome != Outcome.Answered && !Outcome.CustomerBehaviour.Contains(outcome)).ToArray();

    public static ValidAlertRule? Validate(AlertRuleBody body, AlertRule? stored, Errors errors)
    {
        var name = Names.Read(body.Name ?? stored?.Name, "name", errors, required: true);

        var trigger = body.Trigger ?? stored?.Trigger;
        if (trigger is null)
        {
            errors.Add("trigger", $"trigger is required: one of {string.Join(", ", AlertTriggers.All)}.");
        }
        else if (!AlertTriggers.All.Contains(trigger))
        {
            errors.Add("trigger", $"trigger must be one of {string.Join(", ", AlertTriggers.All)}.");
            trigger = null;
        }

        var (threshold, window, minimum) = ReadWindow(body, stored, trigger, errors);

        var storedFilter = Stored<AlertFilter>(stored?.Filter);
        var filter = body.Filter is null ? storedFilter : ReadFilter(body.Filter, storedFilter, errors);
        if (filter.Outcomes.Length == 0 && trigger is AlertTriggers.NewIssue or AlertTriggers.Regression)
        {
            // Stored, not implied: the rule's GET shows what it watches, and a later change of the default does
            // not silently change rules already made.
            filter = filter with { Outcomes = [.. ActionableOutcomes] };
        }

        if (trigger is AlertTriggers.NewIssue or AlertTriggers.Regression)
        {
            // An issue groups calls of many agents and tags: such a filter could never match, so say so now
            // rather than keep a rule that never fires.
            var given = new[] { ("agents", filter.Agents.Length > 0), ("tags", filter.Tags.Count > 0) };
            foreach (var field in given.Where(pair => pair.Item2).Select(pair => pair.Item1))
            {
                errors.Add($"filter.{field}", $"An issue has no one {field[..^1]}: filter.{field} is for " +
                    "event_count and event_share; new_issue and regression filter on outcomes, classes, " +
                    "codes and trunks.");
            }
        }

        var storedActions = Stored<AlertActions>(stored?.Actions);
        var newSecrets = new HashSet<string>(StringComparer.Ordinal);
        var actions = body.Actions is null
            ? storedActions
            : ReadActions(body.Actions, storedActions, errors, newSecrets);
        if (actions.Emails.Length + actions.Webhooks.Length == 0)
        {
            errors.Add("actions", "Give at least one action: an e-mail address in emails or a webhook in webhooks.");
        }

        var cooldown = body.CooldownMinutes ?? stored?.CooldownMinutes ?? DefaultCooldownMinutes;
        if (cooldown is < 0 or > 10080)
        {
            errors.Add("cooldownMinutes", "cooldownMinutes must be 0-10080 (a week).");
        }

        return errors.Count > 0 ? null : new ValidAlertRule(name!, trigger!, threshold, window, minimum, filter,
            actions, cooldown, body.Enabled ?? stored?.Enabled ?? true, newSecrets);
    }

    /// <summary>
    /// Threshold, window and minimum: required for the windowed triggers, none for the others. A stored
    /// threshold is kept only under the same trigger, since N events read as P percent would mean something else.
    /// </summary>
    private static (double? Threshold, int? Window, int? Minimum) ReadWindow(
        AlertRuleBody body, AlertRule? stored, string? trigger, Errors errors)
    {
        if (trigger is null)
        {
            return (null, null, null);
        }

        if (!AlertTriggers.IsWindowed(trigger))
        {
            foreach (var (field, given) in new[]
            {
                ("threshold", body.Threshold is not null), ("windowMinutes", body.WindowMinutes is not null),
                ("minimumEvents", body.MinimumEvents is not null),
            }.Where(pair => pair.Item2))
            {
                errors.Add(field, $"{field} is for event_count and event_share only, not {trigger}.");
            }

            return (null, null, null);
        }

        var threshold = body.Threshold ?? (stored?.Trigger == trigger ? stored.Threshold : null);
        if (threshold is null)
        {
            errors.Add("threshold", $"threshold is required for {trigger}.");
        }
        else if (trigger == AlertTriggers.EventCount && (threshold < 1 || threshold > 1_000_000 || threshold % 1 != 0))
        {
            errors.Add("threshold", "threshold for event_count is a number of events, a whole number 1-1000000.");
        }
        else if (trigger == AlertTriggers.EventShare && threshold is <= 0 or > 100)
        {
            errors.Add("threshold", "threshold for event_share is a percentage, more than 0 and at most 100.");
        }

        var window = body.WindowMinutes ?? stored?.WindowMinutes;
        if (window is null)
        {
            errors.Add("windowMinutes", $"windowMinutes is required for {trigger}: 1-1440.");
        }
        else if (window is < 1 or > 1440)
        {
            errors.Add("windowMinutes", "windowMinutes must be 1-1440 (a day).");
        }

        if (trigger != AlertTriggers.EventShare)
        {
            if (body.MinimumEvents is not null)
            {
                errors.Add("minimumEvents", "minimumEvents is for event_share only.");
            }

            return (threshold, window, null);
        }

        var minimum = body.MinimumEvents ?? stored?.MinimumEvents ?? DefaultMinimumEvents;
        if (minimum is < 1 or > 1_000_000)
        {
            errors.Add("minimumEvents", "minimumEvents must be 1-1000000.");
        }

        return (threshold, window, minimum);
    }

    /// <summary>
    /// The filter given, over the one stored as a JSON merge patch would apply it: a list left out keeps its
    /// values, a list given (even empty) replaces them. So adding a trunk does not drop the outcomes.
    /// </summary>
    private static AlertFilter ReadFilter(AlertFilterBody body, AlertFilter stored, Errors errors)
    {
        var outcomes = body.Outcomes is null ? stored.Outcomes : Values(body.Outcomes, "filter.outcomes", errors,
            outcome => Outcome.All.Contains(outcome) ? null : $"must be one of {string.Join(", ", Outcome.All)}");
        var classes = body.Classes is null ? stored.Classes : Values(body.Classes, "filter.classes", errors,
            value => ResponseClass.Failures.Contains(value)
                ? null : $"must be one of {string.Join(", ", ResponseClass.Failures)}");
        var agents = body.Agents is null ? stored.Agents : Values(body.Agents, "filter.agents", errors, _ => null);
        var trunks = body.Trunks is null ? stored.Trunks : Values(body.Trunks, "filter.trunks", errors, _ => null);

        var codes = body.Codes ?? stored.Codes;
        for (var index = 0; index < codes.Length; index++)
        {
            if (codes[index] is < 300 or > 699)
            {
                errors.Add($"filter.codes[{index}]", "A failure's SIP code is 300-699.");
            }
        }

        var tags = body.Tags ?? stored.Tags;
        if (tags.Count > MaxListLength)
        {
            errors.Add("filter.tags", $"Give at most {MaxListLength} tags.");
        }

        foreach (var (key, value) in tags.Where(tag => !IsText(tag.Key) || !IsText(tag.Value)))
        {
            errors.Add($"filter.tags.{key}",
                $"A tag's key and value are 1-{MaxText} characters, no control characters.");
        }

        return new AlertFilter
        {
            Outcomes = outcomes,
            Classes = classes,
            Codes = [.. codes.Distinct()],
            Agents = agents,
            Trunks = trunks,
            Tags = tags,
        };
    }

    /// <summary>The actions given over those stored, as for the filter: a list left out keeps its values.</summary>
    private static AlertActions ReadActions(
        AlertActionsBody body, AlertActions stored, Errors errors, HashSet<string> newSecrets)
    {
        var emails = body.Emails ?? stored.Emails;
        if (emails.Length > MaxEmails)
        {
            errors.Add("actions.emails", $"Give at most {MaxEmails} e-mail addresses.");
        }

        for (var index = 0; index < emails.Length; index++)
        {
            if (!IsEmail(emails[index]))
            {
                errors.Add($"actions.emails[{index}]",
                    "An e-mail address, without a display name: oncall@example.com.");
            }
        }

        if (body.Webhooks is null)
        {
            return new AlertActions { Emails = [.. emails.Distinct()], Webhooks = stored.Webhooks };
        }

        var webhooks = body.Webhooks;
        if (webhooks.Length > MaxWebhooks)
        {
            errors.Add("actions.webhooks", $"Give at most {MaxWebhooks} webhooks.");
        }

        var read = new List<AlertWebhook>();
        for (var index = 0; index < webhooks.Length; index++)
        {
            read.Add(ReadWebhook(webhooks[index], $"actions.webhooks[{index}]", stored, errors, newSecrets));
        }

        return new AlertActions { Emails = [.. emails.Distinct()], Webhooks = [.. read] };
    }

    private static AlertWebhook ReadWebhook(
        AlertWebhookBody? body, string path, AlertActions stored, Errors errors, HashSet<string> newSecrets)
    {
        var url = body?.Url?.Trim();
        if (url is null || url.Length > MaxUrl || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{path}.url",
                $"url is required: an absolute http or https URL of at most {MaxUrl} characters.");
        }

        var format = body?.Format ?? "json";
        if (!WebhookFormats.Contains(format))
        {
            errors.Add($"{path}.format", $"format must be one of {string.Join(", ", WebhookFormats)}.");
        }

        var secret = body?.Secret;
        if (secret is not null && (secret.Length is < MinSecret or > MaxSecret || secret.Any(char.IsControl)))
        {
            errors.Add($"{path}.secret",
                $"A secret is {MinSecret}-{MaxSecret} characters without control characters; " +
                "leave it out and one is made.");
        }

        // The API never shows a secret, so a client that sends back the webhooks it read cannot send it: it keeps
        // the one stored for the same URL instead of silently turning the signature off. A json webhook is always
        // signed: without a secret given or stored, one is made (shown once). Slack checks no signature.
        secret ??= stored.Webhooks.FirstOrDefault(webhook => webhook.Url == url)?.Secret;
        if (secret is null && format == "json")
        {
            secret = RandomNumberGenerator.GetHexString(64, lowercase: true);
            newSecrets.Add(url ?? "");
        }

        return new AlertWebhook(url ?? "", format, secret);
    }

    /// <summary>A list of short texts, each checked; duplicates dropped.</summary>
    private static string[] Values(string[]? values, string path, Errors errors, Func<string, string?> problem)
    {
        values ??= [];
        if (values.Length > MaxListLength)
        {
            errors.Add(path, $"Give at most {MaxListLength} values.");
        }

        for (var index = 0; index < values.Length; index++)
        {
            var value = values[index];
            if (!IsText(value))
            {
                errors.Add($"{path}[{index}]", $"A value is 1-{MaxText} characters, without control characters.");
            }
            else if (problem(value) is { } message)
            {
                errors.Add($"{path}[{index}]", $"'{value}' is not known: it {message}.");
            }
        }

        return [.. values.Distinct()];
    }

    private static bool IsText(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxText && !value.Any(char.IsControl);

    /// <summary>
    /// A bare address MailAddress reads back unchanged: "Ops &lt;ops@example.com&gt;" and lists are refused, since
    /// SMTP takes one address per recipient and a display name would be one more thing to get wrong.
    /// </summary>
    private static bool IsEmail(string? value) =>
        value is { Length: > 0 and <= 254 }
        && !value.Any(char.IsWhiteSpace) && MailAddress.TryCreate(value, out var address)
        && address.Address == value && address.DisplayName.Length == 0;

    private static T Stored<T>(string? json)
        where T : new() => json is null ? new T() : AlertJson.Read<T>(json);
}
