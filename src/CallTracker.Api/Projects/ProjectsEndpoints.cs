using System.Security.Claims;
using CallTracker.Api.Events;
using CallTracker.Api.Ingestion;
using CallTracker.Api.Security;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.Projects;

/// <summary>
/// Projects and their settings. A token belongs to one project and sees only that one: an admin token
/// manages its own project, and the projects it creates come with their own admin token, shown once.
/// </summary>
public static class ProjectsEndpoints
{
    private const int MaxOrigins = 50;

    public static IEndpointRouteBuilder MapProjectsEndpoints(this IEndpointRouteBuilder app)
    {
        var own = app.MapGroup("/api/v1/project").WithTags("Projects").RequireAuthorization(Authentication.ReadPolicy);
        own.MapGet("", GetOwnAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("The project the API token belongs to, with its settings");
        own.MapPatch("", PatchOwnAsync)
            .RequireAuthorization(Authentication.AdminPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Change the token's project's settings (admin); fields left out keep their value");

        var projects = app.MapGroup("/api/v1/projects").WithTags("Projects")
            .RequireAuthorization(Authentication.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        projects.MapGet("", ListAsync)
            .WithSummary("The projects this admin token manages: its own");
        projects.MapPost("", CreateAsync)
            .ProducesValidationProblem()
            .WithSummary("Create a project, with its first ingest key and admin token (shown once)");
        projects.MapGet("{id:int}", GetAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One project with its settings");
        projects.MapPatch("{id:int}", PatchAsync)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Change a project's settings; fields left out keep their value");

        return app;
    }

    private static Task<Results<Ok<ProjectDetails>, ProblemHttpResult>> GetOwnAsync(
        ClaimsPrincipal user, CallTrackerDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        GetAsync(user.ProjectId(), user, db, clock, cancellationToken);

    /// <param name="change">The settings to change.</param>
    private static Task<Results<Ok<ProjectDetails>, ValidationProblem, ProblemHttpResult>> PatchOwnAsync(
        ProjectChange change, ClaimsPrincipal user, CallTrackerDbContext db, ProjectOrigins origins,
        IngestLimits limits, TimeProvider clock, ILogger<ProjectChange> logger, CancellationToken cancellationToken) =>
        PatchAsync(user.ProjectId(), change, user, db, origins, limits, clock, logger, cancellationToken);

    private static async Task<Ok<ProjectDetails[]>> ListAsync(
        ClaimsPrincipal user, CallTrackerDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var projects = await db.Projects.AsNoTracking()
            .Where(project => project.Id == user.ProjectId())
            .ToListAsync(cancellationToken);
        var details = new List<ProjectDetails>();
        foreach (var project in projects)
        {
            details.Add(await DetailsAsync(project, db, clock, cancellationToken));
        }

        return TypedResults.Ok(details.ToArray());
    }

    /// <param name="creation">The new project's name and settings.</param>
    private static async Task<Results<Created<CreatedProject>, ValidationProblem>> CreateAsync(
        ProjectCreation creation, HttpRequest request, ClaimsPrincipal user, CallTrackerDbContext db,
        ProjectOrigins origins, TimeProvider clock, ILogger<ProjectCreation> logger,
        CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var name = Names.Read(creation.Name, "name", errors, required: true);
        var settings = ProjectChange.From(creation);
        settings.Validate(errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = clock.GetUtcNow();
        var key = Secrets.NewIngestKey();
        var token = Secrets.NewApiToken();
        var project = new Project { Name = name!, CreatedAt = now };
        settings.ApplyTo(project);
        var ingestKey = new IngestKey { Key = key, Name = "first key", CreatedAt = now };
        var apiToken = new ApiToken
        {
            Id = Guid.NewGuid(),
            Name = "first admin token",
            TokenHash = Secrets.HashToken(token),
            Prefix = Secrets.Prefix(token),

            // With read:phone only when its creator has it: no token mints more than it has.
            Scopes = user.Has(Scopes.ReadPhone) ? [Scopes.Admin, Scopes.ReadPhone] : [Scopes.Admin],
            CreatedAt = now,
        };
        project.IngestKeys.Add(ingestKey);
        project.ApiTokens.Add(apiToken);
        db.Projects.Add(project);
        await db.SaveChangesAsync(cancellationToken);
        origins.Forget(project.Id);

        logger.LogInformation("Project {ProjectId} created by an admin token of project {CreatorId}",
            project.Id, user.ProjectId());
        return TypedResults.Created($"/api/v1/projects/{project.Id}", new CreatedProject
        {
            Project = await DetailsAsync(project, db, clock, cancellationToken),
            IngestKey = IngestKeysEndpoints.ToDetails(ingestKey, request),
            ApiToken = ApiTokensEndpoints.ToCreated(apiToken, token),
        });
    }

    /// <param name="id">The project's id.</param>
    private static async Task<Results<Ok<ProjectDetails>, ProblemHttpResult>> GetAsync(
        int id, ClaimsPrincipal user, CallTrackerDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var project = await FindAsync(id, user, db, cancellationToken);
        return project is null
            ? NotFound(id)
            : TypedResults.Ok(await DetailsAsync(project, db, clock, cancellationToken));
    }

    /// <param name="id">The project's id.</param>
    /// <param name="change">The settings to change.</param>
    private static async Task<Results<Ok<ProjectDetails>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        int id, ProjectChange change, ClaimsPrincipal user, CallTrackerDbContext db, ProjectOrigins origins,
        IngestLimits limits, TimeProvider clock, ILogger<ProjectChange> logger, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        change.Validate(errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var project = await FindAsync(id, user, db, cancellationToken);
        if (project is null)
        {
            return NotFound(id);
        }

        change.ApplyTo(project);
        if (db.ChangeTracker.HasChanges())
        {
            var changed = db.Entry(project).Properties.Where(property => property.IsModified)
                .Select(property => property.Metadata.Name).ToList();
            await db.SaveChangesAsync(cancellationToken);
            origins.Forget(project.Id);
            limits.Forget(project.Id);

            // Which settings, not their values: origins and names are the customer's business.
            logger.LogInformation("Project {ProjectId} settings changed: {Settings}", project.Id, changed);
        }

        return TypedResults.Ok(await DetailsAsync(project, db, clock, cancellationToken));
    }

    /// <summary>
    /// The project with this id if the token belongs to it, tracked for changes. Another project's id is not
    /// found, whether or not it exists: a token learns nothing about projects that are not its own.
    /// </summary>
    internal static Task<Project?> FindAsync(
        int id, ClaimsPrincipal user, CallTrackerDbContext db, CancellationToken cancellationToken) =>
        id != user.ProjectId()
            ? Task.FromResult<Project?>(null)
            : db.Projects.FirstOrDefaultAsync(project => project.Id == id, cancellationToken);

    /// <summary>
    /// The routes of one resource of a project (<c>/api/v1/projects/{id}/{resource}</c>), for tokens with the
    /// policy's scope; each may answer 401, 403 and 404 (another project's id is not found).
    /// </summary>
    internal static RouteGroupBuilder MapProjectResource(
        this IEndpointRouteBuilder app, string resource, string tag, string policy) =>
        app.MapGroup($"/api/v1/projects/{{id:int}}/{resource}").WithTags(tag)
            .RequireAuthorization(policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal static ProblemHttpResult NotFound(int id) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"This token has no project {id}.");

    private static async Task<ProjectDetails> DetailsAsync(
        Project project, CallTrackerDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var month = new DateOnly(now.Year, now.Month, 1);
        var used = await db.ProjectUsage.AsNoTracking()
            .Where(usage => usage.ProjectId == project.Id && usage.Month == month)
            .Select(usage => usage.Events).FirstOrDefaultAsync(cancellationToken);
        return new ProjectDetails
        {
            Id = project.Id,
            Name = project.Name,
            CreatedAt = project.CreatedAt,
            CustomerBehaviourRegresses = project.CustomerBehaviourRegresses,
            AllowedOrigins = project.AllowedOrigins,
            EventsPerMinutePerKey = project.EventsPerMinutePerKey,
            MonthlyEventQuota = project.MonthlyEventQuota,
            EventsThisMonth = used,
        };
    }

    /// <summary>
    /// An origin as browsers send it: scheme, host and port, no path (https://crm.example.com); lower case,
    /// without a trailing slash. Null when the text is not one.
    /// </summary>
    internal static string? Origin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0 && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0
        && !text.TrimEnd('/').EndsWith('.')
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : null;

    internal static int MaxAllowedOrigins => MaxOrigins;
}

/// <summary>Names people give to projects, keys and tokens: trimmed, 1-200 characters, no control characters.</summary>
internal static class Names
{
    public static string? Read(string? value, string field, Errors errors, bool required)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            if (required)
            {
                errors.Add(field, $"{field} is required.");
            }

            return null;
        }

        if (name.Length > 200 || name.Any(char.IsControl))
        {
            errors.Add(field, $"{field} must be at most 200 characters, without control characters.");
            return null;
        }

        return name;
    }
}

/// <summary>A project and its settings.</summary>
public sealed record ProjectDetails
{
    /// <example>1</example>
    public required int Id { get; init; }

    /// <example>crm-production</example>
    public required string Name { get; init; }

    /// <example>2026-12-01T08:00:00Z</example>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// When true, a new event on a resolved customer-behaviour issue (busy, no answer, declined, unreachable,
    /// cancelled) reopens it as a regression, like any other. False by default: the next busy customer is
    /// not news.
    /// </summary>
    /// <example>false</example>
    public required bool CustomerBehaviourRegresses { get; init; }

    /// <summary>
    /// Browser origins whose pages may post this project's events (CORS on the native and Sentry ingest
    /// endpoints); other origins get no CORS headers and a 403. Empty: the installation's
    /// CallTracker:Cors:AllowedOrigins, and when that is empty too, any origin.
    /// </summary>
    /// <example>["https://crm.example.com"]</example>
    public required string[] AllowedOrigins { get; init; }

    /// <summary>
    /// Events one ingest key may send per minute, 0 for no limit; null: the installation's
    /// CallTracker:Limits:EventsPerMinutePerKey. A request past it gets 429 with Retry-After.
    /// </summary>
    /// <example>6000</example>
    public required int? EventsPerMinutePerKey { get; init; }

    /// <summary>
    /// Events the project may store per calendar month (UTC), 0 for no quota; null: the installation's
    /// CallTracker:Limits:MonthlyEventQuota. Past it every event gets 429 until the month ends.
    /// </summary>
    /// <example>100000</example>
    public required long? MonthlyEventQuota { get; init; }

    /// <summary>Events stored this calendar month (UTC), duplicates not counted.</summary>
    /// <example>1234</example>
    public required long EventsThisMonth { get; init; }
}

/// <summary>The body of POST /api/v1/projects.</summary>
public sealed record ProjectCreation
{
    /// <example>crm-staging</example>
    public string? Name { get; init; }

    /// <summary>See the project's field of the same name.</summary>
    /// <example>false</example>
    public bool? CustomerBehaviourRegresses { get; init; }

    /// <summary>See the project's field of the same name.</summary>
    /// <example>["https://staging.crm.example.com"]</example>
    public string[]? AllowedOrigins { get; init; }

    /// <summary>See the project's field of the same name.</summary>
    /// <example>6000</example>
    public int? EventsPerMinutePerKey { get; init; }

    /// <summary>See the project's field of the same name.</summary>
    /// <example>100000</example>
    public long? MonthlyEventQuota { get; init; }
}

/// <summary>The body of PATCH /api/v1/projects/{id}: the settings to change, the others left out.</summary>
public sealed record ProjectChange
{
    /// <example>crm-production</example>
    public string? Name { get; init; }

    /// <summary>See the project's field of the same name.</summary>
    /// <example>true</example>
    public bool? CustomerBehaviourRegresses { get; init; }

    /// <summary>See the project's field of the same name; [] for the installation's setting.</summary>
    /// <example>["https://crm.example.com"]</example>
    public string[]? AllowedOrigins { get; init; }

    /// <summary>See the project's field of the same name; 0 for no limit.</summary>
    /// <example>6000</example>
    public int? EventsPerMinutePerKey { get; init; }

    /// <summary>See the project's field of the same name; 0 for no quota.</summary>
    /// <example>100000</example>
    public long? MonthlyEventQuota { get; init; }

    internal static ProjectChange From(ProjectCreation creation) => new()
    {
        CustomerBehaviourRegresses = creation.CustomerBehaviourRegresses,
        AllowedOrigins = creation.AllowedOrigins,
        EventsPerMinutePerKey = creation.EventsPerMinutePerKey,
        MonthlyEventQuota = creation.MonthlyEventQuota,
    };

    internal void Validate(Errors errors)
    {
        Names.Read(Name, "name", errors, required: false);
        if (EventsPerMinutePerKey < 0)
        {
            errors.Add("eventsPerMinutePerKey", "eventsPerMinutePerKey is 0 (no limit) or more.");
        }

        if (MonthlyEventQuota < 0)
        {
            errors.Add("monthlyEventQuota", "monthlyEventQuota is 0 (no quota) or more.");
        }

        if (AllowedOrigins is null)
        {
            return;
        }

        if (AllowedOrigins.Length > ProjectsEndpoints.MaxAllowedOrigins)
        {
            errors.Add("allowedOrigins", $"Give at most {ProjectsEndpoints.MaxAllowedOrigins} origins.");
        }

        for (var index = 0; index < AllowedOrigins.Length; index++)
        {
            if (AllowedOrigins[index] is not { } origin || ProjectsEndpoints.Origin(origin) is null)
            {
                errors.Add($"allowedOrigins[{index}]",
                    "An origin is a scheme, a host and maybe a port, without a path: https://crm.example.com.");
            }
        }
    }

    /// <summary>Sets what was given; only what differs is marked changed.</summary>
    internal void ApplyTo(Project project)
    {
        if (Name?.Trim() is { Length: > 0 } name && name != project.Name)
        {
            project.Name = name;
        }

        if (CustomerBehaviourRegresses is { } regresses && regresses != project.CustomerBehaviourRegresses)
        {
            project.CustomerBehaviourRegresses = regresses;
        }

        if (EventsPerMinutePerKey is { } perMinute && perMinute != project.EventsPerMinutePerKey)
        {
            project.EventsPerMinutePerKey = perMinute;
        }

        if (MonthlyEventQuota is { } quota && quota != project.MonthlyEventQuota)
        {
            project.MonthlyEventQuota = quota;
        }

        if (AllowedOrigins is not null)
        {
            var origins = AllowedOrigins.Select(origin => ProjectsEndpoints.Origin(origin)!).Distinct().ToArray();
            if (!origins.SequenceEqual(project.AllowedOrigins))
            {
                project.AllowedOrigins = origins;
            }
        }
    }
}

/// <summary>A new project with the credentials to use it; the token is shown this once.</summary>
public sealed record CreatedProject
{
    public required ProjectDetails Project { get; init; }

    public required IngestKeyDetails IngestKey { get; init; }

    public required CreatedApiToken ApiToken { get; init; }
}
