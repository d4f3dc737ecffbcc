using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class ErrorEventConfiguration : IEntityTypeConfiguration<ErrorEvent>
{
    public void Configure(EntityTypeBuilder<ErrorEvent> builder)
    {
        builder.ToTable("error_events");
        // Like the call events: project and time, deduplication in event_ids.
        builder.HasKey(error => new { error.ProjectId, error.OccurredAt, error.EventId });
        builder.HasIndex(error => new { error.ProjectId, error.EventId }, "by_event_id")
            .HasDatabaseName("ix_error_events_project_id_event_id");

        builder.Property(error => error.Level).HasMaxLength(16);
        builder.Property(error => error.Platform).HasMaxLength(64);
        builder.Property(error => error.Tags).HasColumnType("jsonb");
        builder.Property(error => error.Payload).HasColumnType("jsonb");

        builder.HasOne<Project>().WithMany().HasForeignKey(error => error.ProjectId);

        // An error issue's events and its reach, like the call events' fingerprint index.
        builder.Property(error => error.Fingerprint).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(error => new { error.ProjectId, error.Fingerprint, error.OccurredAt });

        // The start-up backfill finds errors stored before they were grouped without scanning the table.
        builder.HasIndex(error => new { error.ProjectId, error.EventId }, "issue_pending")
            .HasFilter("fingerprint IS NULL")
            .HasDatabaseName("ix_error_events_issue_pending");
    }
}
