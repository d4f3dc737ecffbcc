using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallTracker.Storage.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.HasKey(token => new { token.ProjectId, token.Id });
        builder.Property(token => token.Name).HasMaxLength(200);
        builder.Property(token => token.TokenHash).HasMaxLength(64).IsFixedLength();
        builder.Property(token => token.Prefix).HasMaxLength(16);

        // Authentication looks a token up by its hash before it knows the project.
        builder.HasIndex(token => token.TokenHash).IsUnique();

        builder.HasOne<Project>().WithMany(project => project.ApiTokens).HasForeignKey(token => token.ProjectId);
    }
}
