using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class CallRollupConfiguration : IEntityTypeConfiguration<CallRollup>
{
    public void Configure(EntityTypeBuilder<CallRollup> builder)
    {
        builder.ToTable("call_rollups");

        // Every batch adds to the counts of the current hour's and day's rows. Room left on each page lets
        // PostgreSQL write the new version beside the old one without touching the index (a HOT update,
        // since count is in no index): in the benchmark, batched ingest about twice as fast.
        builder.HasStorageParameter("fillfactor", 70);

        // Project, grain, set and period first: every report reads one project's range of one grain and set.
        builder.HasKey(rollup => new
        {
            rollup.ProjectId,
            rollup.Grain,
            rollup.DimensionSet,
            rollup.PeriodStart,
            rollup.ResponseClass,
            rollup.SipCode,
            rollup.LocalCause,
            rollup.Q850Cause,
            rollup.Outcome,
            rollup.Agent,
            rollup.Trunk,
            rollup.Country,
            rollup.Carrier,
        });
        builder.Property(rollup => rollup.Grain).HasMaxLength(1);
        builder.Property(rollup => rollup.ResponseClass).HasMaxLength(4);
        builder.Property(rollup => rollup.LocalCause).HasMaxLength(32);
        builder.Property(rollup => rollup.Q850Cause).HasColumnName("q850_cause");
        builder.Property(rollup => rollup.Outcome).HasMaxLength(32);
        builder.Property(rollup => rollup.Agent).HasMaxLength(200);
        builder.Property(rollup => rollup.Trunk).HasMaxLength(200);
        builder.Property(rollup => rollup.Country).HasMaxLength(3);
        builder.HasOne<Project>().WithMany().HasForeignKey(rollup => rollup.ProjectId);
    }
}
