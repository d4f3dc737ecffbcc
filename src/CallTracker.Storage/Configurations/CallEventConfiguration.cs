using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class CallEventConfiguration : IEntityTypeConfiguration<CallEvent>
{
    public void Configure(EntityTypeBuilder<CallEvent> builder)
    {
        builder.ToTable("call_events");

        // Project, then time: the event list (newest first, keyset on time then id) and every range scan.
        // Deduplication is in event_ids, so this key can take a time partition later.
        builder.HasKey(call => new { call.ProjectId, call.OccurredAt, call.EventId });
        builder.HasIndex(call => new { call.ProjectId, call.EventId }, "by_event_id")
            .HasDatabaseName("ix_call_events_project_id_event_id");

        builder.Property(call => call.ResponseClass).HasMaxLength(4);
        builder.Property(call => call.LocalCause).HasMaxLength(32);
        builder.Property(call => call.ReasonProtocol).HasMaxLength(64);
        builder.Property(call => call.Direction).HasMaxLength(8);
        builder.Property(call => call.Headers).HasColumnType("jsonb");
        builder.Property(call => call.Tags).HasColumnType("jsonb");
        builder.Property(call => call.Extra).HasColumnType("jsonb");
        builder.Property(call => call.Reasons).HasColumnType("jsonb");
        builder.Property(call => call.SipWarnings).HasColumnType("jsonb");
        builder.Property(call => call.Outcome).HasMaxLength(32);
        builder.Property(call => call.Q850Cause).HasColumnName("q850_cause");
        builder.Property(call => call.OutcomeBasis).HasMaxLength(16);
        // 32: an E.164 number has at most 16 characters, an HMAC token (CallTracker:Phone:Storage) 27.
        builder.Property(call => call.PhoneE164).HasMaxLength(32);
        builder.Property(call => call.PhoneRegion).HasMaxLength(3);
        builder.Property(call => call.PhoneType).HasMaxLength(32);

        builder.HasOne<Project>().WithMany().HasForeignKey(call => call.ProjectId);

        // The start-up backfill finds events stored before outcomes existed without scanning the table.
        // (Named: EF takes two unnamed indexes on the same columns for one.)
        builder.HasIndex(call => new { call.ProjectId, call.EventId }, "outcome_pending")
            .HasFilter("outcome IS NULL")
            .HasDatabaseName("ix_call_events_outcome_pending");

        builder.HasIndex(call => new { call.ProjectId, call.Agent, call.OccurredAt });
        builder.Property(call => call.Fingerprint).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(call => new { call.ProjectId, call.Fingerprint, call.OccurredAt });
        builder.HasIndex(call => new { call.ProjectId, call.SipCode, call.OccurredAt });

        // Report filters beyond the time range: a trunk, and a tag (tags @> '{"campaign":"x"}').
        builder.HasIndex(call => new { call.ProjectId, call.Trunk, call.OccurredAt });
        builder.HasIndex(call => call.Tags).HasMethod("gin").HasOperators("jsonb_path_ops");

        // The start-up backfill finds failures stored before issues existed without scanning the table.
        builder.HasIndex(call => new { call.ProjectId, call.EventId }, "issue_pending")
            .HasFilter("fingerprint IS NULL AND response_class <> '2xx'")
            .HasDatabaseName("ix_call_events_issue_pending");
    }
}
