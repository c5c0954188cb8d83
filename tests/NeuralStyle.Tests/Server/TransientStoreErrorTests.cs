using Microsoft.Data.Sqlite;
using NeuralStyle.Imaging;
using NeuralStyle.Server.Storage;
using NeuralStyle.Tests.Support;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// The one policy of which errors delay a job rather than end it, on the errors a full disk really raises (a tmpfs filled
/// to the last byte): SQLite's, a plain file write's, and the engine's one-line "Cannot save" that wraps the latter.
/// And errors that are a job's own or a bug stay errors.
/// </summary>
public class TransientStoreErrorTests
{
    [SkippableFact]
    public void TheErrorsOfAFullDiskAreTransient()
    {
        using var disk = TmpfsDisk.MountOrSkip(megabytes: 4);
        var database = Path.Combine(disk.Path, "jobs.db");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString()))
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "CREATE TABLE t (x BLOB)");
            disk.Fill();

            var sqlite = Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO t VALUES (randomblob(200000))"));
            Assert.True(TransientStoreError.Is(sqlite), $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}");

            var write = Assert.ThrowsAny<IOException>(() => File.WriteAllBytes(Path.Combine(disk.Path, "scratch"), new byte[100_000]));
            Assert.True(TransientStoreError.Is(write), $"HResult {write.HResult}: {write.Message}");

            var save = Assert.Throws<NeuralStyleException>(() => AtomicFile.Write(Path.Combine(disk.Path, "plot.png"), s => s.Write(new byte[100_000])));
            Assert.True(TransientStoreError.Is(save), save.Message);
        }
    }

    [Fact]
    public void AJobsOwnErrorsAndBugsAreNot()
    {
        using var folder = new TempFolder();
        Assert.False(TransientStoreError.Is(Assert.ThrowsAny<IOException>(() => File.ReadAllBytes(folder.File("missing")))));
        Assert.False(TransientStoreError.Is(new NeuralStyleException("the photo is not an image")));
        Assert.False(TransientStoreError.Is(new InvalidOperationException("a bug", new ArgumentException("inner"))));
        using var connection = new SqliteConnection($"Data Source={folder.File("jobs.db")};Pooling=False");
        connection.Open();
        Assert.False(TransientStoreError.Is(Assert.Throws<SqliteException>(() => Execute(connection, "SELECT * FROM no_such_table"))));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
