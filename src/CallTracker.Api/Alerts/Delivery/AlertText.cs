using System.Globalization;
using System.Net;
using System.Text;

namespace CallTracker.Api.Alerts.Delivery;

/// <summary>
/// An alert as people read it: the e-mail's subject, plain-text and HTML bodies and the Slack text say the same
/// thing in the same order (summary, rule, numbers, top codes, top outcomes with their remedies, link).
/// </summary>
/// <remarks>
/// Every value comes from configuration or from what callers sent (agents, tags and rule names are free text),
/// so the HTML encodes each of them and the Slack text escapes the three characters mrkdwn reads as markup.
/// </remarks>
public static class AlertText
{
    private const int MaxSubjectLength = 150;

    public static string Subject(AlertMessage alert)
    {
        var subject = IsResolved(alert) ? $"[CallTracker] Resolved: {alert.Summary}" : $"[CallTracker] {alert.Summary}";

        // A line break in a rule's name must not start a second header line, and mail clients cut long subjects.
        subject = subject.ReplaceLineEndings(" ");
        return subject.Length <= MaxSubjectLength ? subject : subject[..(MaxSubjectLength - 1)] + "…";
    }

    public static string Plain(AlertMessage alert, string link)
    {
        var text = new StringBuilder();
        text.AppendLine(alert.Summary).AppendLine();
        foreach (var (label, value) in Facts(alert))
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        if (alert.TopCodes.Count > 0)
        {
            text.AppendLine().AppendLine("Top codes:");
            foreach (var code in alert.TopCodes)
            {
                text.Append("  ").Append(CodeName(code)).Append(": ").AppendLine(Number(code.Count));
            }
        }

        if (alert.TopOutcomes.Count > 0)
        {
            text.AppendLine().AppendLine("Top outcomes:");
            foreach (var outcome in alert.TopOutcomes)
            {
                text.Append("  ").Append(outcome.Label).Append(": ").AppendLine(Number(outcome.Count));
                text.Append("    What to do: ").AppendLine(outcome.Remedy);
            }
        }

        text.AppendLine().Append("Open in CallTracker: ").AppendLine(link);
        return text.ToString();
    }

    public static string Html(AlertMessage alert, string link)
    {
        static string E(string value) => WebUtility.HtmlEncode(value);

        var html = new StringBuilder("<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif\">\n");
        html.Append("<p><strong>").Append(E(alert.Summary)).Append("</strong></p>\n<table>\n");
        foreach (var (label, value) in Facts(alert))
        {
            html.Append("<tr><th align=\"left\">").Append(E(label)).Append("</th><td>").Append(E(value))
                .Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        if (alert.TopCodes.Count > 0)
        {
            html.Append("<h3>Top codes</h3>\n<ul>\n");
            foreach (var code in alert.TopCodes)
            {
                html.Append("<li>").Append(E(CodeName(code))).Append(": ").Append(Number(code.Count)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        if (alert.TopOutcomes.Count > 0)
        {
            html.Append("<h3>Top outcomes</h3>\n<ul>\n");
            foreach (var outcome in alert.TopOutcomes)
            {
                html.Append("<li>").Append(E(outcome.Label)).Append(": ").Append(Number(outcome.Count))
                    .Append("<br>What to do: ").Append(E(outcome.Remedy)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("<p><a href=\"").Append(E(link)).Append("\">Open in CallTracker</a></p>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>Slack's mrkdwn, which Mattermost and Rocket.Chat read too.</summary>
    public static string Slack(AlertMessage alert, string link)
    {
        var text = new StringBuilder();
        text.Append('*').Append(Mrkdwn(Subject(alert))).Append("*\n");
        foreach (var (label, value) in Facts(alert))
        {
            text.Append(Mrkdwn(label)).Append(": ").Append(Mrkdwn(value)).Append('\n');
        }

        if (alert.TopCodes.Count > 0)
        {
            text.Append("*Top codes*\n");
            foreach (var code in alert.TopCodes)
            {
                text.Append("• ").Append(Mrkdwn(CodeName(code))).Append(": ").Append(Number(code.Count)).Append('\n');
            }
        }

        if (alert.TopOutcomes.Count > 0)
        {
            text.Append("*Top outcomes*\n");
            foreach (var outcome in alert.TopOutcomes)
            {
                text.Append("• ").Append(Mrkdwn(outcome.Label)).Append(": ").Append(Number(outcome.Count))
                    .Append(" — ").Append(Mrkdwn(outcome.Remedy)).Append('\n');
            }
        }

        // A link's own text cannot hold "|" or ">": the URL is ours, but escaped all the same.
        text.Append('<').Append(Mrkdwn(link)).Append("|Open in CallTracker>");
        return text.ToString();
    }

    /// <summary>The alert's link, made absolute under PublicUrl when the rule evaluator gave a path.</summary>
    public static string Link(AlertMessage alert, string? publicUrl)
    {
        // Not just "absolute": on Linux a path such as /issues/17 parses as an absolute file: URI.
        var isWebAddress = Uri.TryCreate(alert.Link, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
        if (isWebAddress || string.IsNullOrWhiteSpace(publicUrl))
        {
            return alert.Link;
        }

        return publicUrl.TrimEnd('/') + "/" + alert.Link.TrimStart('/');
    }

    public static bool IsResolved(AlertMessage alert) => alert.Kind == "resolved";

    private static IEnumerable<(string Label, string Value)> Facts(AlertMessage alert)
    {
        yield return ("Project", alert.ProjectName);
        yield return ("Rule", $"{alert.RuleName} ({alert.Trigger})");
        yield return (IsResolved(alert) ? "Resolved at" : "Fired at",
            alert.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));

        var window = alert.WindowMinutes is { } minutes ? $" in {minutes} min" : "";
        if (alert.SharePercent is { } share)
        {
            var limit = alert.Threshold is { } threshold ? $" (limit {Number(threshold)} %)" : "";
            yield return ("Share of calls", $"{Number(share)} %{window}{limit}");
        }

        if (alert.Count is { } count)
        {
            var limit = alert.SharePercent is null && alert.Threshold is { } threshold
                ? $" (limit {Number(threshold)})"
                : "";
            yield return ("Events", $"{Number(count)}{window}{limit}");
        }

        if (alert.IssueId is { } issue)
        {
            yield return ("Issue", Number(issue));
        }
    }

    private static string CodeName(AlertCode code) => code.Code is { } sip
        ? $"{sip.ToString(CultureInfo.InvariantCulture)} {code.Phrase}"
        : $"no response ({code.LocalCause ?? "unknown"}) {code.Phrase}".TrimEnd();

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Mrkdwn(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
}
