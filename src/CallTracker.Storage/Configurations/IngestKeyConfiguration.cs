using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class IngestKeyConfiguration : IEntityTypeConfiguration<IngestKey>
{
    public void Configure(EntityTypeBuilder<IngestKey> builder)
    {
        builder.HasKey(key => new { key.ProjectId, key.Key });
        builder.Property(key => key.Key).HasMaxLength(32).IsFixedLength();
        builder.Property(key => key.Name).HasMaxLength(200);

        // Keys from before ids existed get one when the column is added.
        builder.Property(key => key.Id).HasDefaultValueSql("gen_random_uuid()");
        builder.HasIndex(key => new { key.ProjectId, key.Id }).IsUnique();

        // The native endpoint finds the project by the key alone, so a key must name one project.
        builder.HasIndex(key => key.Key).IsUnique();

        builder.HasOne<Project>().WithMany(project => project.IngestKeys).HasForeignKey(key => key.ProjectId);
    }
}
