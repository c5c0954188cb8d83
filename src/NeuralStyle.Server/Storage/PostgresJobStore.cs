using System.Data.Common;
using Npgsql;

namespace NeuralStyle.Server.Storage;

/// <summary>The job store in PostgreSQL: what every web server and worker of a scaled-out service share.</summary>
public sealed class PostgresJobStore(string connectionString) : SqlJobStore
{
    // Milliseconds of the server's clock: every machine's leases are measured on the same one.
    protected override string NowMs => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
    protected override string BlobType => "BYTEA";
    // A restarted server (kill -9, a crash, an upgrade) has every lease run out at once; its start time lets live workers renew first.
    protected override string UpSinceMs => "CAST(EXTRACT(EPOCH FROM pg_postmaster_start_time()) * 1000 AS BIGINT)";

    // to_regclass looks the name up without locking the relation (NoLock), so open writers do not hold it up.
    protected override string ExistsSql => "SELECT to_regclass(@name) IS NOT NULL";

    protected override DbConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    // Several processes may start at once against a new database: one creates the tables, the others wait for it.
    protected override void BeforeCreatingTables(DbConnection connection, DbTransaction transaction) =>
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(7236481)");

    // Concurrent creations for one owner or address queue up here until the first commits (the lock ends with the transaction).
    protected override void LockForCreation(DbConnection connection, DbTransaction transaction, string key) =>
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(7236482, hashtext(@key))", ("key", key));
}
