using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace CallTracker.Storage;

public sealed class CallTrackerDbContext(DbContextOptions<CallTrackerDbContext> options) : DbContext(options)
{
    public DbSet<Project> Projects => Set<Project>();

    public DbSet<IngestKey> IngestKeys => Set<IngestKey>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<CallEvent> CallEvents => Set<CallEvent>();

    public DbSet<ErrorEvent> ErrorEvents => Set<ErrorEvent>();

    public DbSet<Issue> Issues => Set<Issue>();

    public DbSet<EventIdClaim> EventIds => Set<EventIdClaim>();

    public DbSet<CallRollup> CallRollups => Set<CallRollup>();

    public DbSet<ProjectUsage> ProjectUsage => Set<ProjectUsage>();

    public DbSet<AlertRule> AlertRules => Set<AlertRule>();

    public DbSet<Alert> Alerts => Set<Alert>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CallTrackerDbContext).Assembly);
    }
}
