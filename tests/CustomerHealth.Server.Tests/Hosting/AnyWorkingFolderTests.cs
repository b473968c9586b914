using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace CustomerHealth.Server.Tests.Hosting;

/// <summary>
/// The built server started as an operator, a systemd unit or a container would start it: from a working folder of
/// its own, by the path of its assembly. It reads its own appsettings.json (HTTP/2 cleartext) and keeps its data in
/// the data directory, never in the working folder.
/// </summary>
public sealed class AnyWorkingFolderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheBuiltServerServesTheSameFromAnotherWorkingFolder()
    {
        var folder = Directory.CreateTempSubdirectory("server-elsewhere-").FullName;
        var data = Directory.CreateTempSubdirectory("server-data-").FullName;
        try
        {
            var address = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}");
            await using (var server = await ServerProcess.StartAsync(folder,
                $"--Kestrel:Endpoints:Grpc:Url={address}", $"--DataDirectory={data}"))
            {
                var token = (await File.ReadAllTextAsync(Path.Combine(data, "dev-auth", "token"), Ct)).Trim();
                using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
                {
                    Credentials = ServiceUnderTest.WithBearer(token),
                    UnsafeUseInsecureChannelCallCredentials = true,
                });

                var health = await new global::Grpc.Health.V1.Health.HealthClient(channel)
                    .CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);
                var accounts = new AccountService.AccountServiceClient(channel);
                var page = await accounts.ListAccountsAsync(new ListAccountsRequest(), cancellationToken: Ct);
                using var anonymous = GrpcChannel.ForAddress(address);
                var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                    await new AccountService.AccountServiceClient(anonymous)
                        .ListAccountsAsync(new(), cancellationToken: Ct));

                Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
                Assert.Empty(page.Accounts);
                Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
                var contentRoot = $"Content root path: {AppContext.BaseDirectory.TrimEnd('/')}";
                Assert.Contains(contentRoot, server.Output, StringComparison.Ordinal);
            }
            Assert.True(File.Exists(Path.Combine(data, "customerhealth.db")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }
}
