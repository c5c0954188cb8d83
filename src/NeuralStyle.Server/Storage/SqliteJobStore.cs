using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace NeuralStyle.Server.Storage;

/// <summary>The job store in one SQLite file (the embedded default: one machine, no server to run).</summary>
public sealed class SqliteJobStore(string path) : SqlJobStore
{
    // A busy database waits (readers and the worker share the file) instead of failing at once.
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();

    protected override string NowMs => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
    protected override string BlobType => "BLOB";
    protected override string IntegerType => "INTEGER";

    // A read of the schema table outside any transaction: with write-ahead logging it does not wait for a writer.
    protected override string ExistsSql => "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = @name)";

    protected override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public override void Initialize()
    {
        using (var connection = Open())
        {
            // Write-ahead logging: the page's reads do not wait for the worker's writes.
            Execute(connection, null, "PRAGMA journal_mode = WAL");
        }
        base.Initialize();
    }
}
