using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>
/// The built server (CustomerHealth.Server.dll of the test output folder) run by <c>dotnet</c> as a separate process
/// in a working folder given, as an operator or a container would start it; stopped and awaited on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    /// <summary>What the server printed so far (standard output and error).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the server and waits until it listens (or exits, or three minutes pass: a loaded machine
    /// migrates slowly).</summary>
    public static async Task<ServerProcess> StartAsync(string workingFolder, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CustomerHealth.Server.dll"));
        // appsettings.json's dashboard endpoint has a fixed port; tests running side by side take any free one.
        start.ArgumentList.Add("--Kestrel:Endpoints:Web:Url=http://127.0.0.1:0");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, line) => server.Record(line.Data);
        process.ErrorDataReceived += (_, line) => server.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(server._listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(3)));
        if (first != server._listening.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"The server did not come up:{Environment.NewLine}{server.Output}");
        }
        return server;
    }

    /// <summary>A loopback TCP port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains("Application started", StringComparison.Ordinal)) _listening.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
