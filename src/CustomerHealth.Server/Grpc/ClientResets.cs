using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Makes a client's reset of its call a cancellation by the time the failed read of its request says so. Kestrel
/// fails the read of a request whose HTTP/2 stream the client reset (a cancelled watch, a client gone) with an
/// <see cref="IOException"/> at once, and cancels <c>RequestAborted</c> a moment later on the thread pool. grpc-dotnet
/// (which reads a unary or server-streaming request before any code of this service runs) and
/// <see cref="ErrorMappingInterceptor"/> tell a cancelled call from a fault by that token at the moment the read
/// fails, so a reset that won the race was logged as an error ("Error when executing service method"). Here the
/// request's body reader cancels the call's token itself, before its exception reaches them.
/// </summary>
public static class ClientResets
{
    /// <summary>Watches the request body of every gRPC call (content type <c>application/grpc…</c>).</summary>
    public static IApplicationBuilder UseClientResetsAsCancellations(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true
                && context.Features.Get<IHttpRequestLifetimeFeature>() is { } lifetime
                && context.Features.Get<IRequestBodyPipeFeature>() is { } body)
            {
                var watch = new ResetWatch(lifetime, body.Reader);
                context.Features.Set<IHttpRequestLifetimeFeature>(watch);
                context.Features.Set<IRequestBodyPipeFeature>(watch);
                context.Response.RegisterForDispose(watch);
            }
            return next(context);
        });

    /// <summary>
    /// The request's lifetime, whose token is also cancelled when a read of the body fails with an
    /// <see cref="IOException"/>, and the body reader that watches for it.
    /// </summary>
    private sealed class ResetWatch(IHttpRequestLifetimeFeature lifetime, PipeReader inner)
        : PipeReader, IHttpRequestLifetimeFeature, IRequestBodyPipeFeature, IDisposable
    {
        private readonly Lock _lock = new();
        private CancellationTokenSource? _aborted;
        private bool _reset;
        private bool _disposed;

        public CancellationToken RequestAborted
        {
            get
            {
                lock (_lock)
                {
                    if (_aborted is null)
                    {
                        if (_reset) return new CancellationToken(true);
                        _aborted = CancellationTokenSource.CreateLinkedTokenSource(lifetime.RequestAborted);
                    }
                    return _aborted.Token;
                }
            }
            set => lifetime.RequestAborted = value;
        }

        public void Abort() => lifetime.Abort();

        PipeReader IRequestBodyPipeFeature.Reader => this;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                var read = inner.ReadAsync(cancellationToken);
                return read.IsCompletedSuccessfully ? read : Watched(read);
            }
            catch (IOException)
            {
                Reset();
                throw;
            }
        }

        private async ValueTask<ReadResult> Watched(ValueTask<ReadResult> read)
        {
            try
            {
                return await read;
            }
            catch (IOException)
            {
                Reset();
                throw;
            }
        }

        public override bool TryRead(out ReadResult result)
        {
            try
            {
                return inner.TryRead(out result);
            }
            catch (IOException)
            {
                Reset();
                throw;
            }
        }

        /// <summary>Cancels the call's token now: its callbacks (grpc-dotnet's deadline, the service's own) run
        /// before the read's exception is thrown on.</summary>
        private void Reset()
        {
            CancellationTokenSource? aborted;
            lock (_lock)
            {
                _reset = true;
                aborted = _disposed ? null : _aborted;
            }
            try
            {
                aborted?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call ended meanwhile: nothing is left to tell.
            }
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) =>
            inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                _aborted?.Dispose();
            }
        }
    }
}
