using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Webhooks;
using CustomerHealth.Infrastructure.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscriptionRow>
{
    /// <summary>Room for the event types column: every known type, comma-separated, with space to grow.</summary>
    public const int EventTypesLength = 2000;

    public void Configure(EntityTypeBuilder<WebhookSubscriptionRow> builder)
    {
        builder.ToTable("webhook_subscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(s => s.Url).HasColumnName("url").HasMaxLength(WebhookUrls.MaxLength);
        builder.Property(s => s.Secret).HasColumnName("secret").HasMaxLength(256);
        builder.Property(s => s.EventTypes).HasColumnName("event_types").HasMaxLength(EventTypesLength);
        builder.Property(s => s.Description).HasColumnName("description").HasMaxLength(500);
        builder.Property(s => s.Paused).HasColumnName("paused");
        builder.Property(s => s.CreatedAt).HasColumnName("created_at");
        builder.Property(s => s.CreatedBy).HasColumnName("created_by").HasMaxLength(PersonNames.MaxLength);
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        builder.Property(s => s.UpdatedBy).HasColumnName("updated_by").HasMaxLength(PersonNames.MaxLength);
        builder.Ignore(s => s.EventTypeList);
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEventRow>
{
    public void Configure(EntityTypeBuilder<WebhookEventRow> builder)
    {
        builder.ToTable("webhook_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(e => e.EventId).HasColumnName("event_id").HasMaxLength(40);
        builder.Property(e => e.Type).HasColumnName("type").HasMaxLength(WebhookEventTypes.MaxLength);
        builder.Property(e => e.Body).HasColumnName("body");
        builder.Property(e => e.CreatedAt).HasColumnName("created_at");
        builder.Property(e => e.FannedOutAt).HasColumnName("fanned_out_at");
        builder.HasIndex(e => e.EventId).IsUnique().HasDatabaseName("ix_webhook_events_event_id");
        // The dispatcher's look for events not fanned out yet, and the purge's for old ones.
        builder.HasIndex(e => new { e.FannedOutAt, e.Id }).HasDatabaseName("ix_webhook_events_fanned_out");
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDeliveryRow>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryRow> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(d => d.SubscriptionId).HasColumnName("subscription_id");
        builder.Property(d => d.EventId).HasColumnName("event_id");
        builder.Property(d => d.State).HasColumnName("state");
        builder.Property(d => d.Attempts).HasColumnName("attempts");
        builder.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
        builder.Property(d => d.LastAttemptAt).HasColumnName("last_attempt_at");
        builder.Property(d => d.LastStatusCode).HasColumnName("last_status_code");
        builder.Property(d => d.LastError).HasColumnName("last_error").HasMaxLength(WebhookDeliveryRow.MaxErrorLength);
        builder.Property(d => d.DeliveredAt).HasColumnName("delivered_at");
        builder.HasOne<WebhookSubscriptionRow>().WithMany().HasForeignKey(d => d.SubscriptionId)
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<WebhookEventRow>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        // Due deliveries, by state and time; dead letters by subscription; the purge's event check.
        builder.HasIndex(d => new { d.State, d.NextAttemptAt }).HasDatabaseName("ix_webhook_deliveries_due");
        builder.HasIndex(d => new { d.SubscriptionId, d.State, d.Id })
            .HasDatabaseName("ix_webhook_deliveries_subscription");
        builder.HasIndex(d => d.EventId).HasDatabaseName("ix_webhook_deliveries_event");
    }
}
