using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.HasKey(project => project.Id);
        builder.Property(project => project.Id).UseIdentityAlwaysColumn();
        builder.Property(project => project.Name).HasMaxLength(200);
        builder.Property(project => project.AllowedOrigins).HasDefaultValueSql("'{}'::text[]");
    }
}
