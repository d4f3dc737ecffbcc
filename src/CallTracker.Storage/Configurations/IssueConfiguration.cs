using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class IssueConfiguration : IEntityTypeConfiguration<Issue>
{
    public void Configure(EntityTypeBuilder<Issue> builder)
    {
        builder.ToTable("issues");
        builder.HasKey(issue => new { issue.ProjectId, issue.Id });
        builder.Property(issue => issue.Id).UseIdentityAlwaysColumn();
        builder.Property(issue => issue.Fingerprint).HasMaxLength(64).IsFixedLength();
        builder.Property(issue => issue.Kind).HasMaxLength(8).HasDefaultValue("call");
        builder.Property(issue => issue.Outcome).HasMaxLength(32);
        builder.Property(issue => issue.ResponseClass).HasMaxLength(4);
        builder.Property(issue => issue.LocalCause).HasMaxLength(32);
        builder.Property(issue => issue.Status).HasMaxLength(16);
        builder.Property(issue => issue.Q850Cause).HasColumnName("q850_cause");

        // The upsert on ingest conflicts on this: one issue per fingerprint, whatever arrives at once.
        builder.HasIndex(issue => new { issue.ProjectId, issue.Fingerprint }).IsUnique();
        builder.HasIndex(issue => new { issue.ProjectId, issue.LastSeen });

        builder.HasOne<Project>().WithMany().HasForeignKey(issue => issue.ProjectId);
    }
}
