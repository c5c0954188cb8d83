using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using NeuralStyle.Server.Storage;

namespace NeuralStyle.Server.Hosting;

/// <summary>
/// The one place the two stores are chosen: Hangfire's queue and our job store, both in PostgreSQL with
/// <c>--database</c>, else both in single files of the data folder. Made explicitly (no Hangfire global
/// state), so several servers may live in one process, as they do in the tests.
/// </summary>
public sealed class JobService : IDisposable
{
    private readonly FileStream? _folderLock;

    private JobService(JobStorage queue, IJobStore store, FileStream? folderLock, string description)
    {
        Queue = queue;
        Store = store;
        _folderLock = folderLock;
        Description = description;
    }

    /// <summary>Hangfire's storage: the queue of jobs and its servers.</summary>
    public JobStorage Queue { get; }

    /// <summary>The jobs, their progress and images.</summary>
    public IJobStore Store { get; }

    /// <summary>Where things are, for the startup line (no password).</summary>
    public string Description { get; }

    public static JobService Open(ServiceOptions options)
    {
        if (options.Database is { } database)
        {
            var connection = DatabaseUrl.ToConnectionString(database);
            var store = new PostgresJobStore(connection);
            try
            {
                store.Initialize();
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                throw new NeuralStyleException($"cannot reach the database {DatabaseUrl.Redacted(database)}: {UserMessage.Clause(e.Message)}");
            }
            var queue = new PostgreSqlStorage(new NpgsqlConnectionFactory(connection, new PostgreSqlStorageOptions()), new PostgreSqlStorageOptions
            {
                // Safe to leave on while other processes write jobs: on a current schema Hangfire.PostgreSql (1.21) only
                // reads hangfire.schema (a plain SELECT per script version, no DDL), and runs a script only when its
                // version is missing, as our store does (WorkerStartDuringWriteTests starts a worker during an open write).
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromSeconds(1),
                InvisibilityTimeout = options.InvisibilityTimeout,
                UseSlidingInvisibilityTimeout = true,
            });
            return new JobService(queue, store, null, $"PostgreSQL {DatabaseUrl.Redacted(database)}");
        }

        Directory.CreateDirectory(options.DataFolder);
        // The files are one process's: a second server on the same folder would run every job twice.
        var folderLock = LockFolder(options.DataFolder);
        try
        {
            var store = new SqliteJobStore(Path.Combine(options.DataFolder, "jobs.db"));
            store.Initialize();
            var queue = new SQLiteStorage(Path.Combine(options.DataFolder, "queue.db"), new SQLiteStorageOptions
            {
                QueuePollInterval = TimeSpan.FromSeconds(1),
                InvisibilityTimeout = options.EmbeddedInvisibilityTimeout,
            });
            return new JobService(queue, store, folderLock, $"single-file store in {options.DataFolder}");
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    private static FileStream LockFolder(string folder)
    {
        var path = Path.Combine(folder, "server.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new NeuralStyleException($"another neural-style server uses {folder}; stop it or pass another --data folder");
        }
    }

    public void Dispose()
    {
        (Queue as IDisposable)?.Dispose();
        _folderLock?.Dispose();
    }
}
