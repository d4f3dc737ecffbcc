using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class EventIdClaimConfiguration : IEntityTypeConfiguration<EventIdClaim>
{
    public void Configure(EntityTypeBuilder<EventIdClaim> builder)
    {
        builder.ToTable("event_ids");
        builder.HasKey(claim => new { claim.ProjectId, claim.EventId });
        builder.Property(claim => claim.Kind).HasMaxLength(8);
        builder.HasOne<Project>().WithMany().HasForeignKey(claim => claim.ProjectId);
    }
}
