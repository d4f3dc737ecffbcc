using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRule>
{
    public void Configure(EntityTypeBuilder<AlertRule> builder)
    {
        builder.ToTable("alert_rules");
        builder.HasKey(rule => new { rule.ProjectId, rule.Id });
        builder.Property(rule => rule.Id).UseIdentityAlwaysColumn();
        builder.Property(rule => rule.Name).HasMaxLength(200);
        builder.Property(rule => rule.Trigger).HasMaxLength(16);
        builder.Property(rule => rule.Filter).HasColumnType("jsonb");
        builder.Property(rule => rule.Actions).HasColumnType("jsonb");
        // The database's defaults are for rows written by hand; EF always sends the value, since with a default
        // it would leave out a value equal to the CLR default (a cool-down of 0, a rule disabled) and the
        // database would store its own default instead.
        builder.Property(rule => rule.CooldownMinutes).HasDefaultValue(30).ValueGeneratedNever();
        builder.Property(rule => rule.Enabled).HasDefaultValue(true).ValueGeneratedNever();
        builder.Property(rule => rule.State).HasMaxLength(8).HasDefaultValue(AlertRuleStates.Ok).ValueGeneratedNever();

        builder.HasOne<Project>().WithMany().HasForeignKey(rule => rule.ProjectId);
    }
}
