using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class ProjectUsageConfiguration : IEntityTypeConfiguration<ProjectUsage>
{
    public void Configure(EntityTypeBuilder<ProjectUsage> builder)
    {
        builder.ToTable("project_usage");
        builder.HasKey(usage => new { usage.ProjectId, usage.Month });

        // One row per project is updated by every batch of the month: room on its page keeps that a HOT update.
        builder.HasStorageParameter("fillfactor", 50);
        builder.HasOne<Project>().WithMany().HasForeignKey(usage => usage.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
