using System.Data.Common;
using System.Text.Json;
using NeuralStyle.Server.Jobs;

namespace NeuralStyle.Server.Storage;

/// <summary>
/// The job store in SQL, written once for both databases (ADO.NET, <c>@name</c> parameters, <c>ON CONFLICT</c>,
/// <c>RETURNING</c>); the two subclasses give only their connection, column types and clock.
/// Two tables: <c>ns_jobs</c> (one row per job, progress as JSON) and <c>ns_blobs</c> (its images).
/// </summary>
public abstract class SqlJobStore : IJobStore
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected abstract DbConnection Open();

    /// <summary>SQL for the store's clock in Unix milliseconds.</summary>
    protected abstract string NowMs { get; }
    protected abstract string BlobType { get; }
    protected virtual string IntegerType => "BIGINT";

    /// <summary>SQL for when the store itself last started, in Unix milliseconds (0 = it cannot restart under us).</summary>
    protected virtual string UpSinceMs => "0";

    /// <summary>A running job's lease has run out, and the store has been up for <c>@grace</c>: after a database restart
    /// every live holder gets that long to renew before its job counts as abandoned.</summary>
    private string Lapsed => $"(lease_until < {NowMs} AND {UpSinceMs} < {NowMs} - @grace)";

    /// <summary>Creates the tables and indexes that are missing. When all are there (every start but the first) it only
    /// reads the catalog: even <c>CREATE … IF NOT EXISTS</c> locks (PostgreSQL's CREATE INDEX takes a SHARE lock on the
    /// table before it looks, SQLite's transaction takes the write lock), so it would wait for any transaction that is
    /// writing jobs, such as a checkpoint write under way, and a worker starting then would time out.</summary>
    public virtual void Initialize()
    {
        var schema = Schema;
        using (var connection = Open())
        {
            if (schema.All(o => Convert.ToBoolean(Scalar(connection, null, ExistsSql, ("name", o.Name))))) return;
        }
        using var creating = Open();
        using var transaction = creating.BeginTransaction();
        BeforeCreatingTables(creating, transaction);
        foreach (var (_, sql) in schema) Execute(creating, transaction, sql);
        transaction.Commit();
    }

    /// <summary>SQL that is true (or non-zero) when a table or index named <c>@name</c> exists, from the catalog alone,
    /// taking no lock that a writing transaction holds against it.</summary>
    protected abstract string ExistsSql { get; }

    /// <summary>Every table and index, by name, with the statement that makes it when it is missing.</summary>
    private (string Name, string Sql)[] Schema =>
    [
        ("ns_jobs", $"""
            CREATE TABLE IF NOT EXISTS ns_jobs (
                id TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                address TEXT NOT NULL,
                request TEXT NOT NULL,
                input_names TEXT NOT NULL,
                created {IntegerType} NOT NULL,
                updated {IntegerType} NOT NULL,
                state TEXT NOT NULL,
                progress TEXT NOT NULL,
                preview_version {IntegerType} NOT NULL DEFAULT 0,
                checkpoint_step {IntegerType} NOT NULL DEFAULT 0,
                error TEXT NULL,
                cancel_requested {IntegerType} NOT NULL DEFAULT 0,
                worker TEXT NULL,
                lease_until {IntegerType} NOT NULL DEFAULT 0,
                attempts {IntegerType} NOT NULL DEFAULT 0)
            """),
        ("ns_jobs_owner", "CREATE INDEX IF NOT EXISTS ns_jobs_owner ON ns_jobs (owner, created)"),
        ("ns_jobs_address", "CREATE INDEX IF NOT EXISTS ns_jobs_address ON ns_jobs (address, state)"),
        // The reapers' sweeps (ListStranded) look at running and queued jobs only, several times a minute.
        ("ns_jobs_state", "CREATE INDEX IF NOT EXISTS ns_jobs_state ON ns_jobs (state)"),
        ("ns_blobs", $"""
            CREATE TABLE IF NOT EXISTS ns_blobs (
                job_id TEXT NOT NULL,
                name TEXT NOT NULL,
                data {BlobType} NOT NULL,
                PRIMARY KEY (job_id, name))
            """),
    ];

    /// <summary>Runs in the transaction that creates the tables, first.</summary>
    protected virtual void BeforeCreatingTables(DbConnection connection, DbTransaction transaction)
    {
    }

    public void Create(JobRecord job, IReadOnlyDictionary<string, byte[]> blobs)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Insert(connection, transaction, job, blobs);
        transaction.Commit();
    }

    /// <remarks>A new job counts as given to the queue now (lease_until), until <see cref="Enqueued"/> confirms its
    /// queue entry: one whose enqueue failed after this insert is then found by the reapers (<see cref="ListStranded"/>).</remarks>
    private void Insert(DbConnection connection, DbTransaction transaction, JobRecord job, IReadOnlyDictionary<string, byte[]> blobs)
    {
        Execute(connection, transaction, $"""
            INSERT INTO ns_jobs (id, owner, address, request, input_names, created, updated, state, progress, lease_until)
            VALUES (@id, @owner, @address, @request, @names, {NowMs}, {NowMs}, @state, @progress, {NowMs})
            """,
            ("id", job.Id), ("owner", job.Owner), ("address", job.Address), ("request", JsonSerializer.Serialize(job.Request, Json)),
            ("names", JsonSerializer.Serialize(job.InputNames, Json)), ("state", JobState.Queued.Name()),
            ("progress", JsonSerializer.Serialize(JobProgress.None, Json)));
        foreach (var (name, data) in blobs) PutBlob(connection, transaction, job.Id, name, data);
    }

    public CreateOutcome TryCreate(JobRecord job, IReadOnlyDictionary<string, byte[]> blobs, int maxPerOwner, int maxPerAddress)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        LockForCreation(connection, transaction, $"address:{job.Address}");
        LockForCreation(connection, transaction, $"owner:{job.Owner}");
        var byAddress = Convert.ToInt64(Scalar(connection, transaction,
            "SELECT COUNT(*) FROM ns_jobs WHERE address = @address AND state IN ('queued', 'running')", ("address", job.Address)));
        if (byAddress >= maxPerAddress) return CreateOutcome.AddressFull;
        var byOwner = Convert.ToInt64(Scalar(connection, transaction,
            "SELECT COUNT(*) FROM ns_jobs WHERE owner = @owner AND state IN ('queued', 'running')", ("owner", job.Owner)));
        if (byOwner >= maxPerOwner) return CreateOutcome.OwnerFull;
        Insert(connection, transaction, job, blobs);
        transaction.Commit();
        return CreateOutcome.Created;
    }

    /// <summary>Makes concurrent <see cref="TryCreate"/>s with the same <paramref name="key"/> wait for this transaction.
    /// SQLite needs nothing: its transactions (BEGIN IMMEDIATE) already take the one write lock.</summary>
    protected virtual void LockForCreation(DbConnection connection, DbTransaction transaction, string key)
    {
    }

    public JobRecord? Get(string id)
    {
        using var connection = Open();
        return Query(connection, $"SELECT {Columns} FROM ns_jobs WHERE id = @id", ("id", id)).FirstOrDefault();
    }

    public string? OwnerOf(string id)
    {
        using var connection = Open();
        return Scalar(connection, null, "SELECT owner FROM ns_jobs WHERE id = @id", ("id", id)) as string;
    }

    public IReadOnlyList<JobRecord> List(string owner, int limit)
    {
        using var connection = Open();
        return Query(connection, $"SELECT {Columns} FROM ns_jobs WHERE owner = @owner ORDER BY created DESC LIMIT @limit",
            ("owner", owner), ("limit", (long)limit));
    }

    public IReadOnlyList<JobRecord> ListRunning()
    {
        using var connection = Open();
        return Query(connection, $"SELECT {Columns} FROM ns_jobs WHERE state = 'running'");
    }

    public IReadOnlyList<JobRecord> ListStranded(TimeSpan grace, TimeSpan unclaimed)
    {
        using var connection = Open();
        return Query(connection, $"SELECT {Columns} FROM ns_jobs WHERE {Stranded}", ("grace", Ms(grace)), ("unclaimed", Ms(unclaimed)));
    }

    public bool Requeue(string id, TimeSpan grace, TimeSpan unclaimed)
    {
        using var connection = Open();
        // lease_until of a queued job marks when it was given back, so one whose queue entry got lost is found again.
        return Execute(connection, null, $"""
            UPDATE ns_jobs SET state = 'queued', worker = NULL, lease_until = {NowMs}, updated = {NowMs}
            WHERE id = @id AND {Stranded}
            """, ("id", id), ("grace", Ms(grace)), ("unclaimed", Ms(unclaimed))) == 1;
    }

    public void Enqueued(string id)
    {
        using var connection = Open();
        Execute(connection, null, "UPDATE ns_jobs SET lease_until = 0 WHERE id = @id AND state = 'queued' AND worker IS NULL", ("id", id));
    }

    /// <summary>Running with a lapsed lease, or given back (by a reaper or a stopping worker) and not claimed since.</summary>
    private string Stranded =>
        $"((state = 'running' AND {Lapsed}) OR (state = 'queued' AND worker IS NULL AND lease_until > 0 AND lease_until < {NowMs} - @unclaimed))";

    public int CountActive(string address)
    {
        using var connection = Open();
        return Convert.ToInt32(Scalar(connection, null, "SELECT COUNT(*) FROM ns_jobs WHERE address = @address AND state IN ('queued', 'running')",
            ("address", address)));
    }

    public bool TryClaim(string id, string worker, TimeSpan lease)
    {
        using var connection = Open();
        return Execute(connection, null, $"""
            UPDATE ns_jobs SET state = 'running', worker = @worker, lease_until = {NowMs} + @lease, attempts = attempts + 1, updated = {NowMs}
            WHERE id = @id AND state IN ('queued', 'running') AND cancel_requested = 0
              AND (worker IS NULL OR worker = @worker OR {Lapsed})
            """, ("id", id), ("worker", worker), ("lease", Ms(lease)), ("grace", Ms(lease))) == 1;
    }

    public bool Renew(string id, string worker, TimeSpan lease)
    {
        using var connection = Open();
        return Execute(connection, null, $"UPDATE ns_jobs SET lease_until = {NowMs} + @lease WHERE id = @id AND worker = @worker AND state = 'running'",
            ("id", id), ("worker", worker), ("lease", Ms(lease))) == 1;
    }

    public ReportOutcome Report(string id, string worker, JobProgress progress, byte[]? preview, TimeSpan lease)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var cancel = Scalar(connection, transaction, $"""
            UPDATE ns_jobs SET progress = @progress, lease_until = {NowMs} + @lease, updated = {NowMs},
                preview_version = preview_version + @bump
            WHERE id = @id AND worker = @worker AND state = 'running'
            RETURNING cancel_requested
            """, ("id", id), ("worker", worker), ("progress", JsonSerializer.Serialize(progress, Json)),
            ("lease", (long)lease.TotalMilliseconds), ("bump", preview is null ? 0L : 1L));
        if (cancel is null or DBNull) return ReportOutcome.Lost;
        if (preview is not null) PutBlob(connection, transaction, id, Blobs.Preview, preview);
        transaction.Commit();
        return Convert.ToInt64(cancel) != 0 ? ReportOutcome.Cancel : ReportOutcome.Continue;
    }

    public void SaveCheckpoint(string id, string worker, int step, byte[] checkpoint)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var mine = Execute(connection, transaction, "UPDATE ns_jobs SET checkpoint_step = @step WHERE id = @id AND worker = @worker AND state = 'running'",
            ("id", id), ("worker", worker), ("step", (long)step));
        if (mine != 1) return; // no longer this worker's: its checkpoint must not replace the new holder's
        CheckpointWritePause.At(step);
        PutBlob(connection, transaction, id, Blobs.Checkpoint, checkpoint);
        transaction.Commit();
    }

    public void Release(string id, string worker)
    {
        using var connection = Open();
        Execute(connection, null, $"UPDATE ns_jobs SET state = 'queued', worker = NULL, lease_until = {NowMs}, updated = {NowMs} WHERE id = @id AND worker = @worker AND state = 'running'",
            ("id", id), ("worker", worker));
    }

    public bool Finish(string id, string? worker, JobState state, string? error, IReadOnlyDictionary<string, byte[]> blobs)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        // The job's row first: it is locked until the commit, so a Delete either went before (no row: nothing is written)
        // or waits for this and then removes the blobs too (Delete takes the row first as well).
        var ours = Execute(connection, transaction, $"""
            UPDATE ns_jobs SET state = @state, error = @error, lease_until = 0, updated = {NowMs}
            WHERE id = @id AND state IN ('queued', 'running') AND (CAST(@worker AS TEXT) IS NULL OR (worker = @worker AND state = 'running'))
            """, ("id", id), ("worker", worker), ("state", state.Name()), ("error", error));
        if (ours != 1) return false;
        foreach (var (name, data) in blobs) PutBlob(connection, transaction, id, name, data);
        Execute(connection, transaction, "DELETE FROM ns_blobs WHERE job_id = @id AND name = @name", ("id", id), ("name", Blobs.Checkpoint));
        transaction.Commit();
        return true;
    }

    public JobState? RequestCancel(string id)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"UPDATE ns_jobs SET cancel_requested = 1, updated = {NowMs} WHERE id = @id AND state IN ('queued', 'running')", ("id", id));
        // A job no worker holds stops now; a running one stops at its next report (within a second or so).
        Execute(connection, transaction, $"""
            UPDATE ns_jobs SET state = 'cancelled', updated = {NowMs}
            WHERE id = @id AND (state = 'queued' OR (state = 'running' AND lease_until < {NowMs}))
            """, ("id", id));
        var state = Scalar(connection, transaction, "SELECT state FROM ns_jobs WHERE id = @id", ("id", id));
        transaction.Commit();
        return state is string s ? JobStates.Parse(s) : null;
    }

    public bool Delete(string id)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        // The row first, as Finish does: a Finish under way holds it, and this waits; the blobs are removed after, by a
        // statement that then sees what that Finish stored (each statement reads what was committed before it began).
        var removed = Execute(connection, transaction, "DELETE FROM ns_jobs WHERE id = @id", ("id", id));
        Execute(connection, transaction, "DELETE FROM ns_blobs WHERE job_id = @id", ("id", id));
        transaction.Commit();
        return removed == 1;
    }

    public byte[]? GetBlob(string id, string name)
    {
        using var connection = Open();
        return Scalar(connection, null, "SELECT data FROM ns_blobs WHERE job_id = @id AND name = @name", ("id", id), ("name", name)) as byte[];
    }

    private string Columns =>
        "id, owner, address, request, input_names, created, updated, state, progress, preview_version, checkpoint_step, error, cancel_requested, worker, lease_until, attempts, " +
        $"CASE WHEN state = 'running' AND lease_until < {NowMs} THEN 1 ELSE 0 END";

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    private static List<JobRecord> Query(DbConnection connection, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var jobs = new List<JobRecord>();
        while (reader.Read())
        {
            jobs.Add(new JobRecord
            {
                Id = reader.GetString(0),
                Owner = reader.GetString(1),
                Address = reader.GetString(2),
                Request = JsonSerializer.Deserialize<JobRequest>(reader.GetString(3), Json)!,
                InputNames = JsonSerializer.Deserialize<List<string>>(reader.GetString(4), Json)!,
                Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                Updated = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                State = JobStates.Parse(reader.GetString(7)),
                Progress = JsonSerializer.Deserialize<JobProgress>(reader.GetString(8), Json)!,
                PreviewVersion = (int)reader.GetInt64(9),
                CheckpointStep = (int)reader.GetInt64(10),
                Error = reader.IsDBNull(11) ? null : reader.GetString(11),
                CancelRequested = reader.GetInt64(12) != 0,
                Worker = reader.IsDBNull(13) ? null : reader.GetString(13),
                LeaseUntil = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(14)),
                Attempts = (int)reader.GetInt64(15),
                LeaseLapsed = reader.GetInt64(16) != 0,
            });
        }
        return jobs;
    }

    private void PutBlob(DbConnection connection, DbTransaction transaction, string id, string name, byte[] data) =>
        Execute(connection, transaction, """
            INSERT INTO ns_blobs (job_id, name, data) VALUES (@id, @name, @data)
            ON CONFLICT (job_id, name) DO UPDATE SET data = excluded.data
            """, ("id", id), ("name", name), ("data", data));

    protected static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    protected static object? Scalar(DbConnection connection, DbTransaction? transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
