using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Binds every gRPC service's methods like grpc-dotnet's own binder (the generated static <c>BindService</c>, the
/// service's overrides, their attributes as endpoint metadata), but with request marshallers guarded by
/// <see cref="UndecodableRequests"/>, so that an undecodable request is INVALID_ARGUMENT on every method, unary and
/// streaming alike. It replaces grpc-dotnet's binder: both would map each method twice.
/// </summary>
public sealed class GuardedServiceMethodProvider<TService>(ILoggerFactory loggers) : IServiceMethodProvider<TService>
    where TService : class
{
    private readonly ILogger _logger = loggers.CreateLogger(typeof(UndecodableRequests));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bindAttribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        if (bindAttribute is null) return; // not a generated service: nothing to bind
        var bind = bindAttribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Single(m => m.Name == bindAttribute.BindMethodName && m.GetParameters() is [var first, _]
                && first.ParameterType == typeof(ServiceBinderBase));
        var baseType = bind.GetParameters()[1].ParameterType;
        bind.Invoke(null, [new Binder(context, baseType, _logger), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type baseType, ILogger logger)
        : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method,
            UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name,
                typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(UndecodableRequests.Guard(method, logger), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method,
            ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(UndecodableRequests.Guard(method, logger), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method,
            ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(UndecodableRequests.Guard(method, logger), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method,
            DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Bind<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>),
                    typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(UndecodableRequests.Guard(method, logger), metadata, invoker);
        }

        /// <summary>The service's override of the generated base method, as an open-instance delegate, and its
        /// metadata.</summary>
        private (TDelegate Invoker, List<object> Metadata) Bind<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = FindOverride(name, parameters)
                ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true)); // type first: lower priority
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        // A method of the same name that hides the generated one is not the handler: keep looking on the base types.
        private MethodInfo? FindOverride(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, binder: null,
                    parameters, modifiers: null);
                if (method is null) return null;
                if (method.IsVirtual && method.GetBaseDefinition().DeclaringType == baseType) return method;
            }
            return null;
        }
    }
}

/// <summary>Registration of <see cref="GuardedServiceMethodProvider{TService}"/>.</summary>
public static class GuardedServiceMethods
{
    // grpc-dotnet's default provider, registered by AddGrpc (internal, so found by name).
    private const string DefaultProviderName = "BinderServiceMethodProvider`1";

    /// <summary>Replaces grpc-dotnet's binder with <see cref="GuardedServiceMethodProvider{TService}"/>; call after
    /// <c>AddGrpc</c>.</summary>
    public static void AddGuardedServiceMethods(this IServiceCollection services)
    {
        var defaults = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType?.Name == DefaultProviderName).ToList();
        if (defaults.Count == 0)
            throw new InvalidOperationException(
                "grpc-dotnet's default service method provider was not found; update GuardedServiceMethodProvider.");
        foreach (var descriptor in defaults) services.Remove(descriptor);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>),
            typeof(GuardedServiceMethodProvider<>)));
    }
}
