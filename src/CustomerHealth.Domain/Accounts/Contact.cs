using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Accounts;

/// <summary>A stakeholder's role at the customer (values match the contract's <c>ContactRole</c>).</summary>
public enum ContactRole
{
    Unspecified = 0,

    /// <summary>Sells the product inside the customer: the person whose leaving is a strong churn signal.</summary>
    Champion = 1,

    /// <summary>The executive sponsor who signs the budget.</summary>
    Sponsor = 2,

    /// <summary>Administers the product for the customer.</summary>
    Admin = 3,

    /// <summary>Uses the product.</summary>
    User = 4,
}

/// <summary>The caller-owned fields of a contact, as a CRM pushes them.</summary>
public sealed record ContactDetails(
    string ContactId, string AccountId, string DisplayName, string? Email, string? Title, ContactRole Role,
    string? UsageUserId, bool Left)
{
    public const int MaxDisplayNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxTitleLength = 200;
}

/// <summary>A stakeholder of an account: a person with a role, optionally linked to their usage user id.</summary>
public sealed class Contact
{
    private Contact(string id, string accountId, string displayName, DateTime createdAt)
    {
        Id = id;
        AccountId = accountId;
        DisplayName = displayName;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string Id { get; private set; }
    public string AccountId { get; private set; }
    public string DisplayName { get; private set; }
    public string? Email { get; private set; }
    public string? Title { get; private set; }
    public ContactRole Role { get; private set; }
    public string? UsageUserId { get; private set; }

    /// <summary>The day (UTC) the CRM first said the person left the customer, or null while they are there.</summary>
    public DateOnly? LeftOn { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public bool Left => LeftOn is not null;

    public static Contact Create(ContactDetails details, DateTime now)
    {
        var contact = new Contact(details.ContactId, details.AccountId, details.DisplayName.Trim(), now);
        contact.Update(details, now);
        contact.UpdatedAt = now;
        return contact;
    }

    /// <summary>
    /// Replaces the caller-owned fields; returns false (and changes nothing) when they are already equal. The day the
    /// person left is kept while <see cref="ContactDetails.Left"/> stays true.
    /// </summary>
    /// <exception cref="RuleViolationException">The details name another account than the stored one.</exception>
    public bool Update(ContactDetails details, DateTime now)
    {
        if (details.ContactId != Id) throw new InvalidOperationException("A contact's id cannot change.");
        if (details.AccountId != AccountId)
        {
            throw new RuleViolationException("CONTACT_ACCOUNT_MISMATCH",
                $"Contact '{Id}' belongs to account '{AccountId}'; a contact cannot move to another account.",
                new Dictionary<string, string> { ["account_id"] = AccountId });
        }
        var name = details.DisplayName.Trim();
        var email = Normalize(details.Email);
        var title = Normalize(details.Title);
        var user = Normalize(details.UsageUserId);
        var leftOn = details.Left ? LeftOn ?? DateOnly.FromDateTime(now) : (DateOnly?)null;
        if (name == DisplayName && email == Email && title == Title && details.Role == Role && user == UsageUserId
            && leftOn == LeftOn) return false;
        (DisplayName, Email, Title, Role, UsageUserId, LeftOn) = (name, email, title, details.Role, user, leftOn);
        UpdatedAt = now;
        return true;
    }

    private static string? Normalize(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
