using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CallTracker.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running server.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CallTrackerDbContext>
{
    public CallTrackerDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CallTrackerDbContext>();
        StorageSetup.Configure(options, "Host=127.0.0.1;Database=calltracker_design");
        return new CallTrackerDbContext(options.Options);
    }
}
