using CustomerHealth.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CustomerHealth.Server.Tests.Hosting;

/// <summary>Where the server looks for its files: the content root, the data directory, the SQLite file.</summary>
public sealed class ApplicationFoldersTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "app-root");

    [Fact]
    public void TheContentRootIsTheApplicationsFolderUnlessTheArgumentsNameOne()
    {
        Assert.Equal(AppContext.BaseDirectory, ApplicationFolders.BuilderOptions(["--demo"]).ContentRootPath);
        Assert.Null(ApplicationFolders.BuilderOptions(["--contentRoot=/srv/health"]).ContentRootPath);
        Assert.Null(ApplicationFolders.BuilderOptions(["--contentRoot", "/srv/health"]).ContentRootPath);
    }

    [Fact]
    public void TheDataDirectoryDefaultsToDataUnderTheContentRootAndRelativePathsStartThere()
    {
        var none = new ConfigurationBuilder().Build();
        var relative = Configuration(("DataDirectory", "state"));
        var absolute = Configuration(("DataDirectory", "/var/lib/customer-health"));

        Assert.Equal(Path.Combine(Root, "data"), ApplicationFolders.DataDirectory(none, new Environment()));
        Assert.Equal(Path.Combine(Root, "state"), ApplicationFolders.DataDirectory(relative, new Environment()));
        Assert.Equal("/var/lib/customer-health", ApplicationFolders.DataDirectory(absolute, new Environment()));
    }

    [Fact]
    public void TheSqliteFileDefaultsToTheDataDirectoryAndRelativeFilesStartAtTheContentRoot()
    {
        var environment = new Environment();

        var fallback = ApplicationFolders.SqliteConnectionString(null, "/var/lib/ch", environment);
        var relative = ApplicationFolders.SqliteConnectionString("Data Source=db/x.db;Cache=Shared", "/d", environment);
        var absolute = ApplicationFolders.SqliteConnectionString("Data Source=/tmp/x.db", "/d", environment);
        var memory = ApplicationFolders.SqliteConnectionString("Data Source=:memory:", "/d", environment);

        Assert.Equal("Data Source=/var/lib/ch/customerhealth.db", fallback);
        Assert.Equal($"Data Source={Path.Combine(Root, "db", "x.db")};Cache=Shared", relative);
        Assert.Equal("Data Source=/tmp/x.db", absolute);
        Assert.Equal("Data Source=:memory:", memory);
    }

    [Fact]
    public void AnEarlierVersionsDatabaseUnderTheWorkingFolderIsFoundOnlyWhileTheDataDirectoryHasNone()
    {
        var folder = Directory.CreateTempSubdirectory("earlier-db-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "data"));
            File.WriteAllText(Path.Combine(folder, "data", "customerhealth.db"), "");
            var moved = Path.Combine(folder, "elsewhere", "customerhealth.db");

            var found = ApplicationFolders.EarlierDefaultDatabase(moved, folder);
            Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
            File.WriteAllText(moved, "");
            var afterMove = ApplicationFolders.EarlierDefaultDatabase(moved, folder);
            var inPlace = Path.Combine(folder, "data", "customerhealth.db");
            var same = ApplicationFolders.EarlierDefaultDatabase(inPlace, folder);

            Assert.Equal(Path.Combine(folder, "data", "customerhealth.db"), found);
            Assert.Null(afterMove);
            Assert.Null(same);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "CustomerHealth.Server";
        public string ContentRootPath { get; set; } = Root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
