namespace CallTracker.Sip;

/// <summary>What decided an outcome, so that a person can see why a call got it.</summary>
public static class OutcomeBasis
{
    /// <summary>The response code's own outcome (a specific code, or a general one with no decisive cause).</summary>
    public const string Code = "code";

    /// <summary>The first Q.850 cause of a general code such as 480 or 503.</summary>
    public const string Q850 = "q850";

    /// <summary>The client's local cause: no final response, or one refining the code (487 at ring timeout).</summary>
    public const string LocalCause = "local_cause";

    /// <summary>A code IANA has not registered: its class alone (5xx network error, else unknown).</summary>
    public const string Class = "class";
}

/// <param name="Outcome">One of <see cref="Sip.Outcome.All"/>.</param>
/// <param name="Basis">One of the <see cref="OutcomeBasis"/> names.</param>
/// <param name="Meaning">What happened, from whatever decided the outcome.</param>
/// <param name="Remedy">What an operator can do about it.</param>
public sealed record OutcomeDecision(string Outcome, string Basis, LocalizedText Meaning, LocalizedText Remedy);

/// <summary>
/// The one place that turns a final response, its Reason headers and the client's local cause into an
/// outcome. The rules, in the order they apply:
/// <list type="number">
/// <item>No final response: the local cause decides (<see cref="LocalCauses"/>; none given: no_response).</item>
/// <item>2xx: answered.</item>
/// <item>A local cause beside 408 or 487, the two codes a caller's own SIP stack makes up (408 when Timer B
/// runs out, 487 after its own CANCEL): the local cause says what really happened. At the CRM's ring
/// timeout that is no_answer, not cancelled; after a request timeout, no_response, not unreachable.</item>
/// <item>A general code (<see cref="SipStatusCode.CauseDecides"/>, and every unregistered code): the first
/// Q.850 cause that says why decides (480 + 18 unreachable, 480 + 19 no_answer, 503 + 17 busy). Causes
/// that say nothing (16, 31, 111, 127) decide nothing.</item>
/// <item>Otherwise the code's own outcome; a specific code (404, 486, 603, ...) keeps it whatever the cause,
/// which then is only detail. A 500 stays a network error even without a Reason: a proxy may have turned
/// a carrier's 503 into a 500 and dropped its Reason (RFC 3261 section 16.7).</item>
/// <item>An unregistered code: network_error for 5xx, unknown otherwise; never the x00 code's (699 is not busy).</item>
/// </list>
/// </summary>
public static class OutcomeRules
{
    public static OutcomeDecision Decide(int? code, IReadOnlyList<ReasonValue> reasons, string? localCause)
    {
        var local = LocalCauses.Find(localCause);
        if (code is null)
        {
            local ??= LocalCauses.Find(LocalCauses.Unknown)!;
            return new(local.Outcome, OutcomeBasis.LocalCause, local.Meaning, local.Remedy);
        }

        var entry = SipStatusCodes.Find(code.Value);
        if (code.Value is >= 200 and < 300)
        {
            return new(Outcome.Answered, OutcomeBasis.Code, entry?.Meaning ?? Answered, NothingToDo);
        }

        if (local is not null && local.Name != LocalCauses.Unknown && code.Value is 487 or 408)
        {
            return new(local.Outcome, OutcomeBasis.LocalCause, local.Meaning, local.Remedy);
        }

        var cause = ReasonHeader.FirstQ850(reasons) is { Cause: { } number } ? Q850Causes.Find(number) : null;
        if ((entry?.CauseDecides ?? true) && cause is { Outcome: { } causeOutcome })
        {
            return new(causeOutcome, OutcomeBasis.Q850, cause.Meaning, cause.Remedy);
        }

        if (entry is not null)
        {
            return new(entry.Outcome, OutcomeBasis.Code, entry.Meaning, entry.Remedy);
        }

        var unregistered = UnregisteredCode(code.Value);
        return new(code.Value / 100 == 5 ? Outcome.NetworkError : Outcome.Unknown, OutcomeBasis.Class,
            unregistered.Meaning, unregistered.Remedy);
    }

    private static readonly LocalizedText Answered = new("The call was answered.", "Cuộc gọi đã được trả lời.");

    private static readonly LocalizedText NothingToDo = new("Nothing to do.", "Không cần xử lý.");

    private static (LocalizedText Meaning, LocalizedText Remedy) UnregisteredCode(int code) => (code / 100) switch
    {
        3 => (new($"{code} is an unregistered redirection: the call was sent elsewhere.",
                $"{code} là mã chuyển hướng chưa đăng ký: cuộc gọi được chuyển đi nơi khác."),
            new("Check where the far end redirects and whether the CRM's SIP stack follows redirects.",
                "Kiểm tra đích chuyển hướng và SIP stack của CRM có tự đi theo chuyển hướng không.")),
        4 => (new($"{code} is an unregistered request failure from a proxy or the far end.",
                $"{code} là mã lỗi yêu cầu chưa đăng ký do proxy hoặc phía bị gọi trả về."),
            new("Read the reason phrase and ask the carrier what the code means on their network.",
                "Xem reason phrase (chuỗi mô tả trên dòng trạng thái) và hỏi nhà mạng ý nghĩa của mã này.")),
        5 => (new($"{code} is an unregistered server failure: a server on the path failed.",
                $"{code} là mã lỗi máy chủ chưa đăng ký: một máy chủ trên đường đi bị lỗi."),
            new("Treat it as a carrier or server fault: check the trunk and report it to the carrier.",
                "Xử lý như lỗi nhà mạng hoặc máy chủ: kiểm tra trung kế và báo cho nhà mạng.")),
        _ => (new($"{code} is not registered with IANA; as a 6xx it says no other route or device will succeed.",
                $"Mã {code} chưa được IANA đăng ký; thuộc nhóm 6xx: gọi qua hướng hay thiết bị khác cũng không được."),
            new("Read the reason phrase; do not retry the number until the cause is known.",
                "Xem reason phrase (chuỗi mô tả trên dòng trạng thái); chưa gọi lại số này khi chưa rõ nguyên nhân.")),
    };
}
