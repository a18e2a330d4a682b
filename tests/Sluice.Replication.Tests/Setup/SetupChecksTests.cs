using Sluice.Replication.Discovery;
using Sluice.Replication.Setup;

namespace Sluice.Replication.Tests.Setup;

/// <summary>The setup checks on facts, without a server.</summary>
public sealed class SetupChecksTests
{
    private static readonly string[] GoodGrants =
        ["GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `sluice`@`%` IDENTIFIED BY PASSWORD '*ABC'"];

    private static ServerFacts Facts(string version = "10.11.6-MariaDB-log", IReadOnlyList<string>? grants = null,
        bool rds = false, long? rdsHours = null, params (string Name, string Value)[] overrides)
    {
        var variables = new Dictionary<string, string>
        {
            ["log_bin"] = "ON", ["binlog_format"] = "ROW", ["binlog_row_image"] = "FULL",
            ["expire_logs_days"] = "7.000000", ["binlog_expire_logs_seconds"] = "604800",
        };
        foreach (var (name, value) in overrides)
        {
            if (value is null) variables.Remove(name);
            else variables[name] = value;
        }
        return new ServerFacts(version, variables, rds, rdsHours, "sluice@%", grants ?? GoodGrants);
    }

    private static SourceTable Table(string schema, string name, string? charset = "utf8mb4") => new(new TableId(schema, name),
        [
            new SourceColumn("id", 1, "int", "int(11)", false, null, null, 10, 0, 0, [], 1),
            new SourceColumn("txt", 2, "varchar", "varchar(10)", true, charset, charset + "_bin", null, null, 0, [], 0),
        ], ["id"], 0, 0, "InnoDB");

    private static readonly SourceTable[] Shop = [Table("shop", "items"), Table("shop", "orders")];

    [Fact]
    public void A_well_configured_server_passes()
    {
        Assert.Empty(SetupChecks.Evaluate(Facts(), Shop));
        Assert.Equal("setup: every check passed" + Environment.NewLine, new SetupReport([]).ToText());
    }

    [Fact]
    public void Row_metadata_below_full_is_a_warning_with_its_fix_and_absent_is_fine()
    {
        var minimal = Assert.Single(SetupChecks.Evaluate(Facts(overrides: [("binlog_row_metadata", "MINIMAL")]), Shop));
        Assert.Equal(SetupSeverity.Warning, minimal.Severity);
        Assert.Equal(
            "warning: binlog_row_metadata: is MINIMAL, FULL is recommended (rows decode exactly either way; FULL adds a cross-check of each table's columns); fix: SET GLOBAL binlog_row_metadata = 'FULL'; and binlog_row_metadata=FULL under [mysqld] in my.cnf",
            minimal.ToString());
        Assert.Equal("SET PERSIST binlog_row_metadata = 'FULL';",
            Assert.Single(SetupChecks.Evaluate(Facts("8.0.36", overrides: [("binlog_row_metadata", "MINIMAL")]), Shop)).Fix);
        Assert.Empty(SetupChecks.Evaluate(Facts(overrides: [("binlog_row_metadata", "FULL")]), Shop));
        Assert.Empty(SetupChecks.Evaluate(Facts("5.7.44"), Shop));
    }

    [Fact]
    public void Each_binlog_setting_fails_with_one_line_naming_it_and_its_fix()
    {
        var problems = SetupChecks.Evaluate(Facts(overrides: [("log_bin", "OFF"), ("binlog_format", "MIXED"), ("binlog_row_image", "MINIMAL")]), Shop);
        Assert.Equal(
            [
                "error: log_bin: binary logging is OFF, it must be ON; fix: add log_bin=mysql-bin and server_id=1 under [mysqld] in my.cnf and restart the server (log_bin cannot be set at runtime)",
                "error: binlog_format: is MIXED, ROW is required; fix: SET GLOBAL binlog_format = 'ROW'; and binlog_format=ROW under [mysqld] in my.cnf",
                "error: binlog_row_image: is MINIMAL, FULL is required; fix: SET GLOBAL binlog_row_image = 'FULL'; and binlog_row_image=FULL under [mysqld] in my.cnf",
            ],
            problems.Select(p => p.ToString()));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p.ToString()));

        var mysql8 = SetupChecks.Evaluate(Facts("8.0.36", overrides: [("binlog_row_image", "NOBLOB")]), Shop);
        Assert.Equal("SET PERSIST binlog_row_image = 'FULL';", Assert.Single(mysql8).Fix);
        var rds = SetupChecks.Evaluate(Facts("8.0.36", rds: true, rdsHours: 168, overrides: [("binlog_format", "STATEMENT")]), Shop);
        Assert.Equal("set binlog_format = ROW in the instance's DB parameter group", Assert.Single(rds).Fix);
    }

    [Theory]
    // MariaDB: expire_logs_days and binlog_expire_logs_seconds move together (10.6+); older ones have only the days.
    [InlineData("10.11.6-MariaDB", "7.000000", "604800", null, null)]
    [InlineData("10.11.6-MariaDB", "0.000000", "0", null, null)]
    [InlineData("10.11.6-MariaDB", "3.000000", "259200", SetupSeverity.Warning, "warning: expire_logs_days: binlogs are kept 3 days (binlog_expire_logs_seconds is 259200), 7 days are recommended; fix: SET GLOBAL expire_logs_days = 7; and expire_logs_days=7 under [mysqld] in my.cnf")]
    [InlineData("10.11.6-MariaDB", "0.500000", "43200", SetupSeverity.Error, "error: expire_logs_days: binlogs are kept 12 hours (binlog_expire_logs_seconds is 43200), at least 24 hours are required; fix: SET GLOBAL expire_logs_days = 7; and expire_logs_days=7 under [mysqld] in my.cnf")]
    [InlineData("10.3.39-MariaDB", "1", null, SetupSeverity.Warning, "warning: expire_logs_days: binlogs are kept 24 hours (expire_logs_days is 1), 7 days are recommended; fix: SET GLOBAL expire_logs_days = 7; and expire_logs_days=7 under [mysqld] in my.cnf")]
    [InlineData("5.7.44-log", "0", null, null, null)]
    // MySQL 8: seconds win when non-zero; days apply when seconds are 0; both 0 never purge.
    [InlineData("8.0.36", "0", "2592000", null, null)]
    [InlineData("8.0.36", "10", "3600", SetupSeverity.Error, "error: binlog_expire_logs_seconds: binlogs are kept 1 hours (binlog_expire_logs_seconds is 3600), at least 24 hours are required; fix: SET PERSIST binlog_expire_logs_seconds = 604800;")]
    [InlineData("8.0.36", "2", "0", SetupSeverity.Warning, "warning: binlog_expire_logs_seconds: binlogs are kept 2 days (expire_logs_days is 2), 7 days are recommended; fix: SET PERSIST binlog_expire_logs_seconds = 604800;")]
    [InlineData("8.4.0", null, "86400", SetupSeverity.Warning, "warning: binlog_expire_logs_seconds: binlogs are kept 24 hours (binlog_expire_logs_seconds is 86400), 7 days are recommended; fix: SET PERSIST binlog_expire_logs_seconds = 604800;")]
    public void Retention_below_a_day_fails_and_below_a_week_warns(string version, string? days, string? seconds, SetupSeverity? severity, string? line)
    {
        var problems = SetupChecks.Evaluate(Facts(version, overrides: [("expire_logs_days", days!), ("binlog_expire_logs_seconds", seconds!)]), Shop);
        if (severity is null)
        {
            Assert.Empty(problems);
            return;
        }
        var problem = Assert.Single(problems);
        Assert.Equal(severity, problem.Severity);
        Assert.Equal(line, problem.ToString());
    }

    [Fact]
    public void Auto_purge_off_never_expires_and_rds_retention_governs_on_rds()
    {
        Assert.Empty(SetupChecks.Evaluate(Facts("8.0.36", overrides: [("binlog_expire_logs_seconds", "60"), ("binlog_expire_logs_auto_purge", "OFF")]), Shop));

        var nullHours = Assert.Single(SetupChecks.Evaluate(Facts("8.0.36", rds: true, rdsHours: null), Shop));
        Assert.Equal(
            "error: binlog retention hours: binlogs are kept 0 hours (RDS binlog retention hours is NULL (binlogs are purged as soon as possible)), at least 24 hours are required; fix: CALL mysql.rds_set_configuration('binlog retention hours', 168);",
            nullHours.ToString());
        var dayAndHalf = Assert.Single(SetupChecks.Evaluate(Facts("8.0.36", rds: true, rdsHours: 36), Shop));
        Assert.Equal(SetupSeverity.Warning, dayAndHalf.Severity);
        Assert.Empty(SetupChecks.Evaluate(Facts("8.0.36", rds: true, rdsHours: 168, overrides: [("binlog_expire_logs_seconds", "60")]), Shop));
    }

    [Fact]
    public void Missing_privileges_are_one_line_each_with_the_grant_that_fixes_them()
    {
        var problems = SetupChecks.Evaluate(Facts(grants:
        [
            "GRANT USAGE ON *.* TO `sluice`@`%`",
            "GRANT SELECT ON `shop`.`items` TO `sluice`@`%`",
            "GRANT INSERT ON `other`.* TO `sluice`@`%`",
        ]), [.. Shop, Table("other", "a"), Table("other", "b")]);
        Assert.Equal(
            [
                "error: privilege REPLICATION SLAVE: 'sluice'@'%' cannot read the binlog; fix: GRANT REPLICATION SLAVE ON *.* TO 'sluice'@'%';",
                "error: privilege BINLOG MONITOR: 'sluice'@'%' cannot read binlog positions and settings; fix: GRANT BINLOG MONITOR ON *.* TO 'sluice'@'%';",
                "error: privilege SELECT on `shop`: 'sluice'@'%' cannot read orders; fix: GRANT SELECT ON `shop`.* TO 'sluice'@'%';",
                "error: privilege SELECT on `other`: 'sluice'@'%' cannot read a, b; fix: GRANT SELECT ON `other`.* TO 'sluice'@'%';",
            ],
            problems.Select(p => p.ToString()));

        var mysql = SetupChecks.Evaluate(Facts("5.7.44", grants: ["GRANT SELECT, REPLICATION SLAVE ON *.* TO 'sluice'@'%'"]), Shop);
        Assert.Equal("GRANT REPLICATION CLIENT ON *.* TO 'sluice'@'%';", Assert.Single(mysql).Fix);
    }

    [Theory]
    [InlineData("GRANT ALL PRIVILEGES ON *.* TO `sluice`@`%` WITH GRANT OPTION")]
    [InlineData("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'sluice'@'%'|GRANT SELECT ON `shop`.* TO 'sluice'@'%'")]
    [InlineData("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'sluice'@'%'|GRANT SELECT ON `sh\\_p`.* TO 'sluice'@'%'|GRANT SELECT ON `s%`.* TO 'sluice'@'%'")]
    [InlineData("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'sluice'@'%'|GRANT SELECT (`id`, `txt`), INSERT ON `shop`.`items` TO 'sluice'@'%'|GRANT ALL ON `shop`.`orders` TO 'sluice'@'%'")]
    [InlineData("GRANT PROCESS, REPLICATION SLAVE, BINLOG MONITOR, SELECT ON *.* TO `sluice`@`%`")]
    public void Sufficient_grants_in_any_form_pass(string grants)
    {
        Assert.Empty(SetupChecks.Evaluate(Facts(grants: grants.Split('|')), Shop));
    }

    [Fact]
    public void Database_wildcards_and_procedure_grants_do_not_overreach()
    {
        var problems = SetupChecks.Evaluate(Facts(grants:
        [
            "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `sluice`@`%`",
            "GRANT SELECT ON `sh\\_p`.* TO `sluice`@`%`",        // an escaped underscore matches only '_'
            "GRANT EXECUTE, SELECT ON PROCEDURE `shop`.`p` TO `sluice`@`%`",
        ]), Shop);
        Assert.Equal("privilege SELECT on `shop`", Assert.Single(problems).Setting);
    }

    [Fact]
    public void Missing_privileges_are_warnings_when_roles_may_grant_them()
    {
        var problems = SetupChecks.Evaluate(Facts(grants: ["GRANT USAGE ON *.* TO `sluice`@`%`", "GRANT `replicator` TO `sluice`@`%`"]), Shop);
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.Equal(SetupSeverity.Warning, p.Severity));
        Assert.All(problems, p => Assert.Contains("unless one of the user's roles grants it", p.Problem));
    }

    [Fact]
    public void Unsupported_character_sets_fail_with_the_mappers_message()
    {
        var problems = SetupChecks.Evaluate(Facts(), [Table("shop", "items"), Table("shop", "legacy", "keybcs2")]);
        var problem = Assert.Single(problems);
        Assert.Equal("character set of shop.legacy.txt", problem.Setting);
        Assert.StartsWith("table shop.legacy: column txt uses character set 'keybcs2', which is not supported", problem.Problem);
        Assert.Equal("ALTER TABLE `shop`.`legacy` CONVERT TO CHARACTER SET utf8mb4; (or exclude the column or table from the sync)", problem.Fix);
    }

    [Fact]
    public void Account_names_are_quoted_for_grant_statements()
    {
        Assert.Equal("'sluice'@'10.0.%'", SetupChecks.Grantee("sluice@10.0.%"));
        Assert.Equal("'o''brien@x'@'localhost'", SetupChecks.Grantee("o'brien@x@localhost"));
    }
}
