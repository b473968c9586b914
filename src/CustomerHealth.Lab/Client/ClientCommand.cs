using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerHealth.Lab.Client;

/// <summary>What a client verb does with its parsed arguments, an open channel and the output.</summary>
public delegate Task ClientAction(ParseResult parse, GrpcChannel channel, TextWriter output, CancellationToken ct);

/// <summary>
/// Builds the client verbs: each takes <c>--target</c> and <c>--token-file</c> (or <c>CUSTOMERHEALTH_TOKEN</c>), calls
/// the running service and prints to standard output; a refused or failed call prints the status on standard error
/// and exits 1.
/// </summary>
public static class ClientCommand
{
    public static Command Create(string name, string description, ClientAction action, params Symbol[] symbols)
    {
        var target = ServiceConnection.TargetOption("The service's address", required: true);
        var tokenFile = ServiceConnection.TokenFileOption(
            $"A file holding the bearer token (default: the {ServiceConnection.TokenVariable} environment variable)");
        var command = new Command(name, description) { target, tokenFile };
        foreach (var symbol in symbols)
        {
            if (symbol is Option option) command.Options.Add(option);
            else if (symbol is Argument argument) command.Arguments.Add(argument);
        }
        command.SetAction(async (parse, ct) =>
        {
            var address = parse.GetValue(target)!;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                using var channel = ServiceConnection.Open(address, await ServiceConnection.ReadTokenAsync(
                    parse.GetValue(tokenFile), ct));
                await action(parse, channel, parse.InvocationConfiguration.Output, ct);
                return 0;
            }
            catch (RpcException ex)
            {
                await error.WriteLineAsync($"{address}: {ex.StatusCode}: {ex.Status.Detail}");
                if (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
                {
                    await error.WriteLineAsync("Pass a token with the call's scope in --token-file or " +
                        $"{ServiceConnection.TokenVariable} ('customerhealth token' prints one for a local server).");
                }
                return 1;
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"Cannot read the token file: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>A positive count option with a default, for --limit and the like.</summary>
    public static Option<int> Count(string name, int fallback, int max, string description)
    {
        var option = new Option<int>(name)
        {
            Description = $"{description} (1 to {max})",
            DefaultValueFactory = _ => fallback,
            HelpName = "N",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var n && (n < 1 || n > max))
                result.AddError($"{name} must be 1 to {max}");
        });
        return option;
    }

    public static Option<string?> Text(string name, string description) =>
        new(name) { Description = description, HelpName = "TEXT" };

    /// <summary>Reads pages of up to 100 items until <paramref name="limit"/> items or the last page.</summary>
    public static async Task<List<T>> PagesAsync<T>(
        int limit, Func<int, string, Task<(IEnumerable<T> Items, string Next)>> page)
    {
        var items = new List<T>();
        var token = "";
        do
        {
            var (got, next) = await page(Math.Min(100, limit - items.Count), token);
            items.AddRange(got.Take(limit - items.Count));
            token = next;
        }
        while (items.Count < limit && token.Length > 0);
        return items;
    }
}
