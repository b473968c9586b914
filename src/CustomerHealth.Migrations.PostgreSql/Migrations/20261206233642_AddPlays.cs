using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddPlays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "play_changes",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    play_id = table.Column<long>(type: "bigint", nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_play_changes", x => x.sequence);
                    table.ForeignKey(
                        name: "FK_play_changes_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "play_rule_sets",
                columns: table => new
                {
                    version = table.Column<int>(type: "integer", nullable: false),
                    rules = table.Column<string>(type: "text", nullable: false),
                    set_by = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    set_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_play_rule_sets", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "plays",
                columns: table => new
                {
                    play_id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    owner = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    tier = table.Column<int>(type: "integer", nullable: false),
                    rule_kind = table.Column<int>(type: "integer", nullable: false),
                    rule_set_version = table.Column<int>(type: "integer", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    channel = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    drivers = table.Column<string>(type: "text", nullable: false),
                    opened_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    acknowledged_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    acknowledged_by = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    snoozed_until = table.Column<DateOnly>(type: "date", nullable: true),
                    closed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    completed_by = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    outcome = table.Column<int>(type: "integer", nullable: false),
                    outcome_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plays", x => x.play_id);
                    table.ForeignKey(
                        name: "FK_plays_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_play_changes_account_id",
                table: "play_changes",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_play_changes_play",
                table: "play_changes",
                column: "play_id");

            migrationBuilder.CreateIndex(
                name: "ix_plays_account_status",
                table: "plays",
                columns: new[] { "account_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_plays_due",
                table: "plays",
                columns: new[] { "due_date", "play_id" });

            migrationBuilder.CreateIndex(
                name: "ix_plays_owner_due",
                table: "plays",
                columns: new[] { "owner", "due_date", "play_id" });

            migrationBuilder.CreateIndex(
                name: "ux_plays_active_rule",
                table: "plays",
                columns: new[] { "account_id", "rule_kind" },
                unique: true,
                filter: "status IN (1, 2, 3)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "play_changes");

            migrationBuilder.DropTable(
                name: "play_rule_sets");

            migrationBuilder.DropTable(
                name: "plays");
        }
    }
}
