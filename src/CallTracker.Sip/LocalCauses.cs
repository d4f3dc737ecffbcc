using System.Collections.Frozen;

namespace CallTracker.Sip;

/// <summary>What the client itself saw when a call ended, with or without a final response.</summary>
public sealed record LocalCause(string Name, string Outcome, LocalizedText Meaning, LocalizedText Remedy);

/// <summary>The local causes a CRM may report (the native event contract's <c>localCause</c>).</summary>
public static class LocalCauses
{
    public const string TransportError = "transport_error";
    public const string RequestTimeout = "request_timeout";
    public const string MediaError = "media_error";
    public const string CancelledBeforeResponse = "cancelled_before_response";
    public const string RingTimeout = "ring_timeout";
    public const string Unknown = "unknown";

    private static readonly FrozenDictionary<string, LocalCause> Known = new LocalCause[]
    {
        new(TransportError, Outcome.NetworkError,
            new("The connection to the SIP server (WebSocket or TCP) broke before the call got an answer.",
                "Kết nối tới máy chủ SIP (WebSocket hoặc TCP) bị đứt trước khi cuộc gọi nhận được phản hồi."),
            new("Check the agent's network and the WebSocket proxy; many at once point to the proxy or the SBC.",
                "Kiểm tra mạng của điện thoại viên và proxy WebSocket; nhiều máy cùng bị thì lỗi ở proxy hoặc SBC.")),
        new(RequestTimeout, Outcome.NoResponse,
            new("The INVITE got no final response before the SIP timer ran out (Timer B, 32 s by default).",
                "INVITE không nhận được phản hồi cuối trước khi hết thời gian chờ SIP (Timer B, mặc định 32 giây)."),
            new("Check that the SIP server or trunk is up and reachable; a dead route often looks like this.",
                "Kiểm tra máy chủ SIP hoặc trung kế còn hoạt động và kết nối được; tuyến chết thường như vậy.")),
        new(MediaError, Outcome.MediaError,
            new("The browser could not set up audio: microphone, codec or ICE negotiation failed.",
                "Trình duyệt không thiết lập được đường thoại: lỗi micro, codec hoặc đàm phán ICE."),
            new("Check microphone permission, the codecs offered and the TURN/STUN servers.",
                "Kiểm tra quyền micro, danh sách codec chào mời và máy chủ TURN/STUN.")),
        new(CancelledBeforeResponse, Outcome.Cancelled,
            new("The agent or the CRM cancelled the call before the far end answered.",
                "Điện thoại viên hoặc CRM hủy cuộc gọi trước khi phía bị gọi trả lời."),
            new("Nothing to fix if the agent hung up; many in a row may mean agents give up too early.",
                "Không cần xử lý nếu điện thoại viên chủ động gác máy; nếu lặp lại nhiều có thể họ bỏ cuộc quá sớm.")),
        new(RingTimeout, Outcome.NoAnswer,
            new("The phone rang until the CRM's own ring timeout and nobody answered.",
                "Máy đổ chuông đến hết thời gian chờ của CRM mà không ai nhấc máy."),
            new("Call back later, or lengthen the CRM's ring timeout if customers answer just too late.",
                "Gọi lại sau, hoặc tăng thời gian đổ chuông của CRM nếu khách thường nhấc máy muộn.")),
        new(Unknown, Outcome.NoResponse,
            new("The call ended without a final response and the client could not tell why.",
                "Cuộc gọi kết thúc mà không có phản hồi cuối và phía client không xác định được nguyên nhân."),
            new("Look at the agent's browser console and the SIP server's logs for this Call-ID.",
                "Xem console trình duyệt của điện thoại viên và log máy chủ SIP theo Call-ID này.")),
    }.ToFrozenDictionary(cause => cause.Name);

    public static IEnumerable<LocalCause> All => Known.Values.OrderBy(cause => cause.Name, StringComparer.Ordinal);

    public static IReadOnlySet<string> Names { get; } = Known.Keys.ToHashSet();

    public static LocalCause? Find(string? name) => name is null ? null : Known.GetValueOrDefault(name);
}
