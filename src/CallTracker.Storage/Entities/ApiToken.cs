namespace CallTracker.Storage.Entities;

/// <summary>
/// A secret that reads reports and events, or changes the project, as far as its scopes allow. Only its
/// SHA-256 hash is stored; the token itself is shown once, when it is created.
/// </summary>
public sealed class ApiToken
{
    public int ProjectId { get; set; }

    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>
    /// Hex SHA-256 of the token. Tokens are 256 random bits, so a fast hash is enough: there is no
    /// dictionary to try, unlike a password.
    /// </summary>
    public required string TokenHash { get; set; }

    /// <summary>The first characters of the token, so that a person can tell tokens apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>What the token may do: read, read:phone, write, admin (see Security/Scopes in the API).</summary>
    public string[] Scopes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
