using CustomerHealth.Server.Tests.Health;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class StakeholdersOnSqlite(SqliteTestDatabase database)
    : StakeholderTests<SqliteTestDatabase>(database);

public sealed class StakeholdersOnPostgreSql(PostgreSqlTestDatabase database)
    : StakeholderTests<PostgreSqlTestDatabase>(database);

public sealed class StakeholdersOnSqlServer(SqlServerTestDatabase database)
    : StakeholderTests<SqlServerTestDatabase>(database);

/// <summary>Contacts of accounts, their erasure and the champion signal on the account page (clock: 2026-03-15).
/// </summary>
public abstract class StakeholderTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    public static Contact Person(
        string id, string account, ContactRole role = ContactRole.Champion, string user = "", bool left = false) =>
        new()
        {
            ContactId = id, AccountId = account, DisplayName = $"Person {id}", Email = $"{id}@customer.test",
            Title = "VP Operations", Role = role, UsageUserId = user, Left = left,
        };

    private async Task<UpsertContactResponse> Upsert(Contact contact) =>
        await Accounts.UpsertContactAsync(new() { Contact = contact }, cancellationToken: Ct);

    private async Task GivenAccount(string id) =>
        await Accounts.UpsertAccountAsync(new() { Account = Build.Account(id) }, cancellationToken: Ct);

    [Fact]
    public async Task ContactsAreUpsertedListedByRoleAndDeleted()
    {
        await GivenAccount("crud");
        var created = await Upsert(Person("crud-ann", "crud"));
        await Upsert(Person("crud-bob", "crud", ContactRole.Sponsor));
        await Upsert(Person("crud-cy", "crud", ContactRole.User, user: "u-cy"));

        Assert.True(created.Created);
        Assert.Equal(("crud-ann@customer.test", ContactRole.Champion), (created.Contact.Email, created.Contact.Role));
        var again = await Upsert(Person("crud-ann", "crud"));
        Assert.False(again.Created);
        Assert.Equal(created.Contact.UpdateTime, again.Contact.UpdateTime); // the same content changes nothing

        var page = await Accounts.ListContactsAsync(new() { AccountId = "crud", PageSize = 2 }, cancellationToken: Ct);
        Assert.Equal(["crud-ann", "crud-bob"], page.Contacts.Select(c => c.ContactId));
        var rest = await Accounts.ListContactsAsync(
            new() { AccountId = "crud", PageSize = 2, PageToken = page.NextPageToken }, cancellationToken: Ct);
        Assert.Equal(("crud-cy", "u-cy", ""), (rest.Contacts.Single().ContactId, rest.Contacts[0].UsageUserId,
            rest.NextPageToken));
        var sponsors = await Accounts.ListContactsAsync(
            new() { AccountId = "crud", Role = ContactRole.Sponsor }, cancellationToken: Ct);
        Assert.Equal("crud-bob", sponsors.Contacts.Single().ContactId);

        var deleted = await Accounts.DeleteContactAsync(new() { ContactId = "crud-bob" }, cancellationToken: Ct);
        Assert.True(deleted.Deleted);
        await FailsWith(StatusCode.NotFound, () => Accounts.DeleteContactAsync(
            new() { ContactId = "crud-bob" }, cancellationToken: Ct).ResponseAsync);
        Assert.False((await Accounts.DeleteContactAsync(
            new() { ContactId = "crud-bob", AllowMissing = true }, cancellationToken: Ct)).Deleted);
    }

    public static TheoryData<string, Contact> InvalidContacts()
    {
        var data = new TheoryData<string, Contact>();
        void Add(string field, Action<Contact> change)
        {
            var contact = Person("bad", "rules");
            change(contact);
            data.Add(field, contact);
        }
        Add("contact.contact_id", c => c.ContactId = "");
        Add("contact.account_id", c => c.AccountId = "no spaces");
        Add("contact.display_name", c => c.DisplayName = " ");
        Add("contact.display_name", c => c.DisplayName = new string('n', 201));
        Add("contact.email", c => c.Email = "not-an-address");
        Add("contact.email", c => c.Email = new string('e', 250) + "@x.io");
        Add("contact.title", c => c.Title = new string('t', 201));
        Add("contact.usage_user_id", c => c.UsageUserId = new string('u', 129));
        Add("contact.role", c => c.Role = ContactRole.Unspecified);
        Add("contact.role", c => c.Role = (ContactRole)99);
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidContacts))]
    public async Task EachContactRuleIsInvalidArgumentNamingTheFieldAndWritesNothing(string field, Contact contact)
    {
        await GivenAccount("rules");

        await RejectsField(field, () => Upsert(contact));

        Assert.Equal(0, await Service.InDatabaseAsync(db => db.Contacts.CountAsync(c => c.AccountId == "rules", Ct)));
    }

    [Fact]
    public async Task AContactNeedsItsAccountAndStaysWithIt()
    {
        await FailsWith(StatusCode.NotFound, () => Upsert(Person("orphan", "no-such-account")));
        await GivenAccount("stay-a");
        await GivenAccount("stay-b");
        await Upsert(Person("stay-ann", "stay-a"));

        var status = await FailsWith(StatusCode.FailedPrecondition, () => Upsert(Person("stay-ann", "stay-b")));

        Assert.Equal("CONTACT_ACCOUNT_MISMATCH", status.GetDetail<ErrorInfo>()?.Reason);
        await Accounts.DeleteAccountAsync(new() { AccountId = "stay-a" }, cancellationToken: Ct);
        Assert.Equal(0, await Service.InDatabaseAsync(db => db.Contacts.CountAsync(c => c.Id == "stay-ann", Ct)));
    }

    [Fact]
    public async Task DeletingAPersonsDataDeletesTheContactsLinkedToTheirUserId()
    {
        await GivenAccount("gdpr-a");
        await GivenAccount("gdpr-b");
        await Upsert(Person("gdpr-a-ann", "gdpr-a", user: "ann-7"));
        await Upsert(Person("gdpr-b-ann", "gdpr-b", user: "ann-7"));
        await Upsert(Person("gdpr-a-bob", "gdpr-a", user: "bob-7"));

        var one = await Engagement.DeletePersonDataAsync(
            new() { UserId = "ann-7", AccountId = "gdpr-b" }, cancellationToken: Ct);
        var all = await Engagement.DeletePersonDataAsync(new() { UserId = "ann-7" }, cancellationToken: Ct);

        Assert.Equal((1, 1), (one.DeletedContacts, all.DeletedContacts));
        var left = await Service.InDatabaseAsync(db =>
            db.Contacts.Where(c => c.Id.StartsWith("gdpr-")).Select(c => c.Id).ToListAsync(Ct));
        Assert.Equal(["gdpr-a-bob"], left);
    }

    [Fact]
    public async Task TheAccountPageShowsStakeholdersAndTheChampionSignal()
    {
        await GivenCustomer("page", CsTier.HighTouch);
        await GivenDailyLogins("page", 10, "bob"); // others active; ann not for 21 days
        await Upsert(Person("page-ann", "page", user: "ann"));
        await Upsert(Person("page-sue", "page", ContactRole.Sponsor));

        var page = (await Accounts.GetAccountOverviewAsync(new() { AccountId = "page" }, cancellationToken: Ct))
            .Overview;

        Assert.Equal(["page-ann", "page-sue"], page.Stakeholders.Select(c => c.ContactId));
        var quiet = Assert.Single(page.ChampionAlerts);
        Assert.Equal(("page-ann", ChampionAlertKind.Quiet, 21), (quiet.ContactId, quiet.Kind, quiet.QuietDays));

        await Upsert(Person("page-ann", "page", user: "ann", left: true));
        page = (await Accounts.GetAccountOverviewAsync(new() { AccountId = "page" }, cancellationToken: Ct)).Overview;
        var left = Assert.Single(page.ChampionAlerts);
        Assert.Equal((ChampionAlertKind.Left, Build.Date("2026-03-15")), (left.Kind, left.LeftDate));
        Assert.Equal(Build.Date("2026-03-15"), page.Stakeholders[0].LeftDate);

        await Engagement.IngestEventsAsync(Batch(Event("page-ann-back", "page", "ann")), cancellationToken: Ct);
        await Upsert(Person("page-ann", "page", user: "ann"));
        page = (await Accounts.GetAccountOverviewAsync(new() { AccountId = "page" }, cancellationToken: Ct)).Overview;
        Assert.Empty(page.ChampionAlerts);
        Assert.Null(page.Stakeholders[0].LeftDate);
    }
}
