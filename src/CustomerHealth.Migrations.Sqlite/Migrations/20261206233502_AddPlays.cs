using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
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
                    sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    play_id = table.Column<long>(type: "INTEGER", nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    rules = table.Column<string>(type: "TEXT", nullable: false),
                    set_by = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    set_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_play_rule_sets", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "plays",
                columns: table => new
                {
                    play_id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    tier = table.Column<int>(type: "INTEGER", nullable: false),
                    rule_kind = table.Column<int>(type: "INTEGER", nullable: false),
                    rule_set_version = table.Column<int>(type: "INTEGER", nullable: false),
                    priority = table.Column<int>(type: "INTEGER", nullable: false),
                    channel = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    drivers = table.Column<string>(type: "TEXT", nullable: false),
                    opened_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    due_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    acknowledged_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    acknowledged_by = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    snoozed_until = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    closed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    completed_by = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    outcome = table.Column<int>(type: "INTEGER", nullable: false),
                    outcome_note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
