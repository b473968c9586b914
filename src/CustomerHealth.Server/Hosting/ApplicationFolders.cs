using Microsoft.Data.Sqlite;

namespace CustomerHealth.Server.Hosting;

/// <summary>
/// Where the server reads its files and keeps its data, whatever folder it was started from. The content root (where
/// appsettings.json is read) is the application's own folder unless <c>--contentRoot</c>, <c>DOTNET_CONTENTROOT</c> or
/// <c>ASPNETCORE_CONTENTROOT</c> names another. The data directory (<c>DataDirectory</c>, default <c>data</c> under the
/// content root) holds the SQLite database (unless <c>ConnectionStrings:CustomerHealth</c> names one) and the loopback
/// development credentials. Relative paths in these settings are relative to the content root, never to the working
/// folder.
/// </summary>
public static class ApplicationFolders
{
    public const string DataDirectoryKey = "DataDirectory";
    public const string DefaultDataDirectory = "data";
    public const string SqliteFileName = "customerhealth.db";
    public const string DevelopmentFolderName = "dev-auth";

    /// <summary>The builder's options: the arguments, and the application's folder as content root.</summary>
    public static WebApplicationOptions BuilderOptions(string[] args) => new()
    {
        Args = args,
        ContentRootPath = NamesContentRoot(args) ? null : AppContext.BaseDirectory,
    };

    /// <summary>The data directory, as a full path.</summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment) =>
        Resolve(configuration[DataDirectoryKey] is { Length: > 0 } folder ? folder : DefaultDataDirectory, environment);

    /// <summary><paramref name="path"/> as a full path, a relative one taken from the content root.</summary>
    public static string Resolve(string path, IHostEnvironment environment) =>
        Path.GetFullPath(path, environment.ContentRootPath);

    /// <summary>
    /// The SQLite connection string: the configured one with a relative file taken from the content root, or, when none
    /// is configured, <c>customerhealth.db</c> in the data directory.
    /// </summary>
    public static string SqliteConnectionString(string? configured, string dataDirectory, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            var fallback = Path.Combine(dataDirectory, SqliteFileName);
            return new SqliteConnectionStringBuilder { DataSource = fallback }.ToString();
        }
        var builder = new SqliteConnectionStringBuilder(configured);
        var file = builder.DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || file.StartsWith("file:", StringComparison.Ordinal)
            || Path.IsPathRooted(file))
            return configured;
        builder.DataSource = Resolve(file, environment);
        return builder.ToString();
    }

    /// <summary>
    /// A database the server made before it kept its data in the data directory: earlier versions put it in
    /// <c>data/customerhealth.db</c> under the working folder. Returned only when the data directory has none yet.
    /// </summary>
    public static string? EarlierDefaultDatabase(string databaseFile, string workingFolder)
    {
        var earlier = Path.GetFullPath(Path.Combine(DefaultDataDirectory, SqliteFileName), workingFolder);
        return !File.Exists(databaseFile) && File.Exists(earlier)
            && !string.Equals(earlier, Path.GetFullPath(databaseFile), StringComparison.Ordinal) ? earlier : null;
    }

    private static bool NamesContentRoot(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build();
        return !string.IsNullOrEmpty(configuration[HostDefaults.ContentRootKey]);
    }
}
