using System;
using CustomerHealth.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddAuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    action = table.Column<int>(type: "integer", nullable: false),
                    rpc = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    caller = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    caller_kind = table.Column<int>(type: "integer", nullable: false),
                    on_behalf_of = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    target_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    target_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    before_json = table.Column<string>(type: "text", nullable: true),
                    after_json = table.Column<string>(type: "text", nullable: true),
                    details_json = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_at",
                table: "audit_events",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_caller",
                table: "audit_events",
                columns: new[] { "caller", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_target",
                table: "audit_events",
                columns: new[] { "target_type", "target_id", "id" });

            // The health service's own audit joins the one trail; health_audit itself goes a release later.
            migrationBuilder.Sql(LegacyHealthAudit.CopySql("\"", "\""));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events");
        }
    }
}
