namespace CallTracker.Sip;

/// <summary>
/// What happened to a call, in the words a call-centre manager uses. These machine names are a
/// stable contract: reports group by them and clients may switch on them.
/// </summary>
public static class Outcome
{
    public const string Answered = "answered";
    public const string Busy = "busy";
    public const string NoAnswer = "no_answer";
    public const string Declined = "declined";
    public const string InvalidNumber = "invalid_number";

    /// <summary>Switched off, out of coverage, not registered: the phone could not be reached.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The caller (agent or CRM) gave up or hung up before an answer.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Carrier, trunk or server failure.</summary>
    public const string NetworkError = "network_error";

    /// <summary>Our side: authentication, forbidden, routing, a malformed request.</summary>
    public const string ConfigurationError = "configuration_error";

    /// <summary>Codec or SDP negotiation failed.</summary>
    public const string MediaError = "media_error";

    /// <summary>Refused as unwanted or by policy (607, 608, barring).</summary>
    public const string Blocked = "blocked";

    public const string Redirected = "redirected";

    /// <summary>The call ended with no final response at all.</summary>
    public const string NoResponse = "no_response";

    public const string Unknown = "unknown";

    public static IReadOnlyList<string> All { get; } =
    [
        Answered, Busy, NoAnswer, Declined, InvalidNumber, Unreachable, Cancelled, NetworkError,
        ConfigurationError, MediaError, Blocked, Redirected, NoResponse, Unknown,
    ];

    /// <summary>
    /// Outcomes that describe the customer rather than a fault: a new one is not news. Issue grouping
    /// uses this to decide what a regression is.
    /// </summary>
    public static IReadOnlySet<string> CustomerBehaviour { get; } =
        new HashSet<string> { Busy, NoAnswer, Declined, Unreachable, Cancelled };

    /// <summary>
    /// Outcomes where the network did its job, for the network effectiveness ratio (ITU-T E.425: answered,
    /// user busy, ring no answer, terminal reject or unavailable). Two are placed by the same reasoning:
    /// cancelled (the caller gave up while the call was being delivered) and invalid_number (the network
    /// correctly said the number does not exist; the fault is in the number dialled). The rest are not:
    /// network, configuration and media errors, blocked, redirected (the call was not delivered where it
    /// was sent), no response and unknown (nothing shows the network did its job).
    /// </summary>
    public static IReadOnlySet<string> NetworkEffective { get; } =
        new HashSet<string> { Answered, Busy, NoAnswer, Declined, Unreachable, Cancelled, InvalidNumber };

    /// <summary>Each outcome in a few words, for report headings.</summary>
    public static IReadOnlyDictionary<string, LocalizedText> Labels { get; } = new Dictionary<string, LocalizedText>
    {
        [Answered] = new("Answered", "Đã nhấc máy (cuộc gọi thành công)"),
        [Busy] = new("Busy", "Máy bận"),
        [NoAnswer] = new("No answer", "Không nhấc máy"),
        [Declined] = new("Declined by the customer", "Khách hàng từ chối"),
        [InvalidNumber] = new("Wrong or non-existent number", "Sai số hoặc số không có thực"),
        [Unreachable] = new("Unreachable (off, no coverage, not registered)",
            "Không liên lạc được (tắt máy, ngoài vùng phủ sóng, chưa đăng ký)"),
        [Cancelled] = new("Cancelled by the caller", "Phía gọi hủy cuộc gọi"),
        [NetworkError] = new("Carrier, trunk or server failure", "Lỗi nhà mạng, trung kế hoặc máy chủ"),
        [ConfigurationError] = new("Configuration on our side", "Lỗi cấu hình phía hệ thống gọi (tổng đài, trung kế)"),
        [MediaError] = new("Codec or media negotiation", "Lỗi codec hoặc đàm phán media"),
        [Blocked] = new("Blocked (spam filter or call barring)", "Bị chặn (lọc cuộc gọi rác hoặc chặn chiều gọi)"),
        [Redirected] = new("Redirected", "Bị chuyển hướng"),
        [NoResponse] = new("No final response", "Không nhận được phản hồi cuối (final response)"),
        [Unknown] = new("Unknown", "Không xác định"),
    };
}
