using Sluice.Replication.Secrets;

namespace Sluice.Replication.Tests.Secrets;

public sealed class SqlRedactionTests
{
    [Theory]
    [InlineData("CREATE USER 'u'@'%' IDENTIFIED BY 'secret-pw'", "CREATE USER 'u'@'%' IDENTIFIED BY '***'")]
    [InlineData("ALTER USER u IDENTIFIED BY 'it''s \\' secret'", "ALTER USER u IDENTIFIED BY '***'")]
    [InlineData("GRANT ALL ON *.* TO u IDENTIFIED BY PASSWORD '*364212C679322B18'", "GRANT ALL ON *.* TO u IDENTIFIED BY PASSWORD '***'")]
    [InlineData("ALTER USER 'root'@'localhost' IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$x'", "ALTER USER 'root'@'localhost' IDENTIFIED WITH 'caching_sha2_password' AS '***'")]
    [InlineData("CREATE USER u IDENTIFIED VIA mysql_native_password USING PASSWORD('pw')", "CREATE USER u IDENTIFIED VIA mysql_native_password USING PASSWORD('***')")]
    [InlineData("SET PASSWORD FOR 'u'@'%' = PASSWORD('pw')", "SET PASSWORD FOR 'u'@'%' = PASSWORD('***')")]
    [InlineData("SET PASSWORD = 'pw'", "SET PASSWORD = '***'")]
    public void Password_literals_are_hidden(string sql, string expected) => Assert.Equal(expected, Redaction.RedactSql(sql));

    [Theory]
    [InlineData("CREATE TABLE t (password VARCHAR(20))")]
    [InlineData("INSERT INTO users (name) VALUES ('identified')")]
    [InlineData("ALTER TABLE t ADD COLUMN c INT")]
    public void Other_statements_are_unchanged(string sql) => Assert.Equal(sql, Redaction.RedactSql(sql));
}
