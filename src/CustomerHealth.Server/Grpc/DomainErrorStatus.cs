using CustomerHealth.Domain.Common;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Status = Google.Rpc.Status;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// The <c>google.rpc.Status</c> of a caller's mistake the domain reports: INVALID_ARGUMENT with field violations,
/// NOT_FOUND with the resource, ALREADY_EXISTS, FAILED_PRECONDITION with a reason code; bounded by
/// <see cref="StatusBounds"/>. One shape for a failed call (<see cref="ErrorMappingInterceptor"/>) and for a rejected
/// item of a batch.
/// </summary>
public static class DomainErrorStatus
{
    public const string ErrorDomain = "customerhealth.v1";

    /// <summary>The status of <paramref name="exception"/>, or null when it is no caller's mistake.</summary>
    public static Status? From(Exception exception)
    {
        switch (exception)
        {
            case ValidationException validation:
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(validation.Violations.Select(v =>
                    new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
                return Build(Code.InvalidArgument, validation.Message, badRequest);

            case NotFoundException notFound:
                return Build(Code.NotFound, notFound.Message,
                    new ResourceInfo
                    {
                        ResourceType = $"{ErrorDomain}.{notFound.ResourceType}", ResourceName = notFound.ResourceId,
                        Description = notFound.Message,
                    },
                    Info("RESOURCE_NOT_FOUND", new Dictionary<string, string>
                    {
                        ["resource_type"] = notFound.ResourceType, ["resource_id"] = notFound.ResourceId,
                    }));

            case AlreadyExistsException exists:
                return Build(Code.AlreadyExists, exists.Message,
                    new ResourceInfo
                    {
                        ResourceType = $"{ErrorDomain}.{exists.ResourceType}", ResourceName = exists.ResourceId,
                        Description = exists.Message,
                    },
                    Info("RESOURCE_EXISTS", new Dictionary<string, string>
                    {
                        ["resource_type"] = exists.ResourceType, ["resource_id"] = exists.ResourceId,
                    }));

            case RuleViolationException rule:
                var precondition = new PreconditionFailure();
                precondition.Violations.Add(new PreconditionFailure.Types.Violation
                {
                    Type = rule.Reason, Subject = string.Join(",", rule.Metadata.Values), Description = rule.Message,
                });
                return Build(Code.FailedPrecondition, rule.Message, Info(rule.Reason, rule.Metadata), precondition);

            default:
                return null;
        }
    }

    public static ErrorInfo Info(string reason, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var info = new ErrorInfo { Reason = reason, Domain = ErrorDomain };
        if (metadata is not null) foreach (var (key, value) in metadata) info.Metadata[key] = value;
        return info;
    }

    /// <summary>A bounded status of <paramref name="code"/> with <paramref name="details"/>.</summary>
    public static Status Build(Code code, string message, params Google.Protobuf.IMessage[] details)
    {
        var status = new Status { Code = (int)code, Message = message };
        status.Details.AddRange(details.Select(Any.Pack));
        return StatusBounds.Bound(status);
    }
}
