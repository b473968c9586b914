using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CustomerHealth.Migrations.PostgreSql;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for PostgreSql without starting the server; it never connects.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CustomerHealthDbContext>
{
    public CustomerHealthDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<CustomerHealthDbContext>();
        DatabaseRegistration.Configure(builder, new DatabaseOptions { Provider = DatabaseProvider.PostgreSql }, "Host=localhost;Database=customerhealth");
        return new CustomerHealthDbContext(builder.Options);
    }
}
