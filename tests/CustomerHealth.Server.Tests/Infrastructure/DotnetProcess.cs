using System.Diagnostics;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>What a program of this build printed and returned, run by <c>dotnet</c> as a separate process.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error);

/// <summary>Runs an assembly of the test output folder (the server, the lab tools) in a working folder given.</summary>
public static class DotnetProcess
{
    public static async Task<ProcessResult> RunAsync(string assembly, string workingFolder, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ProcessResult(process.ExitCode, await output, await error);
    }
}
