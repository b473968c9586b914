using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CustomerHealth.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for Sqlite without starting the server; it never connects.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CustomerHealthDbContext>
{
    public CustomerHealthDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<CustomerHealthDbContext>();
        DatabaseRegistration.Configure(builder, new DatabaseOptions { Provider = DatabaseProvider.Sqlite }, "Data Source=design-time.db");
        return new CustomerHealthDbContext(builder.Options);
    }
}
