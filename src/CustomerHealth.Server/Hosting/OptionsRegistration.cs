using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Hosting;

/// <summary>Binds a configuration section to its options class, checked by a validator when the host starts.</summary>
public static class OptionsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, validates it with
    /// <typeparamref name="TValidator"/> at start-up (an invalid setting stops the host, naming the key), and registers
    /// the bound instance itself, which is what the services take.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(
        this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TOptions>>().Value);
        return services;
    }

    /// <summary>
    /// Checks now every section registered by <see cref="AddValidatedOptions{TOptions, TValidator}"/>, which the host
    /// would check when it starts: the commands that never start it (<c>migrate</c>) then refuse an invalid setting as
    /// serving does, and the failure ends the program before the host runs.
    /// </summary>
    public static WebApplication ValidateOptions(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app;
    }
}
