using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("alerts");
        builder.HasKey(alert => new { alert.ProjectId, alert.Id });
        builder.Property(alert => alert.Id).UseIdentityAlwaysColumn();
        builder.Property(alert => alert.Kind).HasMaxLength(8);
        builder.Property(alert => alert.Message).HasColumnType("jsonb");
        builder.Property(alert => alert.Deliveries).HasColumnType("jsonb");

        // The history, newest first, and one rule's history (the evaluator's cool-down looks there too).
        builder.HasIndex(alert => new { alert.ProjectId, alert.At, alert.Id }).IsDescending(false, true, true);
        builder.HasIndex(alert => new { alert.ProjectId, alert.RuleId, alert.At });

        // No foreign key to alert_rules: see Alert.RuleId.
        builder.HasOne<Project>().WithMany().HasForeignKey(alert => alert.ProjectId);
    }
}
